import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import {
  createDriftService,
  type DocumentSource,
  type DriftService,
  type OrgDriftReport,
  type TargetDriftReport,
  type TargetSignIn,
} from '../drift/drift-service.ts';
import type { TargetFile, TargetValues } from '../drift/target-drift.ts';
import { createExportService, type ExportService } from '../export/export-service.ts';
import { ExportReadError } from '../export/exporter.ts';
import { exporterFor } from '../export/targets/index.ts';
import { asExportedFile } from '../export/verification-runs.ts';
import { VerificationStopped } from '../export/verify-export.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import type { OrgSnapshot } from '../okta/org-snapshot.ts';
import { setupFileName } from '../platform/kept-setup-documents.ts';
import { clientSecretAccount } from '../platform/secrets/keychain-accounts.ts';
import { createFileJournal, entriesFor, owedSecrets } from '../setup/apply-journal.ts';
import { type Plan, planSetup } from '../setup/plan.ts';
import type { SetupService } from '../setup/setup-service.ts';
import { CliError } from './cli-error.ts';
import { firstPastedCallback } from './pasted-address.ts';
import { findApp } from './preview-command.ts';

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
export function targetSignIn(
  exports: Pick<ExportService, 'verifyFilesStart' | 'verifyWait' | 'verifyPaste' | 'verifyCancel'>,
): TargetSignIn {
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
 * the wiring `sso-console drift` uses, and the one the console window's handlers can use.
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
  exports?: Pick<ExportService, 'verifyFilesStart' | 'verifyWait' | 'verifyPaste' | 'verifyCancel'>;
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

function show(value: unknown): string {
  return value === null ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** The org's drift as an admin reads it in a terminal, field by field. */
export function renderOrgDrift(report: OrgDriftReport, appFlag: string): string {
  const { app, document, drift } = report;
  const lines = [
    `Drift of "${app.label}" (${app.id}) in ${report.orgUrl}`,
    `  from setup document ${document.id} (${document.file ?? document.keptFile ?? 'not kept'})`,
    '',
  ];
  if (!drift.drifted) {
    lines.push('  No drift: the app matches its setup document.', '', '');
    return lines.join('\n');
  }
  let title = '';
  for (const field of drift.fields) {
    if (field.title !== title) {
      title = field.title;
      lines.push(`  ~ ${title}`);
    }
    lines.push(
      `      ${field.path}`,
      `        document: ${show(field.documentValue)}`,
      `        Okta:     ${show(field.oktaValue)}`,
    );
    if (field.adoptNote !== null) {
      lines.push(`        (${field.adoptNote})`);
    }
  }
  if (drift.blockers.length > 0) {
    lines.push('', '  The document names what the org does not have:');
    lines.push(...drift.blockers.map((blocker) => `  ! ${blocker}`));
  }
  const adoptable = drift.fields.filter((field) => field.adoptable).length;
  lines.push(
    '',
    `Drift: ${String(drift.fields.length)} field${drift.fields.length === 1 ? '' : 's'} differ${drift.fields.length === 1 ? 's' : ''}, ${String(adoptable)} of them adoptable.`,
    `  Adopt (Okta's values into the document): sso-console drift --app ${appFlag} --adopt`,
    `  Restore (apply the document to Okta):    sso-console drift --app ${appFlag} --restore`,
    '',
    '',
  );
  return lines.join('\n');
}

/** A target file's checks, each failed one with its fix; a sign-in's own checks under it. */
export function renderTargetDrift(report: TargetDriftReport): string {
  const lines = [`Target file ${report.file}, read as ${report.target}:`];
  for (const finding of report.findings) {
    lines.push(`  ${finding.ok ? '✓' : '✗'} ${finding.check}: ${finding.detail}`);
    if (finding.check === 'sign-in' && report.signIn !== undefined) {
      lines.push(
        ...report.signIn.checks.map(
          (check) => `      ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`,
        ),
      );
    }
    if (finding.fix !== null) {
      lines.push(`      fix: ${finding.fix}`);
    }
  }
  lines.push(
    '',
    report.ok
      ? 'The target file matches Okta.'
      : `The target file does not match Okta: ${String(report.findings.filter((finding) => !finding.ok).length)} finding(s) to fix.`,
    '',
  );
  return lines.join('\n');
}

/** What `drift` prints to. */
export interface DriftCommandIo {
  write(text: string): void;
  warn(text: string): void;
  /** Standard input's lines, for a pasted address when the file's redirect URI is not loopback. */
  openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
}

/**
 * `--sign-in`: the target file's checks, then a sign-in with exactly the file through the
 * export's verification, prompted as `export --verify` prompts it — the console listens on the
 * file's own loopback redirect URI, or the admin pastes the address the browser ends on.
 */
async function checkTargetWithSignIn(
  options: {
    drift: DriftService;
    appId: string;
    target: string | undefined;
    file: TargetFile;
    source: DocumentSource | undefined;
    user: string | undefined;
    json: boolean;
  },
  io: DriftCommandIo,
): Promise<TargetDriftReport> {
  const { drift, user } = options;
  const { report, signIn } = await drift.startTargetSignIn(
    options.appId,
    options.target,
    options.file,
    {
      ...(options.source === undefined ? {} : { source: options.source }),
      ...(user === undefined ? {} : { login: user }),
    },
  );
  if (signIn === null) {
    return report;
  }
  const { verificationId, strategy } = signIn;
  const listening = strategy.kind === 'app-loopback';
  io.write(
    options.json
      ? `${JSON.stringify({ event: 'authorize', url: signIn.authorizeUrl, redirectUri: strategy.redirectUri, listening })}
`
      : `Sign in with exactly ${options.file.path}: sign in${user === undefined ? '' : ` as ${user}`} at
  ${signIn.authorizeUrl}
${
  listening
    ? `The console listens on ${strategy.redirectUri}, the file's own redirect URI.
`
    : `then paste the address the browser ends on (${strategy.redirectUri}?…) and press Enter.
`
}`,
  );
  const waiting = drift.finishTargetSignIn(verificationId);
  // Awaited below; a cancel while the paste is read must not surface as unhandled.
  waiting.catch(() => undefined);
  if (!listening) {
    const pasting = io.openPastedLines?.();
    try {
      const callback = await firstPastedCallback(pasting?.lines, strategy.redirectUri, (text) => {
        io.warn(text);
      });
      if (callback === undefined) {
        await drift.cancelTargetSignIn(verificationId);
        throw new CliError(
          'Standard input ended before the address was pasted.',
          'Run the command in a terminal and paste the address the browser ends on.',
        );
      }
      drift.pasteTargetSignIn(verificationId, callback.href);
    } finally {
      pasting?.close();
    }
  }
  return await waiting;
}

/**
 * `sso-console drift`: the app against its setup document, field by field, and optionally the
 * config file a target runs with (`--target-file`) against Okta; `--adopt` or `--restore` first.
 *
 * @remarks
 * Terraform's exit codes (`plan -detailed-exitcode`): 0 no drift, 2 drift found, 1 an error.
 * With `--adopt` or `--restore` the exit says what is left after it: 0 none, 2 some (what Adopt
 * cannot take; a target file that still does not match).
 */
export async function runDriftCommand(
  options: {
    drift: DriftService;
    org: ActiveOrg;
    app: string;
    source: DocumentSource | undefined;
    targetFile: string | undefined;
    target: string | undefined;
    /** Sign in with exactly the target file, through the export's verification. */
    signIn: boolean;
    /** Who signs in (`--user LOGIN`); else whoever does. */
    user: string | undefined;
    adopt: boolean;
    restore: boolean;
    json: boolean;
  },
  io: DriftCommandIo,
): Promise<number> {
  const { drift, org, source, json } = options;
  if (options.adopt && options.restore) {
    throw new CliError(
      'Both --adopt and --restore were given.',
      'Pick one: --adopt writes Okta’s values into the document, --restore applies the document to Okta.',
    );
  }
  if (options.signIn && options.targetFile === undefined) {
    throw new CliError(
      '--sign-in signs in with a target’s config file, and no --target-file was given.',
      'Add --target-file PATH, the config file the target runs with.',
    );
  }
  if (options.user !== undefined && !options.signIn) {
    throw new CliError(
      '--user names who signs in, and drift signs in only with --sign-in.',
      'Add --sign-in (with --target-file PATH), or drop --user.',
    );
  }
  // The file first: one that cannot be read is said before the org is asked anything.
  let targetFile: TargetFile | undefined;
  if (options.targetFile !== undefined) {
    try {
      targetFile = {
        name: path.basename(options.targetFile),
        path: options.targetFile,
        content: readFileSync(options.targetFile, 'utf8'),
      };
    } catch (error) {
      throw new CliError(
        `${options.targetFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        'Give the path of the config file the target runs with, e.g. a copy of its application.yml.',
      );
    }
  }
  let appId: string;
  try {
    appId = (await findApp(org.client, options.app)).id ?? options.app;
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      throw new CliError(
        `This org has no app with the id ${options.app}.`,
        'Give the app id (0oa…) or its exact label; `sso-console list` shows the apps the console manages.',
      );
    }
    throw toOktaAppError(error, {
      orgUrl: org.orgUrl,
      token: org.token,
      action: 'finding the app',
    });
  }

  const result: Record<string, unknown> = {};
  let report: OrgDriftReport;
  if (options.adopt) {
    const adopted = await drift.adopt(appId, source);
    report = adopted.after;
    result.adopted = { fields: adopted.adopted, written: adopted.written };
    if (!json) {
      io.write(
        adopted.adopted.length === 0
          ? 'Nothing to adopt: the document already holds Okta’s values for every field it can.\n\n'
          : `Adopted Okta's values of ${adopted.adopted.join(', ')}\n  into ${adopted.written.join(' and ')}.\n\n`,
      );
    }
  } else if (options.restore) {
    io.warn('Restoring: applying the setup document to the org…\n');
    report = await drift.restore(appId, source);
    result.restored = true;
    if (!json) {
      io.write('Restored: the setup document was applied.\n\n');
    }
  } else {
    report = await drift.check(appId, source);
  }
  result.org = report;
  if (!json) {
    io.write(renderOrgDrift(report, options.app));
  }

  let targetReport: TargetDriftReport | undefined;
  if (targetFile !== undefined) {
    targetReport = options.signIn
      ? await checkTargetWithSignIn(
          {
            drift,
            appId,
            target: options.target,
            file: targetFile,
            source,
            user: options.user,
            json,
          },
          io,
        )
      : await drift.checkTarget(appId, options.target, targetFile, source);
    result.target = targetReport;
    if (!json) {
      io.write(renderTargetDrift(targetReport));
    }
  }
  const drifted = report.drift.drifted || (targetReport !== undefined && !targetReport.ok);
  if (json) {
    io.write(`${JSON.stringify({ drift: drifted, ...result }, null, 2)}\n`);
  }
  return drifted ? 2 : 0;
}
