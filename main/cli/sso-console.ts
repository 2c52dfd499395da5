#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

import { AppError } from '../../shared/errors.ts';
import { PRESET_IDS, type PresetId } from '../../shared/setup/setup-document.ts';
import { createSignInActivityService } from '../activity/sign-in-activity.ts';
import { driftServiceFor } from '../composition/day-two-wiring.ts';
import { createExportService } from '../export/export-service.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { createPreviewService } from '../preview/preview-service.ts';
import { ApplyCancelledError, SetupBlockedError } from '../setup/apply.ts';
import { createSetupService } from '../setup/setup-service.ts';
import { CliError } from './cli-error.ts';
import { serviceContext } from './cli-org.ts';
import { redactor, say } from './cli-output.ts';
import { runDestroyCommand } from './destroy-command.ts';
import { runDriftCommand } from './drift-command.ts';
import { listTargets, runExportCommand } from './export-command.ts';
import { runInitCommand } from './init-command.ts';
import { runListCommand } from './list-command.ts';
import { runLogsCommand } from './logs-command.ts';
import { findApp, runPreviewCommand } from './preview-command.ts';
import { rotationServiceFor, runRotateSecretCommand } from './rotate-secret-command.ts';
import { runScopesCommand } from './scopes-command.ts';
import {
  readSetupInput,
  runApplyCommand,
  runPlanCommand,
  type SetupCommandIo,
  type SetupInput,
} from './setup-commands.ts';

