import { createPrivateKey } from 'node:crypto';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createAuthServer } from '../../../../main/sandbox/routes/authorization-servers.ts';
import { createSandboxOrg } from '../../../../main/sandbox/sandbox-org.ts';
import { seedOrg } from '../../../../main/sandbox/seed.ts';
import {
  createStatePersister,
  decodeState,
  encodeState,
  readStateFile,
  STATE_FORMAT_VERSION,
  StateFileError,
  writeFileAtomically,
} from '../../../../main/sandbox/state-file.ts';

const now = new Date('2026-03-01T00:00:00.000Z');
// One clock for the saved org and the skeleton a load fills in: the clock is not saved, a
// loaded org gets the running sandbox's.
const clock = () => now;
const skeleton = () => createSandboxOrg(clock).org;

function demoState() {
  const { org, adminToken } = createSandboxOrg(clock);
  createAuthServer(org, {
    id: 'default',
    name: 'default',
    description: 'Default Authorization Server for your Applications',
    audiences: ['api://default'],
    now,
    withDefaultPolicy: true,
  });
  const admin = org.users.get(org.tokens.get(adminToken) ?? '');
  if (admin === undefined) {
    throw new Error('no admin');
  }
  seedOrg(org, { kind: 'demo' }, { admin, now });
  return { org, adminToken };
}

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sandbox-state-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('encodeState / decodeState', () => {
  it('round-trips an org with its Maps, Sets, nested Maps, secrets and keys', () => {
    const state = demoState();
    const text = encodeState(state, now);
    const back = decodeState(text, 'org.json', skeleton());
    expect(back).toEqual(state);
    expect(back.org.users).toBeInstanceOf(Map);
    expect(back.org.groupMembers.values().next().value).toBeInstanceOf(Set);
    const server = back.org.authServers.get('default');
    expect(server?.rules.values().next().value).toBeInstanceOf(Map);
    expect(server?.signingKey.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(JSON.parse(text)).toMatchObject({
      formatVersion: STATE_FORMAT_VERSION,
      savedAt: now.toISOString(),
      adminToken: state.adminToken,
    });
  });

  it('keeps data that looks like its own tags as the plain objects they were', () => {
    const state = demoState();
    const app = state.org.apps.values().next().value;
    if (app === undefined) {
      throw new Error('no app');
    }
    app.record.profile = {
      odd: { $map: [['a', 1]] },
      odder: { $object: { $set: [1] } },
      normal: { $map: 1, other: 2 },
    };
    const back = decodeState(encodeState(state, now), 'org.json', skeleton());
    expect(back.org.apps.get(app.id)?.record.profile).toEqual(app.record.profile);
  });

  it('refuses to save what JSON would silently drop, naming where it is', () => {
    const state = demoState();
    const server = state.org.authServers.get('default');
    if (server === undefined) {
      throw new Error('no default server');
    }
    (server.signingKey as Record<string, unknown>).privateKey = createPrivateKey(
      server.signingKey.privateKeyPem,
    );
    expect(() => encodeState(state, now)).toThrow(
      'The sandbox org cannot be saved: "privateKey" holds a PrivateKeyObject. Keep the org model to plain data, arrays, Maps and Sets.',
    );
  });

  it('fills fields a file from before they existed lacks from a fresh org', () => {
    const state = demoState();
    const file = JSON.parse(encodeState(state, now)) as { org: Record<string, unknown> };
    delete file.org.trustedOrigins;
    const back = decodeState(JSON.stringify(file), 'org.json', skeleton());
    expect(back.org.trustedOrigins).toEqual(new Map());
  });

  const damaged: [string, (file: Record<string, unknown>) => unknown, RegExp][] = [
    ['cut short', () => undefined, /is not valid \(.*\): it may have been cut short or edited/],
    [
      'not a state file',
      () => ({ hello: 'world' }),
      /is not a sandbox state file \(it has no formatVersion\)/,
    ],
    [
      'a user without a login',
      (file) => {
        const users = (
          (file.org as Record<string, unknown>).users as {
            $map: [string, { profile: Record<string, unknown> }][];
          }
        ).$map;
        delete users[0]?.[1].profile.login;
        return file;
      },
      /is damaged: org\.users\["00u[A-Za-z0-9]{17}"\]\.profile\.login is not a string/,
    ],
    [
      'a token for a missing user',
      (file) => {
        ((file.org as Record<string, unknown>).tokens as { $map: [string, string][] }).$map.push([
          '00x',
          '00unobody',
        ]);
        return file;
      },
      /is damaged: org\.tokens holds a token for a user that does not exist/,
    ],
    [
      'a Map turned into a list',
      (file) => {
        (file.org as Record<string, unknown>).apps = [];
        return file;
      },
      /is damaged: org\.apps is not a saved Map/,
    ],
    [
      'a service app with an unknown client role',
      (file) => {
        const apps = (
          (file.org as Record<string, unknown>).apps as {
            $map: [string, { adminRoles?: { type: string }[] }][];
          }
        ).$map;
        const service = apps.find(([, app]) => app.adminRoles !== undefined);
        if (service?.[1].adminRoles?.[0] !== undefined) {
          service[1].adminRoles[0].type = 'KING';
        }
        return file;
      },
      /is damaged: org\.apps\["0oa[A-Za-z0-9]{17}"\]\.adminRoles\[0\]\.type is not one of SUPER_ADMIN/,
    ],
  ];

  it.each(damaged)(
    'refuses a file that is %s, naming it and saying what to do',
    (_name, damage, message) => {
      const file = JSON.parse(encodeState(demoState(), now)) as Record<string, unknown>;
      const changed = damage(file);
      const text =
        changed === undefined
          ? encodeState(demoState(), now).slice(0, 500)
          : JSON.stringify(changed);
      expect(() => decodeState(text, '/data/org.json', skeleton())).toThrow(StateFileError);
      expect(() => decodeState(text, '/data/org.json', skeleton())).toThrow(message);
      expect(() => decodeState(text, '/data/org.json', skeleton())).toThrow(
        /\/data\/org\.json.*Move it aside \(or delete it\) to start a fresh org there/,
      );
    },
  );

  it('refuses a file from a newer sandbox', () => {
    const file = JSON.parse(encodeState(demoState(), now)) as Record<string, unknown>;
    file.formatVersion = STATE_FORMAT_VERSION + 1;
    expect(() => decodeState(JSON.stringify(file), '/data/org.json', skeleton())).toThrow(
      `The sandbox state file /data/org.json was written by a newer version of the sandbox (format ${String(STATE_FORMAT_VERSION + 1)}; this one reads format ${String(STATE_FORMAT_VERSION)}).`,
    );
  });
});

describe('readStateFile and writeFileAtomically', () => {
  it('says there is nothing to load when the file does not exist', () => {
    expect(readStateFile(path.join(folder, 'org.json'), skeleton)).toBeUndefined();
  });

  it('writes a file only its owner can read, leaving no temp file, and reads it back', async () => {
    const file = path.join(folder, 'org.json');
    const state = demoState();
    await writeFileAtomically(file, encodeState(state, now));
    await writeFileAtomically(file, encodeState(state, now));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['org.json']);
    expect(readStateFile(file, skeleton)).toEqual(state);
  });

  it('removes temp files of sandboxes killed mid-save, never a running one’s', () => {
    const file = path.join(folder, 'org.json');
    const dead = path.join(folder, '.org.json.999999999.tmp');
    const running = path.join(folder, `.org.json.${String(process.ppid)}.tmp`);
    writeFileSync(dead, '{"half');
    writeFileSync(running, '{"half');
    expect(readStateFile(file, skeleton)).toBeUndefined();
    expect(readdirSync(folder).sort()).toEqual([path.basename(running)]);
  });

  it('names a folder given as the file', async () => {
    const file = path.join(folder, 'org.json');
    await mkdir(file);
    expect(() => readStateFile(file, skeleton)).toThrow(`--state ${file} is a folder.`);
  });

  it('fails without touching the target when the folder is missing', async () => {
    await expect(
      writeFileAtomically(path.join(folder, 'missing', 'org.json'), '{}'),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('createStatePersister', () => {
  it('coalesces a burst of changes into one save, and saves what is left on flush', async () => {
    const file = path.join(folder, 'org.json');
    let snapshots = 0;
    const persister = createStatePersister({
      filePath: file,
      snapshot: () => `{"save":${String((snapshots += 1))}}`,
      onError: (error) => {
        throw error;
      },
      debounceMs: 50,
    });
    for (let change = 0; change < 100; change += 1) {
      persister.markDirty();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(snapshots).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('{"save":1}');
    persister.markDirty();
    await persister.flush();
    expect(snapshots).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('{"save":2}');
    await persister.flush();
    expect(snapshots).toBe(2);
  });

  it('reports a failed save and retries it with the next change, not on its own', async () => {
    const file = path.join(folder, 'later', 'org.json');
    const errors: unknown[] = [];
    const persister = createStatePersister({
      filePath: file,
      snapshot: () => '{}',
      onError: (error) => errors.push(error),
      debounceMs: 20,
    });
    persister.markDirty();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ENOENT' });
    await mkdir(path.dirname(file));
    persister.markDirty();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(errors).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });
});

describe('writeFileAtomically', () => {
  it('does not write through a link planted where a save’s temporary file would go', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'state-link-'));
    try {
      const file = path.join(folder, 'org.json');
      const victim = path.join(folder, 'victim.txt');
      writeFileSync(victim, 'untouched\n');
      // The name a save used to take, known in advance from the pid alone.
      symlinkSync(victim, path.join(folder, `.org.json.${String(process.pid)}.tmp`));
      await writeFileAtomically(file, '{"saved":true}\n');
      expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
      expect(readFileSync(file, 'utf8')).toBe('{"saved":true}\n');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
