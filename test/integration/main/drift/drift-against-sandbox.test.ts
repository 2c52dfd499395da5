import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { driftServiceFor } from '../../../../main/composition/day-two-wiring.ts';
import type { DriftService } from '../../../../main/drift/drift-service.ts';
import type { ActiveOrg } from '../../../../main/okta/active-org.ts';
import { keptSetupDocumentFile } from '../../../../main/platform/kept-setup-documents.ts';
import type { RunningSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import type { SetupService } from '../../../../main/setup/setup-service.ts';
import { AppError } from '../../../../shared/errors.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { testKeychain } from '../../../support/apply-setup.ts';
import { type DriftSandbox, startDriftSandbox } from '../../../support/drift-sandbox.ts';
import { type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * Issue 17 item 3, "Drift, both ways", against the sandbox: an app edited through the
 * management API behind the console's back shows field by field; Restore empties the plan;
 * Adopt writes Okta's values into the document where it is kept and into the admin's file,
 * keeping what the org does not hold; a deployed Kestra application.yml with a wrong client id
 * or an unregistered callback is caught, with its fix.
 */

let sandbox: RunningSandbox;
let dataDir: string;
let org: ActiveOrg;
let sdk: OktaSdkClient;
let setup: SetupService;
let drift: DriftService;
let world: DriftSandbox;
const keychain = testKeychain();

beforeAll(async () => {
  world = await startDriftSandbox('sso-console-drift-', keychain);
  ({ sandbox, dataDir, org, setup } = world);
  sdk = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  drift = world.driftWith({});
});
afterAll(async () => {
  await world.close();
});

async function applied(
  id: string,
  label: string,
): Promise<{ document: SetupDocument; appId: string }> {
  const document = createSetupDocument({
    id,
    preset: 'kestra',
    label,
    baseUrl: 'https://kestra.example.com',
  });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
  };
  const outcome = await setup.applyReviewed(document, `apply-${id}`);
  if (outcome.outcome !== 'applied') {
    throw new Error('the setup was not applied');
  }
  return { document, appId: outcome.applied.appId };
}

/** Another admin's plain PUT of the app through the management API: `edit` changes Okta's JSON. */
async function editBehindTheConsolesBack(
  appId: string,
  edit: (app: {
    label: string;
    settings: { oauthClient: { redirect_uris: string[]; grant_types: string[] } };
  }) => void,
): Promise<void> {
  const url = `${sandbox.orgUrl}/api/v1/apps/${appId}`;
  const headers = {
    authorization: `SSWS ${sandbox.apiToken}`,
    accept: 'application/json',
    'content-type': 'application/json',
  };
  const app = (await (await fetch(url, { headers })).json()) as Parameters<typeof edit>[0];
  edit(app);
  const put = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(app) });
  expect(put.status).toBe(200);
}

