import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { ExportedFile, ExportTargetId } from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import {
  createDriftService,
  type DocumentSource,
  type DriftService,
  type OrgDriftReport,
  type TargetDriftReport,
} from '../drift/drift-service.ts';
import type { TargetFile, TargetValues } from '../drift/target-drift.ts';
import { ExportReadError } from '../export/exporter.ts';
import { exporterFor } from '../export/targets/index.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import type { OrgSnapshot } from '../okta/org-snapshot.ts';
import { setupFileName } from '../platform/kept-setup-documents.ts';
import { clientSecretAccount } from '../platform/secrets/keychain-accounts.ts';
import { createFileJournal, entriesFor, owedSecrets } from '../setup/apply-journal.ts';
import { type Plan, planSetup } from '../setup/plan.ts';
import type { SetupService } from '../setup/setup-service.ts';
import { CliError } from './cli-error.ts';
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

const LANGUAGES: Record<string, ExportedFile['language']> = {
  '.yml': 'yaml',
  '.yaml': 'yaml',
  '.json': 'json',
  '.ini': 'ini',
  '.toml': 'toml',
  '.rb': 'ruby',
  '.tf': 'hcl',
};

/**
 * Reads `file` with the export's reader for `target`. The reader looks for the file by the name
 * the export gives it (`application.yml`); the admin's may be called otherwise
 * (`kestra-prod.yml`), so a reader that misses its file is asked again with the file under the
 * name it looked for.
 */
export function readTargetFile(target: string, file: TargetFile): TargetValues {
  const exporter = exporterFor(target as ExportTargetId);
  if (exporter?.read === undefined) {
    throw new Error(
      exporter === undefined
        ? `"${target}" is not an export target.`
        : `${exporter.title} files cannot be read back by the console.`,
    );
  }
  const read = (files: ExportedFile[]) => exporter.read?.(files);
  const as = (name: string): TargetValues => {
    const values = read([
      {
        name,
        content: file.content,
        language: LANGUAGES[path.extname(name)] ?? 'dotenv',
        sensitive: false,
        purpose: 'The config file the target runs with.',
      },
    ]);
    if (values === undefined) {
      throw new Error(`${exporter.title} files cannot be read back by the console.`);
    }
    return values;
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
}): DriftService {
  const { setup } = options;
  const plan = setupPlanner(options.dataDir);
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
    secretResolves: async (variable, clientId) => {
      const value = options.env[variable];
      if (value !== undefined && value !== '') {
        return true;
      }
      const { orgUrl } = await options.activeOrg();
      return (await options.readKeptSecret(clientSecretAccount(orgUrl, clientId))) !== null;
    },
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

/** A target file's checks, each failed one with its fix. */
export function renderTargetDrift(report: TargetDriftReport): string {
  const lines = [`Target file ${report.file}, read as ${report.target}:`];
  for (const finding of report.findings) {
    lines.push(`  ${finding.ok ? '✓' : '✗'} ${finding.check}: ${finding.detail}`);
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
    targetReport = await drift.checkTarget(appId, options.target, targetFile, source);
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
