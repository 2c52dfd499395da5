import { AppError } from '../../shared/errors.ts';
import type { ExportOutput, ExportTargetId } from '../../shared/export/export-targets.ts';
import { EXPORT_TARGET_IDS } from '../../shared/export/export-targets.ts';
import { type ExportService, exportTargetCatalogue } from '../export/export-service.ts';
import { exporterFor } from '../export/targets/index.ts';
import { VerificationStopped } from '../export/verify-export.ts';
import type { WriteOutcome } from '../export/write-export-file.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { CliError } from './cli-error.ts';
import { completeCliSignIn, printChecks } from './cli-sign-in.ts';
import { findApp } from './preview-command.ts';

/** `sso-console export --list-targets`: the catalogue, one target a line. */
export function listTargets(json: boolean): string {
  const targets = exportTargetCatalogue();
  if (json) {
    return `${JSON.stringify({ targets })}\n`;
  }
  const width = Math.max(...targets.map((target) => target.id.length));
  return `${targets
    .map(
      (target) =>
        `${target.id.padEnd(width)}  ${target.title}${target.mergeable ? ' (--merge-into)' : ''}${target.verifiable ? ' (--verify)' : ''}\n${' '.repeat(width + 2)}${target.description}`,
    )
    .join('\n')}\n`;
}

/** Where the command's files go, what it says, and the service that does the work. */
/**
 * The output of a render for one target, or a `CliError` saying why there is none: the target's
 * own refusal (with its hint) when it gave one. Shared by `export` and `rotate-secret --target`.
 */
export function onlyOutput<Output>(
  rendered: { outputs: readonly Output[]; refused: readonly { message: string; hint?: string }[] },
  target: string,
): Output {
  const [output] = rendered.outputs;
  const [refusal] = rendered.refused;
  if (output === undefined) {
    throw new CliError(
      refusal?.message ?? `Nothing was written for ${target}.`,
      refusal?.hint ?? '',
    );
  }
  return output;
}

export interface ExportCommandIo {
  write(text: string): void;
  warn(text: string): void;
  /** Standard input's lines, for a pasted address when the files' redirect URI is not loopback. */
  openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
  env: NodeJS.ProcessEnv;
  /** The console window's export service, acting on the flags' org. */
  exports: ExportService;
}

function targetOf(value: string | undefined): ExportTargetId {
  if (value === undefined || !(EXPORT_TARGET_IDS as readonly string[]).includes(value)) {
    throw new CliError(
      `--target must be one of ${EXPORT_TARGET_IDS.join(', ')}${value === undefined ? '' : `, not "${value}"`}.`,
      '`sso-console export --list-targets` says what each one writes.',
    );
  }
  return value as ExportTargetId;
}

/**
 * `sso-console export`: the target's files for an app in the org, written safely, optionally
 * verified by signing in with exactly what they say.
 *
 * @remarks
 * The export service renders, saves and verifies, as it does for the console window; this
 * command parses the flags into its calls and prints what they answer. Without `--out` the files
 * go to standard output (one file as is, so it can be piped; several with a header each). With
 * `--out`, a one-file target writes that file, unless the path is a folder (or ends with a
 * slash), which every file goes into by its name — as a several-file target's files always do.
 * An existing, different file is replaced only with `--force`, and its diff is printed first
 * either way (secrets masked). `--inline-secret` is the only way a secret reaches a file; such
 * files are written 0600 and the command says so.
 */