describe('drift against the org', () => {
  it('shows an edit made through the management API field by field, and Restore empties the plan', async () => {
    const { document, appId } = await applied('drift-restore', 'Drift restore');
    expect((await drift.check(appId)).drift).toEqual({ drifted: false, fields: [], blockers: [] });

    await editBehindTheConsolesBack(appId, (app) => {
      app.label = 'Renamed by hand';
      app.settings.oauthClient.redirect_uris.push('https://elsewhere.example.com/callback');
      app.settings.oauthClient.grant_types.push('refresh_token');
    });
    await sdk.applicationApi.unassignUserFromApplication({
      appId,
      userId: (await sdk.userApi.getUser({ userId: 'alice.martin@example.com' })).id ?? '',
    });

    const report = await drift.check(appId);
    expect(report.document).toEqual({
      id: 'drift-restore',
      keptFile: keptSetupDocumentFile(dataDir, 'drift-restore'),
      file: null,
    });
    expect(report.drift.drifted).toBe(true);
    const byPath = new Map(report.drift.fields.map((field) => [field.path, field]));
    expect(byPath.get('app.label')).toMatchObject({
      documentValue: 'Drift restore',
      oktaValue: 'Renamed by hand',
      adoptable: true,
    });
    expect(byPath.get('app.redirectUris')).toMatchObject({
      documentValue: document.app.redirectUris,
      oktaValue: [...document.app.redirectUris, 'https://elsewhere.example.com/callback'],
    });
    expect(byPath.get('app.grantTypes')).toMatchObject({
      documentValue: ['authorization_code'],
      oktaValue: ['authorization_code', 'refresh_token'],
    });
    expect(byPath.get('assignments.users[login=alice.martin@example.com]')).toMatchObject({
      documentValue: 'assigned',
      oktaValue: 'not assigned',
    });
    expect([...byPath.keys()].sort()).toEqual([
      'app.grantTypes',
      'app.label',
      'app.redirectUris',
      'assignments.users[login=alice.martin@example.com]',
    ]);

    const restored = await drift.restore(appId);
    expect(restored.drift).toEqual({ drifted: false, fields: [], blockers: [] });
    const app = (await sdk.applicationApi.getApplication({ appId })) as unknown as {
      label: string;
      settings: { oauthClient: { redirect_uris: string[] } };
    };
    expect(app.label).toBe('Drift restore');
    expect(app.settings.oauthClient.redirect_uris).toEqual(document.app.redirectUris);
  });

  it('Adopt writes Okta’s values where the document is kept and into the admin’s file, keeping the rest', async () => {
    const { document, appId } = await applied('drift-adopt', 'Drift adopt');
    const file = path.join(dataDir, 'my-setup.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    await editBehindTheConsolesBack(appId, (app) => {
      app.label = 'Adopted label';
      app.settings.oauthClient.redirect_uris.push('https://second.example.com/oauth/callback/okta');
    });

    const adopted = await drift.adopt(appId, { document, file });
    expect(adopted.adopted.sort()).toEqual(['app.label', 'app.redirectUris']);
    const kept = keptSetupDocumentFile(dataDir, 'drift-adopt');
    expect(adopted.written).toEqual([kept, file]);
    expect(adopted.after.drift.drifted).toBe(false);

    const expected: SetupDocument = {
      ...document,
      app: {
        ...document.app,
        label: 'Adopted label',
        redirectUris: [
          ...document.app.redirectUris,
          'https://second.example.com/oauth/callback/okta',
        ],
      },
    };
    // Everything the org does not hold (the id, the target, the assignments) is kept as it was.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(expected);
    expect(JSON.parse(readFileSync(kept, 'utf8'))).toEqual(expected);
    expect((await drift.check(appId)).drift.drifted).toBe(false);
    // The plan of the adopted document is empty too: the setup service agrees.
    expect(
      (await setup.plan(expected)).plan.steps.every((step) => step.action === 'unchanged'),
    ).toBe(true);
  });

  it('refuses a document that is not the app’s', async () => {
    const { appId } = await applied('drift-owner', 'Drift owner');
    const other = createSetupDocument({ id: 'someone-else', preset: 'kestra', label: 'Other' });
    const refusal: unknown = await drift
      .check(appId, { document: other, file: 'other.json' })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('INVALID_REQUEST');
    expect((refusal as AppError).message).toContain(
      'other.json is not the setup document of "Drift owner"',
    );
  });
});

