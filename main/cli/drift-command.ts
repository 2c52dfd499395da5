import { readFileSync } from 'node:fs';
import path from 'node:path';

import type {
  DocumentSource,
  DriftService,
  OrgDriftReport,
  TargetDriftReport,
} from '../drift/drift-service.ts';
import type { TargetFile } from '../drift/target-drift.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { CliError } from './cli-error.ts';
import { completeCliSignIn } from './cli-sign-in.ts';
import { findApp } from './preview-command.ts';

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
  return await completeCliSignIn(
    signIn,
    {
      lead: `Sign in with exactly ${options.file.path}: sign in`,
      owner: "the file's",
      user,
      json: options.json,
    },
    io,
    {
      wait: (verificationId) => drift.finishTargetSignIn(verificationId),
      cancel: (verificationId) => drift.cancelTargetSignIn(verificationId),
      paste: (verificationId, url) => {
        drift.pasteTargetSignIn(verificationId, url);
      },
    },
  );
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