const USAGE = `Usage:
  sso-console init --target ${PRESET_IDS.join('|')} [--base-url URL] [--name LABEL] [--client-key KEY] [--out FILE] [--force]
  sso-console plan FILE [--out PLANFILE] [--json] [--detailed-exitcode] (--org-url URL | --profile NAME)
  sso-console apply PLANFILE [--json] [--show-secrets] (--org-url URL | --profile NAME)
  sso-console apply FILE [--yes] [--json] [--show-secrets] (--org-url URL | --profile NAME)
  sso-console destroy FILE [--yes] [--json] (--org-url URL | --profile NAME)
  sso-console export --app ID|LABEL --target ID [--issuer URL] [--out PATH] [--merge-into FILE] [--target-version VERSION] [--inline-secret] [--force] [--verify] [--user LOGIN] (--org-url URL | --profile NAME)
  sso-console export --list-targets [--json]
  sso-console preview --app ID|LABEL [--issuer URL] [--user LOGIN] [--no-open] [--no-app-change] [--json] (--org-url URL | --profile NAME)
  sso-console logs --app ID|LABEL [--user TEXT] [--outcome success|failure] [--since ISO|DURATION] [--limit N] [--follow] [--poll SECONDS] [--json] (--org-url URL | --profile NAME)
  sso-console list [--json] (--org-url URL | --profile NAME)
  sso-console rotate-secret --app ID|LABEL [--target ID [--issuer URL] [--out PATH] [--inline-secret] [--force] [--verify] [--user LOGIN]] [--status | --finish [--yes] | --cancel [--yes]] [--show-secret] [--json] (--org-url URL | --profile NAME)
  sso-console drift --app ID|LABEL [FILE] [--target-file PATH [--target ID] [--sign-in [--user LOGIN]]] [--adopt|--restore] [--json] (--org-url URL | --profile NAME)
  sso-console scopes --target ${PRESET_IDS.join('|')} [--granted SCOPE,SCOPE…] [--json]

The org: --org-url URL with the API token in SSO_CONSOLE_API_TOKEN or on standard input, or
with an OAuth 2.0 service app: SSO_CONSOLE_CLIENT_ID and SSO_CONSOLE_PRIVATE_KEY_FILE (PEM or
JWK; SSO_CONSOLE_KEY_ID for the key's kid when the file has none, SSO_CONSOLE_SCOPES to ask
for fewer scopes than \`scopes\` lists), or
--profile NAME for an org connected in the console (token or key from the OS keychain;
--user-data-dir DIR if the console keeps its data elsewhere).
plan exits 0 when there is nothing to change; with --detailed-exitcode, 2 when there is
(as terraform does); 1 on any error. plan --out PLANFILE saves the plan; apply PLANFILE applies
exactly that plan, or refuses it and writes nothing when the org changed since (exit 3, with
the changes). apply FILE plans and applies in one go (--yes: without asking). The client secret
and the test user's password go to the OS keychain, under the accounts the console uses, and
are printed only with --show-secrets; apply exits 4 when the org was changed but the keychain
could not keep one (apply again once it works: a new one is issued into it). Ctrl+C during an
apply cancels it before its next request to Okta (a request already sent is answered and
recorded first) and exits 130; run the apply again to finish (a second Ctrl+C quits at once).
destroy removes what the setup made (its app, test user, throwaway users, and the trusted
origins and custom server objects its journal created) and nothing else: without --yes it
prints the teardown and exits 2 when there is something to remove, 0 when nothing; with --yes
it removes it, exit 0 done, 1 on an error (run it again: it resumes).
preview signs in to the app with its real settings in your browser (--no-open: only print the
link) and exits 0 when the sign-in worked, 1 with a diagnosis when it did not. The issuer is the
org URL unless --issuer names a custom server (https://your-org.okta.com/oauth2/default); the
client secret comes from SSO_CONSOLE_CLIENT_SECRET or, for apps the console created here, the
OS keychain. export writes the target's config files (to standard output, or --out PATH: a file, or
a folder for several files), referencing the client secret unless --inline-secret (then mode 0600);
an existing different file is replaced only with --force, after its diff. --verify signs in with
exactly what the files say. Without --issuer, export writes the issuer the app's setup chose: the
setup document applied on this computer, else the one custom server whose access policy names
the app (two are refused: choose with --issuer), else the org's. --merge-into FILE merges into a
file you already run (Kestra, Spring Boot, Grafana, GitLab), touching only what the export owns;
--target-version VERSION writes for the version you run where the format depends on it (the
Jenkins oic-auth plugin, e.g. 4.520.v1c5b_4a_9c3b_d7). --no-app-change never adds a temporary redirect URI to the app: paste the address
the browser ends on into standard input instead.
logs prints the app's sign-ins and failures from the System Log, newest first (--since 1h by
default, --limit 50), each failure with its diagnosis; --follow keeps polling (every --poll
seconds, default 10) and prints new ones as they come until Ctrl+C (exit 0).
list shows every app this console created or adopted in the org: status, issuer, target, users
and groups assigned, client secret age, last verified export, drift (the plan of its setup
document is not empty) and the document applied on this computer; exit 0, 1 on an error.
rotate-secret replaces the app's client secret without downtime, one step per run (each resumes
an interrupted one): it makes a second secret and keeps it in the OS keychain (printed only with
--show-secret), with --target writes the target's files with it (--out), and with --verify signs
in with exactly those files; exit 2 while it waits for you to deploy and verify, 0 once verified,
1 when the sign-in failed or on an error. The old secret keeps working until --finish --yes, your
confirmation that the target runs on the new one, deactivates and deletes it (exit 0; refused
until verified; without --yes it only says what it would do, exit 2). --status says where it
stands (exit 0 none in progress, 2 in progress); --cancel --yes deletes the new secret instead.
drift compares the app with its setup document (the one kept by its last apply, or FILE) field
by field: path, document value, Okta value. --adopt writes Okta's values into the document
(where it is kept, and FILE); --restore applies the document. --target-file checks the config
file a target runs with (read as --target reads it; default the document's target) against Okta:
client id, active app, issuer, redirect URI, token endpoint method, secret reference, each
finding with its fix. --sign-in then signs in with exactly that file, as export --verify does (at
the printed URL; paste the address the browser ends on unless the console listens on the file's
loopback redirect URI), and reports its checks as a finding with its fix. Exit 0 no drift, 2
drift found (after --adopt or --restore: drift left; a failed sign-in), 1 on an error (as
terraform plan -detailed-exitcode).
scopes prints the okta.* scopes and the admin role an OAuth 2.0 service app needs for the
target's setup (users, groups and a test user assigned), the preview, export, logs, list,
rotate-secret and destroy, each scope with the calls that need it; --granted names the scopes the
service app holds, to see which are missing and which are never used. Needs no org; exit 0.`;