describe('drift against the deployed target', () => {
  it('passes the application.yml the console exported, and catches a wrong client id and an unregistered callback, each with its fix', async () => {
    const { appId } = await applied('drift-target', 'Drift target');
    const clientId = (await drift.check(appId)).app.clientId;
    const good = await world.exportedKestraFile(appId);
    const fileAt = (content: string) => ({
      name: 'application.yml',
      path: '/srv/kestra/application.yml',
      content,
    });

    const passing = await drift.checkTarget(appId, undefined, fileAt(good));
    expect(passing.target).toBe('kestra');
    expect(passing.findings.map((finding) => [finding.check, finding.ok])).toEqual([
      ['read', true],
      ['client-id', true],
      ['app-active', true],
      ['issuer', true],
      ['redirect-uri', true],
      ['auth-method', true],
      ['secret', true],
    ]);
    expect(passing.ok).toBe(true);

    const wrongId = good.replace(clientId, '0oaWRONGCLIENT1234567');
    const line =
      wrongId.split('\n').findIndex((text) => text.includes('0oaWRONGCLIENT1234567')) + 1;
    const caught = await drift.checkTarget(appId, 'kestra', fileAt(wrongId));
    expect(caught.ok).toBe(false);
    expect(caught.findings.filter((finding) => !finding.ok)).toEqual([
      {
        check: 'client-id',
        ok: false,
        detail:
          "The file's client id 0oaWRONGCLIENT1234567 is no app's in the org: Okta answers every sign-in with \"Invalid value for 'client_id' parameter.\"",
        fix: `Replace the client id 0oaWRONGCLIENT1234567 with ${clientId} in /srv/kestra/application.yml line ${String(line)}, and redeploy the target.`,
        at: { file: '/srv/kestra/application.yml', line },
      },
    ]);

    const moved = good.replace('https://kestra.example.com', 'https://kestra.moved.example.com');
    const unregistered = await drift.checkTarget(appId, 'kestra', fileAt(moved));
    const failed = unregistered.findings.filter((finding) => !finding.ok);
    expect(failed.map((finding) => finding.check)).toEqual(['redirect-uri']);
    expect(failed[0]?.detail).toContain(
      'sends the redirect URI https://kestra.moved.example.com/oauth/callback/okta, which is not registered',
    );
    expect(failed[0]?.fix).toContain(
      'Change the file so kestra sends https://kestra.example.com/oauth/callback/okta',
    );
    expect(failed[0]?.at?.line).toBe(
      moved.split('\n').findIndex((text) => text.includes('https://kestra.moved.example.com')) + 1,
    );
  });

  it('says when the referenced secret does not resolve, and when the file is not the target’s', async () => {
    const { appId } = await applied('drift-secret', 'Drift secret');
    const good = await world.exportedKestraFile(appId);
    const noKeychain = driftServiceFor({
      activeOrg: () => Promise.resolve(org),
      dataDir,
      setup,
      readKeptSecret: () => Promise.resolve(null),
      env: {},
    });
    const report = await noKeychain.checkTarget(appId, 'kestra', {
      name: 'kestra-prod.yml',
      path: 'kestra-prod.yml',
      content: good,
    });
    const secret = report.findings.find((finding) => finding.check === 'secret');
    expect(secret?.ok).toBe(false);
    expect(secret?.fix).toMatch(/^Set \S+ to the app's client secret where the target runs/);

    // A file on disk, as the console window's picker gives it; one that is not there is said.
    const onDisk = path.join(dataDir, 'kestra-prod.yml');
    writeFileSync(onDisk, good);
    const fromDisk = await drift.checkTargetAt(appId, undefined, onDisk);
    expect(fromDisk).toMatchObject({ target: 'kestra', file: onDisk, ok: true });
    const absent: unknown = await drift
      .checkTargetAt(appId, 'kestra', path.join(dataDir, 'absent.yml'))
      .catch((error: unknown) => error);
    expect(absent).toBeInstanceOf(AppError);
    expect((absent as AppError).message).toBe(
      `${path.join(dataDir, 'absent.yml')} cannot be read (ENOENT), so it was not checked.`,
    );

    const garbage = await drift.checkTarget(appId, 'kestra', {
      name: 'application.yml',
      path: 'application.yml',
      content: 'kestra: [unclosed',
    });
    expect(garbage.findings).toHaveLength(1);
    expect(garbage.findings[0]).toMatchObject({ check: 'read', ok: false });
    expect(garbage.findings[0]?.detail).toContain('is not valid YAML');
  });
});
