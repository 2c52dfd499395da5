import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import {
  parseSetupDocument,
  type SetupDocument,
  SetupDocumentError,
} from '../../shared/setup/setup-document.ts';
import { SetupBlockedError } from '../setup/apply.ts';
import { hasChanges, type Plan } from '../setup/plan.ts';
import type { BasisChange } from '../setup/plan-basis.ts';
import { isPlanFile, PlanFileError, planFileText, readPlanFile } from '../setup/plan-file.ts';
import { renderPlan } from '../setup/render-plan.ts';
import { type HeldPlan, planView, type SetupService } from '../setup/setup-service.ts';
import { CliError } from './cli-error.ts';

/**
 * `sso-console apply`'s exit codes beyond 0 (done) and 1 (an error): named in `--help`, so
 * scripts can tell a stale plan from a failure.
 */
export const APPLY_EXIT = {
  /** The plan file was made on an org that has changed since: nothing was written. */
  stalePlan: 3,
  /** The org was changed as planned, but the keychain could not keep a secret it made. */
  secretNotKept: 4,
} as const;

/** What the plan and apply commands print to and read from. */
export interface SetupCommandIo {
  write(text: string): void;
  warn(text: string): void;
  /** Asks on the terminal; `undefined` when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
  now?: () => Date;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      'Check the path, or create a document with `sso-console init --target kestra --out FILE`.',
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${file} is not JSON: ${(error as Error).message}.`,
      'Fix the file, or create a new one with `sso-console init`.',
    );
  }
}

/** A refusal of `file` with each of its problems on a line. */
function fileProblems(file: string, error: { message: string; problems: string[] }, hint: string) {
  return new CliError(
    `${file}: ${error.message}${error.problems.map((problem) => `\n  - ${problem}`).join('')}`,
    hint,
  );
}

function documentFrom(file: string, json: unknown): SetupDocument {
  try {
    return parseSetupDocument(json);
  } catch (error) {
    if (error instanceof SetupDocumentError) {
      throw fileProblems(file, error, 'Edit the fields listed above.');
    }
    throw error;
  }
}

/** What `plan` and `apply` were given: a setup document, or (apply only) a saved plan. */
export type SetupInput =
  | { kind: 'document'; file: string; document: SetupDocument }
  | { kind: 'plan-file'; file: string; reviewed: HeldPlan };

/**
 * Reads the file a command names, before anything connects to the org: a file that cannot be
 * used is said at once, rather than after a token was asked for.
 */
export function readSetupInput(
  file: string,
  command: 'plan',
): Extract<SetupInput, { kind: 'document' }>;
export function readSetupInput(file: string, command: 'apply'): SetupInput;
export function readSetupInput(file: string, command: 'plan' | 'apply'): SetupInput {
  const json = readJson(file);
  if (!isPlanFile(json)) {
    return { kind: 'document', file, document: documentFrom(file, json) };
  }
  if (command === 'plan') {
    throw new CliError(
      `${file} is a saved plan, not a setup document.`,
      `Apply it with \`sso-console apply ${file}\`, or plan the setup document it came from.`,
    );
  }
  try {
    return { kind: 'plan-file', file, reviewed: readPlanFile(json) };
  } catch (error) {
    if (error instanceof PlanFileError) {
      throw fileProblems(
        file,
        error,
        'Make a new plan file with `sso-console plan FILE --out PLANFILE`.',
      );
    }
    throw error;
  }
}

function planJson(plan: Plan) {
  return { changes: hasChanges(plan), ...planView(plan) };
}

/** The changes that made a plan stale, as a terminal shows them. */
function renderChanges(changes: readonly BasisChange[]): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  return changes
    .flatMap((change) => [
      `  ~ ${change.title}: ${change.summary}`,
      ...change.fields.map(
        (field) => `      ${field.field}: ${show(field.before)} → ${show(field.after)}`,
      ),
    ])
    .join('\n');
}

/**
 * `sso-console plan FILE [--out PLANFILE]`: the plan on standard output (or as JSON), and with
 * `--out` a plan file that `sso-console apply PLANFILE` applies exactly.
 *
 * @returns the exit code: 0 nothing to change (or changes without `--detailed-exitcode`), 2
 * changes with `--detailed-exitcode`, 1 blockers.
 */
export async function runPlanCommand(
  options: {
    setup: SetupService;
    document: SetupDocument;
    out: string | undefined;
    json: boolean;
    detailedExitCode: boolean;
  },
  io: SetupCommandIo,
): Promise<number> {
  const held = await options.setup.planToKeep(options.document);
  const { plan } = held;
  io.write(
    options.json
      ? `${JSON.stringify(planJson(plan))}\n`
      : renderPlan(plan, { orgUrl: held.orgUrl }),
  );
  if (plan.blockers.length > 0) {
    if (options.out !== undefined) {
      io.warn(`No plan file was written: this plan cannot be applied.\n`);
    }
    return 1;
  }
  if (options.out !== undefined) {
    writeFileSync(options.out, planFileText(held, (io.now ?? (() => new Date()))()), {
      mode: 0o644,
    });
    io.warn(
      `Saved the plan to ${options.out}. Apply exactly this plan with: sso-console apply ${options.out}\n`,
    );
  }
  return options.detailedExitCode && hasChanges(plan) ? 2 : 0;
}