export async function runExportCommand(
  options: {
    client: OktaClient;
    app: string;
    target: string | undefined;
    issuer?: string;
    out?: string;
    mergeInto?: string;
    targetVersion?: string;
    inlineSecret: boolean;
    verify: boolean;
    force: boolean;
    user?: string;
  },
  io: ExportCommandIo,
): Promise<number> {
  const target = targetOf(options.target);
  const exporter = exporterFor(target);
  if (exporter === undefined) {
    throw new CliError(`There is no exporter for ${target} in this build.`, 'Pick another target.');
  }
  if (options.mergeInto !== undefined && !exporter.mergeable) {
    throw new CliError(
      `${exporter.title} files cannot be merged into an existing file.`,
      exporter.id === 'argocd'
        ? 'Drop --merge-into: the Argo CD files are merge patches already. Apply each to your own object with `kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd-cm.patch.yaml` (and likewise argocd-rbac-cm, and the secret), which keeps every key they do not name.'
        : 'Drop --merge-into, or write to a new file with --out and merge by hand.',
    );
  }
  if (options.verify && exporter.read === undefined) {
    throw new CliError(
      `${exporter.title} files cannot be verified by signing in: the console cannot read them back the way the target does.`,
      'Drop --verify.',
    );
  }
  const record = await findApp(options.client, options.app);
  const appId = record.id ?? options.app;
  let rendered;
  try {
    rendered = await io.exports.renderApp({
      appId,
      target,
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      inlineSecret: options.inlineSecret,
      ...(io.env.SSO_CONSOLE_CLIENT_SECRET === undefined
        ? {}
        : { suppliedSecret: io.env.SSO_CONSOLE_CLIENT_SECRET }),
      ...(options.mergeInto === undefined ? {} : { mergeIntoFile: options.mergeInto }),
      ...(options.targetVersion === undefined ? {} : { targetVersion: options.targetVersion }),
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'SECRET_NOT_FOUND') {
      // Said in the command line's terms: where to put the secret.
      throw new CliError(
        `--inline-secret needs the client secret of ${record.credentials?.oauthClient?.client_id ?? appId}, and none was given.`,
        'Put it in SSO_CONSOLE_CLIENT_SECRET; the console keeps secrets in the keychain only for apps it created on this computer.',
      );
    }
    throw error;
  }
  const output = onlyOutput(rendered, target);
  const written = await emit(rendered.renderId, output, options, io);
  if (!written) {
    return 1;
  }
  for (const warning of output.warnings) {
    io.warn(`Warning: ${warning}\n`);
  }
  if (output.files.some((file) => file.sensitive)) {
    io.warn(
      options.out === undefined
        ? 'Warning: the output holds the client secret (--inline-secret). Anyone who can read it can act as the app; write it with --out, which creates the file with mode 0600.\n'
        : 'Warning: the files hold the client secret (--inline-secret); they are written with mode 0600. Anyone who can read them can act as the app.\n',
    );
  }
  if (options.out !== undefined && output.nextSteps.length > 0) {
    io.write(
      `\nNext:\n${output.nextSteps.map((step, index) => `${String(index + 1)}. ${step}`).join('\n')}\n`,
    );
  }
  if (!options.verify) {
    return 0;
  }
  return await verify(rendered.renderId, target, io, options.user);
}

/**
 * Writes or prints the files; `false` when an existing file stands in the way. `output` is the
 * masked rendering: what is printed is revealed from the service, as the window's copy is.
 */
async function emit(
  renderId: string,
  output: ExportOutput,
  options: { out?: string; force: boolean },
  io: ExportCommandIo,
): Promise<boolean> {
  const { target } = output;
  if (options.out === undefined) {
    const contents = output.files.map((file) => ({
      name: file.name,
      content: io.exports.revealFile({ renderId, target, name: file.name }).content,
    }));
    const [only] = contents;
    if (contents.length === 1 && only !== undefined) {
      io.write(only.content);
      return true;
    }
    for (const file of contents) {
      io.write(`# ==> ${file.name} <==\n${file.content}\n`);
    }
    return true;
  }
  const destinations = await io.exports.destinationsUnder({ renderId, target, out: options.out });
  let blocked = false;
  for (const destination of destinations) {
    const request = { renderId, target, name: destination.name, path: destination.path };
    let outcome = await saveOrExplain(io.exports, request);
    if (outcome.kind === 'confirm-overwrite') {
      io.warn(`${outcome.path} exists and differs:\n${outcome.diff}\n`);
      if (!options.force) {
        io.warn(`Left ${outcome.path} as it is; add --force to replace it with the above.\n`);
        blocked = true;
        continue;
      }
      outcome = await saveOrExplain(io.exports, { ...request, replaceHash: outcome.replaceHash });
    }
    if (outcome.kind === 'saved') {
      io.write(`Wrote ${outcome.path} (mode ${outcome.mode}): ${destination.purpose}\n`);
    }
  }
  return !blocked;
}

/** Saves, or says which file could not be written and how to choose another place. */
async function saveOrExplain(
  exports: ExportService,
  request: Parameters<ExportService['saveAt']>[0],
): Promise<WriteOutcome> {
  try {
    return await exports.saveAt(request);
  } catch (error) {
    // A failed write carries the file system's error; its hint names the flag that chose the place.
    if (error instanceof AppError && error.cause !== undefined) {
      throw new CliError(error.message, 'Choose a folder you can write to with --out.');
    }
    throw error;
  }
}

/** `--verify`: signs in with what the files say, through the service's verification. */
async function verify(
  renderId: string,
  target: ExportTargetId,
  io: ExportCommandIo,
  user?: string,
): Promise<number> {
  let started;
  try {
    started = await io.exports.verifyStart({
      renderId,
      target,
      ...(user === undefined ? {} : { user: { kind: 'existing' as const, login: user } }),
    });
  } catch (error) {
    if (error instanceof AppError && error.cause instanceof VerificationStopped) {
      io.write(`\nNot verified: ${error.cause.message}\n`);
      return 1;
    }
    throw error;
  }
  const result = await completeCliSignIn(
    started,
    { lead: '\nVerify: sign in', owner: "the files'", user, json: false },
    io,
    {
      wait: (verificationId) => io.exports.verifyWait(verificationId),
      cancel: (verificationId) => io.exports.verifyCancel(verificationId),
      paste: (verificationId, url) => {
        io.exports.verifyPaste(verificationId, url);
      },
    },
  );
  printChecks(result.checks, (text) => {
    io.write(text);
  });
  io.write(
    result.ok
      ? `Verified at ${result.verifiedAt ?? ''}; sha256 ${result.contentHash}.\n`
      : 'Not verified.\n',
  );
  return result.ok ? 0 : 1;
}
