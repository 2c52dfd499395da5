import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { planPrivileges, TASKS, tasksForSetup } from '../../../../main/okta/least-privilege.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { testUserPasswordAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { createPreviewService } from '../../../../main/preview/preview-service.ts';
import type { RecordedExchange } from '../../../../main/sandbox/exchange-recorder.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { MANAGEMENT_OPERATIONS } from '../../../../shared/okta/management-scopes.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { PresetId } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep, testKeychain } from '../../../support/apply-setup.ts';
import { findInternalOperation } from '../../../support/conformance/internal-operations.ts';
import { listSpecOperations } from '../../../support/conformance/management-spec.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { startNodeScript } from '../../../support/processes.ts';

/**
 * The planner cannot miss a call: a real setup (users, groups and a test user assigned), the
 * wizard's preview with a throwaway user and `sso-console export` run against a sandbox that
 * records every management exchange, and every operation the console called must be in the
 * tasks the planner plans for that setup, so its scopes and role cover it.
 */

const SPEC_OPERATIONS = listSpecOperations().sort((a, b) => b.literalSegments - a.literalSegments);

/** The operationId of a recorded exchange, by method and path template. */
function operationOf({ method, path: requestPath }: RecordedExchange): string {
  const internal = findInternalOperation(method, requestPath);
  if (internal !== undefined) {
    return internal.operationId;
  }
  const found = SPEC_OPERATIONS.find(
    (operation) => operation.method === method && operation.pattern.test(requestPath),
  );
  return found?.operationId ?? `${method} ${requestPath} (not in management.yaml)`;
}

/** Every exchange recorded in `dir` so far. */
function recorded(dir: string): RecordedExchange[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedExchange),
    );
}

let sandbox: RunningSandbox;
let folder: string;
let recordDir: string;

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-least-privilege-'));
  recordDir = path.join(folder, 'exchanges');
  sandbox = await startSandbox({ seed: { kind: 'demo' }, recordDir });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs the console's setup, preview and export of `preset`; answers the operations called. */
async function consoleCalls(preset: PresetId): Promise<Set<string>> {
  const before = recorded(recordDir).length;
  const { orgUrl, apiToken: token } = sandbox;
  const document = createSetupDocument({
    id: `least-privilege-${preset}`,
    preset,
    baseUrl: `http://localhost:${String(await freePort())}`,
    label: `Least privilege ${preset}`,
  });
  const [user] = [...sandbox.org.users.values()].filter(
    (candidate) => candidate.status === 'ACTIVE',
  );
  const [group] = [...sandbox.org.groups.values()].filter(
    (candidate) => candidate.type === 'OKTA_GROUP',
  );
  document.assignments.users = [{ login: user?.profile.login ?? '' }];
  document.assignments.groups = [{ name: group?.profile.name ?? '' }];
  document.assignments.testUser = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: `ada.${preset}@example.com`,
  };
  const keychain = testKeychain();
  const client = createOktaClient({ orgUrl, token });
  const applied = await applyAndKeep({ client, orgUrl, document, keychain });

  // The wizard's preview, with a throwaway user made and removed by the preview itself.
  const previews = createPreviewService({
    activeOrg: () => Promise.resolve(orgFromCredentials({ orgUrl, token })),
    secrets: keychain,
    dataDir: path.join(folder, `data-${preset}`),
    emitProgress: () => undefined,
  });
  try {
    const started = await previews.start({
      document,
      user: { kind: 'throwaway' },
      operationId: `preview-${preset}`,
      allowAppChange: true,
    });
    const login = started.user.login ?? '';
    const password = (await keychain.get(testUserPasswordAccount(orgUrl, login))) ?? '';
    const back = await oidcHttp(orgUrl, document.app.redirectUris[0] ?? '').signInAt(
      started.authorizeUrl ?? '',
      { login, password },
    );
    if (started.strategy.kind === 'paste-url') {
      previews.pasteCallback(started.previewId, back.toString());
    } else {
      await fetch(back);
    }
    const report = await previews.wait(started.previewId);
    expect(report.ok, JSON.stringify(report.diagnosis)).toBe(true);

    const exported = startNodeScript(
      'main/cli/sso-console.ts',
      [
        'export',
        '--org-url',
        orgUrl,
        '--app',
        applied.appId,
        '--target',
        preset,
        '--out',
        path.join(folder, `export-${preset}`, 'out'),
      ],
      { ...process.env, SSO_CONSOLE_API_TOKEN: token },
    );
    expect(await exported.waitForExit(), exported.stderr.join('\n')).toBe(0);
  } finally {
    await keychainCleanup(keychain);
  }
  return new Set(recorded(recordDir).slice(before).map(operationOf));
}

/** Removes every secret the test's own keychain service holds. */
async function keychainCleanup(keychain: ReturnType<typeof testKeychain>) {
  for (const account of await keychain.listAccounts()) {
    await keychain.delete(account);
  }
}

describe.each(['kestra', 'kaimu'] as const)('the %s setup’s plan covers every call', (preset) => {
  it('plans a task for every operation the setup, the preview and the export called', async () => {
    const called = await consoleCalls(preset);
    const document = createSetupDocument({ id: 'plan', preset });
    document.assignments.testUser = { firstName: 'A', lastName: 'L', email: 'a@example.com' };
    const plan = planPrivileges(tasksForSetup(document, { withAssignments: true }));
    const planned = new Set<string>(
      plan.tasks.flatMap((task) => [
        ...TASKS[task].operations,
        ...(TASKS[task].optional ?? []).map(({ operationId }) => operationId),
      ]),
    );
    // The run did what it claims: the app made, the throwaway user made and removed, the export read.
    expect([...called]).toEqual(
      expect.arrayContaining(['createApplication', 'createUser', 'deleteUser', 'listApplications']),
    );
    expect([...called].filter((operationId) => !planned.has(operationId))).toEqual([]);
    // And so every scope a call needs is planned (optional calls aside: they may be refused).
    const scopes = new Set(plan.scopes.map(({ scope }) => scope));
    const required = new Set<string>(plan.tasks.flatMap((task) => TASKS[task].operations));
    for (const operationId of [...called].filter((id) => required.has(id))) {
      const entry = MANAGEMENT_OPERATIONS[operationId as keyof typeof MANAGEMENT_OPERATIONS];
      for (const scope of entry.scopes) {
        expect(scopes.has(scope), `${operationId} needs ${scope}`).toBe(true);
      }
    }
  });
});