/** The app a command works on (`--app ID|LABEL`), or a clear refusal naming the command. */
function requiredApp(command: string, app: string | undefined): string {
  if (app === undefined) {
    throw new CliError(
      `${command} needs the app: --app ID or --app LABEL.`,
      'The app id (0oa…) is in the Admin Console, or in `sso-console apply`’s output.',
    );
  }
  return app;
}

/**
 * Ctrl+C at a question. The terminal is in raw mode while readline asks, so no SIGINT reaches
 * the process: readline rejects the question with an `AbortError` ("Aborted with Ctrl+C")
 * instead, which would otherwise end the command as an unexplained error.
 */
class QuestionCancelledError extends Error {}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(question)).trim().toLowerCase() === 'yes';
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'AbortError') {
      throw error;
    }
    // Ctrl+C cancels the command; the end of input (Ctrl+D) is no answer, so no "yes".
    if (/ctrl\+c/i.test(error.message)) {
      throw new QuestionCancelledError(
        'Cancelled with Ctrl+C at the question: nothing was changed.',
      );
    }
    process.stderr.write('\n');
    return false;
  } finally {
    prompt.close();
  }
}

/** Standard input's lines, for a pasted address; closed when the command is done with them. */
function standardInputLines(): { lines: AsyncIterable<string>; close(): void } {
  const lines = createInterface({ input: process.stdin, terminal: false });
  return {
    lines,
    close: () => {
      lines.close();
    },
  };
}

/** `sso-console destroy FILE`: see `runDestroyCommand`. */
async function runDestroy(
  file: string | undefined,
  values: {
    'org-url'?: string;
    profile?: string;
    'user-data-dir'?: string;
    yes?: boolean;
    json?: boolean;
  },
): Promise<number> {
  if (file === undefined) {
    throw new CliError(
      'destroy needs the setup document: sso-console destroy FILE.',
      'Name the setup document the setup was applied from.',
    );
  }
  // The file first: one that cannot be used is said before a token is asked for.
  const { document } = readSetupInput(file, 'plan');
  const context = await serviceContext(values);
  const setup = createSetupService({
    activeOrg: context.activeOrg,
    secrets: context.keychain,
    dataDir: context.dataDir,
    emitProgress: () => undefined,
  });
  return runDestroyCommand(
    {
      org: context.org,
      document,
      dataDir: context.dataDir,
      journalFile: setup.journalFileOf(document),
      forgetSecret: (account) => context.keychain.delete(account),
      yes: values.yes === true,
      json: values.json === true,
    },
    { write: (text) => process.stdout.write(text), warn: say },
  );
}