/**
 * `sso-console apply PLANFILE` (a saved plan, applied as it is or refused when the org changed
 * since), or `sso-console apply FILE [--yes]` (plan and apply in one go).
 *
 * @remarks
 * Secrets go to the OS keychain, under the accounts the console uses, and are printed only with
 * `--show-secrets` (read back from the keychain): `--json` carries none unless asked.
 */
export async function runApplyCommand(
  options: {
    setup: SetupService;
    input: SetupInput;
    json: boolean;
    yes: boolean;
    showSecrets: boolean;
  },
  io: SetupCommandIo,
): Promise<number> {
  const { setup, input } = options;
  const { file } = input;
  let reviewed: HeldPlan;
  let document: SetupDocument;
  if (input.kind === 'plan-file') {
    reviewed = input.reviewed;
    document = reviewed.document;
  } else {
    document = input.document;
    // Plan now, show it, and ask — unless --yes says the admin has reviewed it already.
    const held = await setup.planToKeep(document);
    if (held.plan.blockers.length > 0) {
      throw new SetupBlockedError(held.plan.blockers);
    }
    if (!options.json) {
      io.write(renderPlan(held.plan, { orgUrl: held.orgUrl }));
    }
    if (hasChanges(held.plan) && !options.yes) {
      if (options.json) {
        throw new CliError(
          'apply --json does not ask for a confirmation: its output is for a program, not a person.',
          'Review the plan with `sso-console plan FILE --out PLANFILE`, then `sso-console apply PLANFILE --json`; or add --yes.',
        );
      }
      if (io.confirm === undefined) {
        throw new CliError(
          'apply changes the org and needs a confirmation, but there is no terminal to ask on.',
          'Review the plan with `sso-console plan FILE --out PLANFILE`, then `sso-console apply PLANFILE`; or run apply with --yes.',
        );
      }
      if (!(await io.confirm('Apply these changes? Type yes to go on: '))) {
        io.warn('Nothing was changed.\n');
        return 1;
      }
    }
    reviewed = held;
  }
  const changes = hasChanges(reviewed.plan);
  if (changes) {
    io.warn(`Journal: ${setup.journalFileOf(document)}\n`);
  }
  // Applied even with nothing to change: a write an interrupted apply left in flight is
  // settled in the journal by reading the org, so the journal says what happened to it.
  const result = await setup.applyReviewed(document, randomUUID(), reviewed);
  if (result.outcome === 'applied' && !changes) {
    io.write(
      options.json
        ? `${JSON.stringify({ outcome: 'applied', changes: false })}\n`
        : 'Nothing to change: the org already matches the setup document.\n',
    );
    return 0;
  }
  if (result.outcome === 'stale') {
    if (options.json) {
      io.write(
        `${JSON.stringify({ outcome: 'stale', changes: result.changes, fresh: result.fresh.plan })}\n`,
      );
    } else {
      io.write(
        `\nThe plan is stale: the org changed since it was made, so nothing was applied.\n${renderChanges(result.changes)}\n\nThe plan of the org as it is now:\n${renderPlan(result.fresh.plan, { orgUrl: reviewed.orgUrl })}`,
      );
    }
    io.warn(
      `sso-console: the org changed since ${file} was planned; nothing was written.\n  Plan again (sso-console plan SETUP_FILE --out PLANFILE), review it, then apply it. If the changes are the console's own, from an apply that was interrupted, the new plan continues where it stopped.\n`,
    );
    return APPLY_EXIT.stalePlan;
  }
  const { applied } = result;
  const secret = async (request: Parameters<SetupService['revealSecret']>[0]) =>
    options.showSecrets ? (await setup.revealSecret(request)).value : undefined;
  // Read back from the keychain, where they now are — and only when the admin asked.
  const clientSecret = applied.clientSecretStored
    ? await secret({ secret: 'client-secret', clientId: applied.clientId })
    : undefined;
  const testUserPassword =
    applied.testUserLogin === null
      ? undefined
      : await secret({ secret: 'test-user-password', login: applied.testUserLogin });
  const { appId, clientId, issuer } = applied;
  if (options.json) {
    io.write(
      `${JSON.stringify({
        outcome: 'applied',
        changes: true,
        appId,
        clientId,
        issuer,
        clientSecretStored: applied.clientSecretStored,
        testUserLogin: applied.testUserLogin,
        keychainWarning: applied.keychainWarning,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        ...(testUserPassword === undefined ? {} : { testUserPassword }),
      })}\n`,
    );
  } else {
    io.write(
      [
        '',
        `Applied. App id ${appId}, client id ${clientId}, issuer ${issuer}.`,
        ...(applied.clientSecretStored
          ? [
              clientSecret === undefined
                ? 'The new client secret is in the OS keychain; preview and export find it there (--show-secrets prints it).'
                : `Client secret (from the OS keychain): ${clientSecret}`,
            ]
          : []),
        ...(applied.testUserLogin === null
          ? []
          : [
              testUserPassword === undefined
                ? `The test user ${applied.testUserLogin}'s password is in the OS keychain (--show-secrets prints it).`
                : `Test user ${applied.testUserLogin}'s password (from the OS keychain): ${testUserPassword}`,
            ]),
        '',
      ].join('\n'),
    );
  }
  if (applied.keychainWarning !== null) {
    io.warn(`sso-console: ${applied.keychainWarning}\n`);
    return APPLY_EXIT.secretNotKept;
  }
  return 0;
}
