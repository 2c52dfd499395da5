import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listTargets } from '../../../../main/cli/export-command.ts';
import type { ExportTargetInfo } from '../../../../shared/export/export-targets.ts';
import { isGenericExportTarget } from '../../../../shared/setup/presets.ts';
import { startNodeScript } from '../../../support/processes.ts';

/**
 * `sso-console init --target ID` for every app target that the CLI's export catalogue prints
 * (`export --list-targets --json`), then `sso-console plan` of the document against the
 * sandbox: the app it would create has the callback the target's own documentation names,
 * built from the base URL.
 */

let sandbox: ReturnType<typeof startNodeScript>;
let orgUrl: string;
let apiToken: string;
let folder: string;

beforeAll(async () => {
  sandbox = startNodeScript('main/sandbox/cli.ts', ['--json']);
  ({ orgUrl, apiToken } = JSON.parse(await sandbox.waitForLine(/^\{/)) as {
    orgUrl: string;
    apiToken: string;
  });
  folder = mkdtempSync(path.join(tmpdir(), 'sso-console-init-targets-'));
});
afterAll(async () => {
  await sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const cli = startNodeScript('main/cli/sso-console.ts', args, { ...process.env, ...env });
  const code = await cli.waitForExit();
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n') };
}

/**
 * The path each target sends its callback on, under the base URL, as its own documentation says
 * (`../shared/reference/targets.md`, with sources): written out here, not taken from the presets
 * or the exporters, so that a preset drifting from its target fails.
 */
const DOCUMENTED_CALLBACK_PATHS: Record<string, string> = {
  kestra: '/oauth/callback/okta',
  kaimu: '/auth/oidc/okta/callback',
  grafana: '/login/okta',
  argocd: '/auth/callback',
  gitlab: '/users/auth/openid_connect/callback',
  'oauth2-proxy': '/oauth2/callback',
  'spring-boot': '/login/oauth2/code/okta',
  authjs: '/api/auth/callback/okta',
  gitea: '/user/oauth2/okta/callback',
  jenkins: '/securityRealm/finishLogin',
  harbor: '/c/oidc/callback',
  vault: '/ui/vault/auth/oidc/oidc/callback',
  outline: '/auth/oidc.callback',
  jupyterhub: '/hub/oauth_callback',
};

/** Redirect URIs a target registers beside its callback (Vault's CLI listener). */
const EXTRA_REDIRECT_URIS: Record<string, string[]> = {
  vault: ['http://localhost:8250/oidc/callback'],
};

/** The app targets of the catalogue the CLI prints (the generic formats go with any preset). */
const APP_TARGETS = (JSON.parse(listTargets(true)) as { targets: ExportTargetInfo[] }).targets
  .map((target) => target.id)
  .filter((id) => !isGenericExportTarget(id));

interface PlanJson {
  changes: boolean;
  blockers: string[];
  steps: {
    key: string;
    action: string;
    changes: { field: string; after?: unknown }[];
  }[];
}

describe('sso-console init --target, for every app target', () => {
  it('is asked about the same app targets the CLI lists', async () => {
    const listed = await run(['export', '--list-targets', '--json']);
    expect(listed.code).toBe(0);
    const ids = (JSON.parse(listed.stdout) as { targets: ExportTargetInfo[] }).targets.map(
      (target) => target.id,
    );
    expect(ids.filter((id) => !isGenericExportTarget(id))).toEqual(APP_TARGETS);
    expect(APP_TARGETS.length).toBeGreaterThanOrEqual(8);
  });

  it.each(APP_TARGETS)(
    '%s: init writes the target’s callback, and plan creates the app with it',
    async (target) => {
      const callbackPath = DOCUMENTED_CALLBACK_PATHS[target];
      expect(
        callbackPath,
        `Write down the callback path ${target}'s documentation names in DOCUMENTED_CALLBACK_PATHS`,
      ).toBeDefined();
      const base = `https://${target}.example.com`;
      const expected = `${base}${callbackPath ?? ''}`;
      const file = path.join(folder, `${target}.json`);

      const init = await run([
        'init',
        '--target',
        target,
        '--base-url',
        `${base}/`,
        '--name',
        `${target} init-targets`,
        '--out',
        file,
      ]);
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      const registered = [expected, ...(EXTRA_REDIRECT_URIS[target] ?? [])];
      expect(init.stdout).toContain(`callback ${registered.join(', ')}.`);
      // The export that follows takes the same target: one choice.
      expect(init.stdout).toContain(`--target ${target} `);
      const document = JSON.parse(readFileSync(file, 'utf8')) as {
        target: { preset: string; baseUrl: string };
        app: { redirectUris: string[] };
      };
      expect(document.target).toMatchObject({ preset: target, baseUrl: base });
      expect(document.app.redirectUris).toEqual(registered);

      const plan = await run(
        ['plan', file, '--org-url', orgUrl, '--user-data-dir', path.join(folder, 'data'), '--json'],
        { SSO_CONSOLE_API_TOKEN: apiToken },
      );
      expect(plan.stderr).toBe('');
      expect(plan.code).toBe(0);
      const planned = JSON.parse(plan.stdout) as PlanJson;
      expect(planned.blockers).toEqual([]);
      const app = planned.steps.find((step) => step.key === 'app');
      expect(app?.action).toBe('create');
      expect(app?.changes.find((change) => change.field === 'redirectUris')?.after).toEqual(
        registered,
      );
    },
  );

  it('plans the groups claim Grafana and Argo CD read, each where its guide puts it', async () => {
    const planned: Record<string, PlanJson> = {};
    for (const target of ['grafana', 'argocd']) {
      const file = path.join(folder, `${target}-groups.json`);
      expect((await run(['init', '--target', target, '--out', file])).code).toBe(0);
      const plan = await run(
        ['plan', file, '--org-url', orgUrl, '--user-data-dir', path.join(folder, 'data'), '--json'],
        { SSO_CONSOLE_API_TOKEN: apiToken },
      );
      planned[target] = JSON.parse(plan.stdout) as PlanJson;
    }
    // Grafana: the org server's claim, a setting of the app itself.
    expect(planned.grafana?.steps.map((step) => step.key)).toContain('app-groups-claim');
    // Argo CD: a groups scope and claim on the custom server, and its access policy.
    expect(planned.argocd?.steps.map((step) => step.key)).toEqual(
      expect.arrayContaining(['scope:groups', 'claim:groups', 'access-policy']),
    );
  });

  it.each(['grafana', 'argocd'])(
    '%s: apply makes the app, its sign-in and initiate login URIs and its groups claim, and leaves nothing to plan',
    async (target) => {
      const file = path.join(folder, `${target}-apply.json`);
      const org = ['--org-url', orgUrl, '--user-data-dir', path.join(folder, 'data')];
      const withToken = { SSO_CONSOLE_API_TOKEN: apiToken };
      expect(
        (
          await run([
            'init',
            '--target',
            target,
            '--name',
            `${target} applied`,
            '--base-url',
            `https://${target}.example.com`,
            '--out',
            file,
          ])
        ).code,
      ).toBe(0);
      const apply = await run(['apply', file, ...org, '--yes', '--json'], withToken);
      expect(apply.code).toBe(0);
      expect(JSON.parse(apply.stdout)).toMatchObject({ outcome: 'applied' });
      const again = await run(['plan', file, ...org, '--detailed-exitcode'], withToken);
      expect(again.stdout).toContain('No changes: the org already matches the setup document.');
      expect(again.code).toBe(0);
    },
  );

  it('refuses a generic format, a client key the target has no use for, and a base URL without a scheme', async () => {
    const generic = await run(['init', '--target', 'dotenv', '--out', path.join(folder, 'x.json')]);
    expect(generic.code).toBe(1);
    expect(generic.stderr).toContain(
      'dotenv is an export format that goes with any app: init the preset of the app it is for',
    );

    const clientKey = await run([
      'init',
      '--target',
      'grafana',
      '--client-key',
      'corp',
      '--out',
      path.join(folder, 'y.json'),
    ]);
    expect(clientKey.code).toBe(1);
    expect(clientKey.stderr).toContain(
      '--client-key does not apply to Grafana: its callback has no client key.',
    );

    const schemeless = await run([
      'init',
      '--target',
      'argocd',
      '--base-url',
      'argocd.example.com',
      '--out',
      path.join(folder, 'z.json'),
    ]);
    expect(schemeless.code).toBe(1);
    expect(schemeless.stderr).toContain(
      '--base-url "argocd.example.com" is not an http or https address',
    );
  });
});
