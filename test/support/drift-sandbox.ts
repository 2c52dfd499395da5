import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { driftServiceFor } from '../../main/composition/day-two-wiring.ts';
import type { DriftService } from '../../main/drift/drift-service.ts';
import { createExportService } from '../../main/export/export-service.ts';
import { type ActiveOrg, orgFromCredentials } from '../../main/okta/active-org.ts';
import type { SecretStore } from '../../main/platform/secrets/secret-store.ts';
import { type RunningSandbox, startSandbox } from '../../main/sandbox/sandbox-server.ts';
import { createSetupService, type SetupService } from '../../main/setup/setup-service.ts';

/** A demo-seeded sandbox, a data folder, and the setup service that applies setups to it. */
export interface DriftSandbox {
  sandbox: RunningSandbox;
  dataDir: string;
  org: ActiveOrg;
  setup: SetupService;
  /** The drift service as `sso-console drift` wires it, with `env` as the command's environment. */
  driftWith(env: NodeJS.ProcessEnv): DriftService;
  /** The Kestra application.yml of `appId` as the console exports it (secret referenced). */
  exportedKestraFile(appId: string): Promise<string>;
  /** Stops the sandbox and removes the data folder. */
  close(): Promise<void>;
}

/**
 * What the drift tests against the sandbox start from: the sandbox over HTTP, a data folder
 * named `<prefix>…`, and the real setup service over `keychain`, so drift compares with setups
 * applied the way the console applies them.
 */
export async function startDriftSandbox(
  prefix: string,
  keychain: SecretStore,
): Promise<DriftSandbox> {
  const sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const org = orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  const setup = createSetupService({
    activeOrg: () => Promise.resolve(org),
    secrets: keychain,
    dataDir,
    emitProgress: () => undefined,
  });
  return {
    sandbox,
    dataDir,
    org,
    setup,
    driftWith: (env) =>
      driftServiceFor({
        activeOrg: () => Promise.resolve(org),
        dataDir,
        setup,
        readKeptSecret: (account) => keychain.get(account),
        env,
      }),
    exportedKestraFile: async (appId) => {
      const exports = createExportService({
        activeOrg: () => Promise.resolve(org),
        secrets: keychain,
        dataDir,
        env: {},
      });
      const rendered = await exports.renderApp({ appId, target: 'kestra', inlineSecret: false });
      const content = rendered.outputs[0]?.files.find((f) => f.name === 'application.yml')?.content;
      if (content === undefined) {
        throw new Error('no application.yml rendered');
      }
      return content;
    },
    close: async () => {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
