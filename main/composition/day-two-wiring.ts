import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import {
  createDriftService,
  type DriftService,
  type TargetSignIn,
} from '../drift/drift-service.ts';
import type { TargetFile, TargetValues } from '../drift/target-drift.ts';
import { createExportService, type ExportService } from '../export/export-service.ts';
import { ExportReadError } from '../export/exporter.ts';
import { exporterFor } from '../export/targets/index.ts';
import { asExportedFile } from '../export/verification-runs.ts';
import { VerificationStopped } from '../export/verify-export.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import type { OrgSnapshot } from '../okta/org-snapshot.ts';
import { setupFileName } from '../platform/kept-setup-documents.ts';
import { clientSecretAccount } from '../platform/secrets/keychain-accounts.ts';
import { createFileJournal, entriesFor, owedSecrets } from '../setup/apply-journal.ts';
import { hasChanges, type Plan, planSetup } from '../setup/plan.ts';
import type { SetupService } from '../setup/setup-service.ts';

/**
 * The day-two wiring the console window and the command line share: the setup's planner as drift
 * and the managed apps use it, the export's readers and verification as drift's target check and
 * sign-in, and the drift service built over them.
 *
 * @remarks
 * Lives in the composition root because it joins domains (setup, export, drift) that may not
 * import each other. The CLI sits on the composition, so `sso-console drift` and `list` import it
 * from here; the composition never imports the CLI.
 */

/** The export verification's steps a sign-in with a target's file goes through. */
export type TargetVerification = Pick<
  ExportService,
  'verifyFilesStart' | 'verifyWait' | 'verifyPaste' | 'verifyCancel'
>;

/**
 * The setup's planner as drift and `list` use it: the plan of a document against what the org
 * holds, with the secrets this computer owes (from the setup's journal) — so drift is shown
 * exactly when `sso-console plan` of the document would show a change.
 */
export function setupPlanner(dataDir: string) {
  return async (orgUrl: string, document: SetupDocument, snapshot: OrgSnapshot): Promise<Plan> => {
    const journalFile = path.join(dataDir, 'journals', `${setupFileName(document.id)}.jsonl`);
    const entries = await createFileJournal(journalFile).read();
    return planSetup(
      document,
      snapshot,
      owedSecrets(entriesFor(entries, document, orgUrl), document),
    );
  };
}

/**
 * Drift as `plan` would see it: the setup's planner over what the org holds now, with the
 * secrets this computer owes (from the setup's journal), so `list` and the managed apps view say
 * drift exactly when `sso-console plan` of the document would show a change.
 */
export function planDrift(dataDir: string, orgUrl: string) {
  const plan = setupPlanner(dataDir);
  return async (document: SetupDocument, snapshot: OrgSnapshot): Promise<boolean> =>
    hasChanges(await plan(orgUrl, document, snapshot));
}

/**
 * Reads `file` with the export's reader for `target`. The reader looks for the file by the name
 * the export gives it (`application.yml`); the admin's may be called otherwise
 * (`kestra-prod.yml`), so a reader that misses its file is asked again with the file under the
 * name it looked for. Answers the values and that name.
 */
function readAs(target: string, file: TargetFile): { values: TargetValues; name: string } {
  const exporter = exporterFor(target as ExportTargetId);
  if (exporter?.read === undefined) {
    throw new Error(
      exporter === undefined
        ? `"${target}" is not an export target.`
        : `${exporter.title} files cannot be read back by the console.`,
    );
  }
  const as = (name: string): { values: TargetValues; name: string } => {
    const values = exporter.read?.([asExportedFile(name, file.content)]);
    if (values === undefined) {
      throw new Error(`${exporter.title} files cannot be read back by the console.`);
    }
    return { values, name };
  };
  try {
    return as(file.name);
  } catch (error) {
    if (error instanceof ExportReadError && error.file !== file.name) {
      return as(error.file);
    }
    throw error;
  }
}

/** The values `target` takes from `file`, read by the export's reader; see {@link readAs}. */
export function readTargetFile(target: string, file: TargetFile): TargetValues {
  return readAs(target, file).values;
}

/**
 * The export's verification of files as deployed, as the drift service's sign-in: the file goes
 * under the name the target's reader takes it by, and is recorded by where it is.
 */
export function targetSignIn(exports: TargetVerification): TargetSignIn {
  return {
    start: async ({ target, file, login }) => {
      let name = file.name;
      try {
        name = readAs(target, file).name;
      } catch {
        // The verification reads the file again and says what is wrong with it, as a check.
      }
      try {
        const started = await exports.verifyFilesStart({
          target: target as ExportTargetId,
          files: [{ name, content: file.content, path: file.path }],
          ...(login === undefined ? {} : { user: { kind: 'existing' as const, login } }),
        });
        return { kind: 'started', started };
      } catch (error) {
        if (error instanceof AppError && error.cause instanceof VerificationStopped) {
          return { kind: 'stopped', result: error.cause.result };
        }
        throw error;
      }
    },
    wait: (verificationId) => exports.verifyWait(verificationId),
    paste: (verificationId, url) => {
      exports.verifyPaste(verificationId, url);
    },
    cancel: (verificationId) => exports.verifyCancel(verificationId),
  };
}

/**
 * Builds the drift service over an org, the data folder, the keychain and the setup service —
 * the wiring `sso-console drift` uses, and the one the console window's handlers use.
 */
export function driftServiceFor(options: {
  /** The org it acts on: the flags' on the CLI, the connected profile's in the console. */
  activeOrg: () => Promise<ActiveOrg>;
  dataDir: string;
  setup: Pick<SetupService, 'applyReviewed'>;
  readKeptSecret: (account: string) => Promise<string | null>;
  env: NodeJS.ProcessEnv;
  /**
   * The export service whose verification signs in with a target's file: the console window's
   * own (with its sign-in window); else one over the same org, keychain and environment.
   */
  exports?: TargetVerification;
}): DriftService {
  const { setup } = options;
  const plan = setupPlanner(options.dataDir);
  const exports =
    options.exports ??
    createExportService({
      activeOrg: options.activeOrg,
      secrets: { get: options.readKeptSecret },
      dataDir: options.dataDir,
      env: options.env,
    });
  return createDriftService({
    activeOrg: options.activeOrg,
    dataDir: options.dataDir,
    plan: (active, document, snapshot) => plan(active.orgUrl, document, snapshot),
    apply: async (document) => {
      const outcome = await setup.applyReviewed(document, randomUUID());
      if (outcome.outcome === 'stale') {
        throw new AppError({
          code: 'PLAN_STALE',
          message: 'The org changed while the document was being restored.',
          hint: 'Run drift again: it shows what the org holds now.',
        });
      }
    },
    readTarget: readTargetFile,
    secretSource: async (variable, clientId) => {
      const value = options.env[variable];
      if (value !== undefined && value !== '') {
        return 'environment';
      }
      const { orgUrl } = await options.activeOrg();
      return (await options.readKeptSecret(clientSecretAccount(orgUrl, clientId))) === null
        ? null
        : 'keychain';
    },
    signIn: targetSignIn(exports),
  });
}
