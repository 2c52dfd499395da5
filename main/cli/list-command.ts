import { planDrift } from '../composition/day-two-wiring.ts';
import { readVerifications } from '../export/verification-record.ts';
import { listManagedApps, type ManagedApp } from '../managed-apps/managed-apps.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { readKeptSetupDocuments } from '../platform/kept-setup-documents.ts';

/** What `list` prints to. */
export interface ListCommandIo {
  write(text: string): void;
}

/** The table's columns: heading and cell of each app. */
const COLUMNS: readonly [string, (app: ManagedApp) => string][] = [
  ['LABEL', (app) => app.label],
  ['ID', (app) => app.id],
  ['STATUS', (app) => app.status],
  ['ISSUER', (app) => app.issuer],
  ['TARGET', (app) => app.target ?? '—'],
  ['USERS', (app) => String(app.users)],
  ['GROUPS', (app) => String(app.groups)],
  ['SECRET AGE', (app) => (app.secretAgeDays === null ? '—' : `${String(app.secretAgeDays)} d`)],
  [
    'VERIFIED EXPORT',
    (app) =>
      app.lastVerifiedExport === null
        ? '—'
        : [
            app.lastVerifiedExport.verifiedAt,
            app.lastVerifiedExport.target,
            ...(app.lastVerifiedExport.files.length === 0
              ? []
              : [`(${app.lastVerifiedExport.files.join(', ')})`]),
          ].join(' '),
  ],
  ['DRIFT', (app) => (app.drift === null ? '?' : app.drift ? 'yes' : 'no')],
  [
    'DOCUMENT',
    (app) =>
      app.document === null
        ? `— (${app.managedAs}, no kept document)`
        : `${app.document.file} (${app.managedAs})`,
  ],
];

/** The managed apps as a table with a heading row, columns padded to their widest cell. */
export function renderManagedAppsTable(apps: readonly ManagedApp[]): string {
  const rows = [
    COLUMNS.map(([heading]) => heading),
    ...apps.map((app) => COLUMNS.map(([, cell]) => cell(app))),
  ];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

/**
 * `sso-console list [--json]`: every app this console created or adopted in the org, with its
 * status, issuer, target, assignments, secret age, last verified export, drift and document.
 *
 * @remarks
 * Exit 0, also when there is none (said in words, or `[]` with `--json`); an Okta failure is
 * thrown, mapped, for the command line's one error exit (1).
 */
export async function runListCommand(
  options: { org: ActiveOrg; dataDir: string; json: boolean; now: Date },
  io: ListCommandIo,
): Promise<number> {
  const { org, dataDir } = options;
  const [documents, verifications] = await Promise.all([
    readKeptSetupDocuments(dataDir),
    readVerifications(dataDir),
  ]);
  let apps: ManagedApp[];
  try {
    apps = await listManagedApps({
      client: org.client,
      orgUrl: org.orgUrl,
      documents,
      verifications,
      now: options.now,
      hasDrift: planDrift(dataDir, org.orgUrl),
    });
  } catch (error) {
    throw toOktaAppError(error, {
      orgUrl: org.orgUrl,
      token: org.token,
      action: 'listing the managed apps',
    });
  }
  if (options.json) {
    io.write(`${JSON.stringify(apps, null, 2)}\n`);
  } else if (apps.length === 0) {
    io.write(`No app this console created or adopted is in ${org.orgUrl}.\n`);
  } else {
    io.write(renderManagedAppsTable(apps));
  }
  return 0;
}