/** `sso-console drift --app …`: see `runDriftCommand`. */
async function runDrift(
  file: string | undefined,
  values: {
    'org-url'?: string;
    profile?: string;
    'user-data-dir'?: string;
    app?: string;
    target?: string;
    'target-file'?: string;
    'sign-in'?: boolean;
    user?: string;
    adopt?: boolean;
    restore?: boolean;
    json?: boolean;
  },
): Promise<number> {
  const app = requiredApp('drift', values.app);
  // The file first: one that cannot be used is said before a token is asked for.
  const source =
    file === undefined ? undefined : { document: readSetupInput(file, 'plan').document, file };
  const context = await serviceContext(values);
  const setup = createSetupService({
    activeOrg: context.activeOrg,
    secrets: context.keychain,
    dataDir: context.dataDir,
    emitProgress: (event) => {
      if (values.json !== true) {
        say(
          `${event.state === 'done' ? '✓' : event.state === 'retrying' ? '↻' : '…'} ${event.title}\n`,
        );
      }
    },
  });
  return runDriftCommand(
    {
      drift: driftServiceFor({ ...context, setup, env: process.env }),
      org: context.org,
      app,
      source,
      targetFile: values['target-file'],
      target: values.target,
      signIn: values['sign-in'] === true,
      user: values.user,
      adopt: values.adopt === true,
      restore: values.restore === true,
      json: values.json === true,
    },
    {
      write: (text) => process.stdout.write(text),
      warn: say,
      openPastedLines: standardInputLines,
    },
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      'base-url': { type: 'string' },
      name: { type: 'string' },
      'client-key': { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      'detailed-exitcode': { type: 'boolean' },
      yes: { type: 'boolean' },
      'org-url': { type: 'string' },
      profile: { type: 'string' },
      'user-data-dir': { type: 'string' },
      app: { type: 'string' },
      issuer: { type: 'string' },
      user: { type: 'string' },
      'no-open': { type: 'boolean' },
      'no-app-change': { type: 'boolean' },
      'list-targets': { type: 'boolean' },
      'merge-into': { type: 'string' },
      'target-version': { type: 'string' },
      'inline-secret': { type: 'boolean' },
      verify: { type: 'boolean' },
      'show-secrets': { type: 'boolean' },
      outcome: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      poll: { type: 'string' },
      follow: { type: 'boolean' },
      status: { type: 'boolean' },
      finish: { type: 'boolean' },
      cancel: { type: 'boolean' },
      'show-secret': { type: 'boolean' },
      adopt: { type: 'boolean' },
      restore: { type: 'boolean' },
      'target-file': { type: 'string' },
      'sign-in': { type: 'boolean' },
      granted: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, file] = positionals;
  if (values.help === true || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && values.help !== true ? 1 : 0;
  }
  if (command === 'init') {
    process.stdout.write(
      runInitCommand(
        {
          target: values.target,
          baseUrl: values['base-url'],
          name: values.name,
          clientKey: values['client-key'],
          out: values.out,
          force: values.force === true,
        },
        randomUUID,
      ),
    );
    return 0;
  }
  if (command === 'scopes') {
    const target = values.target;
    if (target === undefined || !(PRESET_IDS as readonly string[]).includes(target)) {
      throw new CliError(
        `--target must be one of ${PRESET_IDS.join(', ')}${target === undefined ? '' : `, not "${target}"`}.`,
        'The scopes follow from what the target’s setup makes: e.g. sso-console scopes --target kestra.',
      );
    }
    const granted = values.granted?.split(/[\s,]+/).filter((scope) => scope !== '');
    process.stdout.write(
      runScopesCommand({
        preset: target as PresetId,
        ...(granted === undefined ? {} : { granted }),
        json: values.json === true,
      }),
    );
    return 0;
  }
  if (command === 'export') {
    if (values['list-targets'] === true) {
      process.stdout.write(listTargets(values.json === true));
      return 0;
    }
    const app = requiredApp('export', values.app);
    const context = await serviceContext(values);
    const { client, orgUrl, token } = context.org;
    // The console window's export service: one orchestration of rendering, saving and verifying.
    const exports = createExportService({
      activeOrg: context.activeOrg,
      secrets: { get: context.readKeptSecret },
      dataDir: context.dataDir,
      env: process.env,
    });
    try {
      return await runExportCommand(
        {
          client,
          app,
          target: values.target,
          ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
          ...(values.out === undefined ? {} : { out: values.out }),
          ...(values['merge-into'] === undefined ? {} : { mergeInto: values['merge-into'] }),
          ...(values['target-version'] === undefined
            ? {}
            : { targetVersion: values['target-version'] }),
          ...(values.user === undefined ? {} : { user: values.user }),
          inlineSecret: values['inline-secret'] === true,
          verify: values.verify === true,
          force: values.force === true,
        },
        {
          write: (text) => process.stdout.write(text),
          warn: say,
          env: process.env,
          exports,
          openPastedLines: standardInputLines,
        },
      );
    } catch (error) {
      if (error instanceof CliError || error instanceof AppError) {
        throw error;
      }
      throw toOktaAppError(error, { orgUrl, token, action: 'exporting' });
    }
  }
  if (command === 'preview') {
    const app = requiredApp('preview', values.app);
    const context = await serviceContext(values);
    const { orgUrl, token } = context.org;
    const { keychain } = context;
    // The console window's preview service: one orchestration of the app, its secret, the
    // journals and the clean-up.
    const previews = createPreviewService({
      activeOrg: context.activeOrg,
      secrets: {
        get: context.readKeptSecret,
        set: (account, value) => keychain.set(account, value),
        delete: (account) => keychain.delete(account),
      },
      dataDir: context.dataDir,
      emitProgress: () => undefined,
    });
    try {
      return await runPreviewCommand({
        previews,
        app,
        ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
        ...(values.user === undefined ? {} : { user: values.user }),
        open: values['no-open'] !== true,
        json: values.json === true,
        allowAppChange: values['no-app-change'] !== true,
        openPastedLines: standardInputLines,
        warn: say,
        env: process.env,
        write: (text) => process.stdout.write(text),
      });
    } catch (error) {
      if (error instanceof CliError) {
        throw error;
      }
      throw toOktaAppError(error, { orgUrl, token, action: 'running the preview' });
    }
  }
  if (command === 'logs') {
    const app = requiredApp('logs', values.app);
    const context = await serviceContext(values);
    const { client, orgUrl, token } = context.org;
    const stop = new AbortController();
    const onInterrupt = () => {
      stop.abort();
    };
    process.once('SIGINT', onInterrupt);
    try {
      const record = await findApp(client, app);
      return await runLogsCommand(
        {
          activity: createSignInActivityService({ activeOrg: context.activeOrg }),
          appId: record.id ?? app,
          ...(values.user === undefined ? {} : { user: values.user }),
          ...(values.outcome === undefined ? {} : { outcome: values.outcome }),
          ...(values.since === undefined ? {} : { since: values.since }),
          ...(values.limit === undefined ? {} : { limit: values.limit }),
          ...(values.poll === undefined ? {} : { poll: values.poll }),
          follow: values.follow === true,
          json: values.json === true,
        },
        {
          write: (text) => process.stdout.write(text),
          warn: say,
          now: () => new Date(),
          signal: stop.signal,
        },
      );
    } catch (error) {
      if (error instanceof CliError) {
        throw error;
      }
      if ((error as { status?: number }).status === 404) {
        throw new CliError(
          `This org has no app with the id ${app}.`,
          'Give the app id (0oa…) or its exact label, as the Admin Console shows it.',
        );
      }
      throw toOktaAppError(error, { orgUrl, token, action: 'reading the System Log' });
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  }
  if (command === 'destroy') {
    return runDestroy(file, values);
  }
  if (command === 'rotate-secret') {
    const app = requiredApp('rotate-secret', values.app);
    const context = await serviceContext(values);
    const { client, orgUrl, token } = context.org;
    try {
      return await runRotateSecretCommand(
        {
          client,
          app,
          ...(values.target === undefined ? {} : { target: values.target }),
          ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
          ...(values.out === undefined ? {} : { out: values.out }),
          ...(values.user === undefined ? {} : { user: values.user }),
          inlineSecret: values['inline-secret'] === true,
          force: values.force === true,
          verify: values.verify === true,
          status: values.status === true,
          finish: values.finish === true,
          cancel: values.cancel === true,
          yes: values.yes === true,
          showSecret: values['show-secret'] === true,
          json: values.json === true,
        },
        {
          write: (text) => process.stdout.write(text),
          warn: say,
          rotations: rotationServiceFor(context),
          openPastedLines: standardInputLines,
        },
      );
    } catch (error) {
      if (error instanceof CliError || error instanceof AppError) {
        throw error;
      }
      throw toOktaAppError(error, { orgUrl, token, action: 'rotating the client secret' });
    }
  }
  if (command === 'drift') {
    return runDrift(file, values);
  }
  if (command === 'list') {
    const context = await serviceContext(values);
    return runListCommand(
      { org: context.org, dataDir: context.dataDir, json: values.json === true, now: new Date() },
      { write: (text) => process.stdout.write(text) },
    );
  }
  if (command !== 'plan' && command !== 'apply') {
    throw new CliError(
      `Unknown command "${command}".`,
      'Use init, plan, apply, destroy, preview, export, logs, list, drift, rotate-secret or scopes; --help shows how.',
    );
  }
  if (file === undefined) {
    throw new CliError(
      `${command} needs the setup document: sso-console ${command} FILE.`,
      'Create one with `sso-console init`.',
    );
  }
  // The file first: one that cannot be used is said before a token is asked for.
  const input = command === 'plan' ? readSetupInput(file, 'plan') : readSetupInput(file, 'apply');
  const context = await serviceContext(values);
  /** Ctrl+C during an apply: see {@link applyUntilInterrupted}. */
  const interrupt = new AbortController();
  // The console window's setup service: one orchestration of plan and apply (error mapping,
  // keychain, journal), so the CLI and the wizard cannot drift apart.
  const setup = createSetupService({
    activeOrg: context.activeOrg,
    secrets: context.keychain,
    dataDir: context.dataDir,
    interrupt: interrupt.signal,
    emitProgress: (event) => {
      if (values.json !== true) {
        say(
          `${event.state === 'done' ? '✓' : event.state === 'retrying' ? '↻' : '…'} ${event.title}\n`,
        );
      }
    },
  });
  const io: SetupCommandIo = {
    write: (text) => process.stdout.write(text),
    warn: say,
    // Standard input can answer only when it is a terminal and did not carry the token.
    ...(process.stdin.isTTY && process.env.SSO_CONSOLE_API_TOKEN !== undefined ? { confirm } : {}),
  };
  const json = values.json === true;
  return input.kind === 'document' && command === 'plan'
    ? runPlanCommand(
        {
          setup,
          document: input.document,
          out: values.out,
          json,
          detailedExitCode: values['detailed-exitcode'] === true,
        },
        io,
      )
    : applyUntilInterrupted(interrupt, input, () =>
        runApplyCommand(
          {
            setup,
            input,
            json,
            yes: values.yes === true,
            showSecrets: values['show-secrets'] === true,
          },
          io,
        ),
      );
}

/** The exit code of a command cancelled by Ctrl+C: 128 + SIGINT, as a shell says it. */
const CANCELLED_EXIT = 130;

/**
 * Runs `apply` with Ctrl+C cancelling it the safe way, as the console's Cancel does.
 *
 * @remarks
 * Without this, Ctrl+C ends the process at once, possibly with a create in flight: the journal
 * still lets the next apply settle it by reading the org, but a secret Okta sent in that answer
 * would be lost (and replaced by the next apply). Here the first Ctrl+C aborts the apply's
 * signal: it stops before its next request (one waiting for a rate limit is dropped at once),
 * every answer already coming is journaled and its secret kept, and the command says what was
 * made and exits {@link CANCELLED_EXIT}. The listener is removed after the first Ctrl+C, so a
 * second one ends the process as usual, for an admin who cannot wait for a slow answer.
 */
async function applyUntilInterrupted(
  interrupt: AbortController,
  input: SetupInput,
  run: () => Promise<number>,
): Promise<number> {
  const onInterrupt = () => {
    interrupt.abort();
    say(
      '\nCancelling: the apply stops before its next request to Okta (a request already sent is answered and recorded first). Press Ctrl+C again to quit at once.\n',
    );
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'CANCELLED') {
      throw error;
    }
    const cause: unknown = error.cause;
    if (!(cause instanceof ApplyCancelledError)) {
      // Cancelled while it planned: nothing was asked, nothing written.
      say(
        `sso-console: ${error.message}\n  Run sso-console apply ${input.file} again when you are ready.\n`,
      );
      return CANCELLED_EXIT;
    }
    const wroteNothing = cause.made.length + cause.inDoubt.length === 0;
    const again =
      input.kind === 'plan-file' && !wroteNothing
        ? `plan it again (sso-console plan SETUP_FILE --out PLANFILE) and apply the new plan: ${input.file} still describes the org before this apply`
        : `run sso-console apply ${input.file} again`;
    say(
      `sso-console: ${error.message}\n  To finish the setup, ${again}; it continues from the journal and creates nothing twice.\n`,
    );
    return CANCELLED_EXIT;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.exitCode = 1;
  if (error instanceof QuestionCancelledError) {
    say(`\nsso-console: ${error.message}\n`);
    process.exitCode = CANCELLED_EXIT;
  } else if (error instanceof CliError || error instanceof AppError) {
    say(`sso-console: ${error.message}\n  ${error.hint}\n`);
  } else if (error instanceof SetupBlockedError) {
    say(`sso-console: ${error.message}\n`);
  } else if (
    error instanceof TypeError &&
    (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
  ) {
    say(`sso-console: ${error.message}\n\n${USAGE}\n`);
  } else {
    // Never an SDK error's own message: it can hold a whole response body.
    say(`sso-console: ${redactor.error(error)}\n`);
  }
}
