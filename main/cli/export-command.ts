import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import type { ExportOutput, ExportTargetId } from '../../shared/export/export-targets.ts';
import { EXPORT_TARGET_IDS } from '../../shared/export/export-targets.ts';
import { documentFromOrg } from '../export/document-from-org.ts';
import { ExportNotReadyError, gatherExportFacts } from '../export/export-facts.ts';
import { diffMask, renderExports } from '../export/render-exports.ts';
import { allExporters, exporterFor } from '../export/targets/index.ts';
import { recordVerification } from '../export/verification-record.ts';
import {
  environmentThenKeychain,
  prepareVerification,
  VerificationStopped,
} from '../export/verify-export.ts';
import { writeExportFile } from '../export/write-export-file.ts';
import { issuerUrl } from '../okta/issuer.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { listenForCallback } from '../sign-in/loopback-callback.ts';
import { isLoopbackRedirectUri } from '../sign-in/redirect-strategy.ts';
import { CliError } from './cli-error.ts';
import { firstPastedCallback } from './pasted-address.ts';
import { findApp } from './preview-command.ts';

/** `sso-console export --list-targets`: the catalogue, one target a line. */
export function listTargets(json: boolean): string {
  const targets = allExporters().map(({ id, title, description, mergeable, verifiable }) => ({
    id,
    title,
    description,
    mergeable,
    verifiable,
  }));
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

/** Where the command's files go, and what it says. */
export interface ExportCommandIo {
  write(text: string): void;
  warn(text: string): void;
  /** Standard input's lines, for a pasted address when the files' redirect URI is not loopback. */
  openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
  env: NodeJS.ProcessEnv;
  /** The console's data folder, where verifications are recorded. */
  dataDir: string;
  /** The keychain's secret for this org's client, when the console created the app here. */
  keptSecret(orgUrl: string, clientId: string): Promise<string | undefined>;
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
 * Without `--out` the files go to standard output (one file as is, so it can be piped; several
 * with a header each). With `--out`, a one-file target writes that file, unless the path is a
 * folder (or ends with a slash), which every file goes into by its name — as a several-file
 * target's files always do. An existing, different file is replaced only with `--force`,
 * and its diff is printed first either way (secrets masked). `--inline-secret` is the only way a
 * secret reaches a file; such files are written 0600 and the command says so.
 */
export async function runExportCommand(
  options: {
    client: OktaClient;
    orgUrl: string;
    app: string;
    target: string | undefined;
    issuer?: string;
    out?: string;
    mergeInto?: string;
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
      'Drop --merge-into, or write to a new file with --out and merge by hand.',
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
  const document = await documentFromOrg(options.client, options.orgUrl, appId, {
    target,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
  });
  const clientId = record.credentials?.oauthClient?.client_id ?? appId;
  const authServerId =
    document.issuer.kind === 'custom' && document.issuer.server.kind === 'existing'
      ? document.issuer.server.id
      : null;
  const applied = {
    orgUrl: options.orgUrl,
    appId,
    clientId,
    issuer: issuerUrl(options.orgUrl, authServerId ?? undefined),
    authServerId,
  };
  let facts;
  try {
    facts = await gatherExportFacts(options.client, applied);
  } catch (error) {
    if (error instanceof ExportNotReadyError) {
      throw new CliError(error.message, error.hint);
    }
    throw error;
  }

  let secret: string | undefined;
  if (options.inlineSecret && document.app.tokenEndpointAuthMethod !== 'none') {
    secret = io.env.SSO_CONSOLE_CLIENT_SECRET;
    if (secret === undefined || secret === '') {
      secret = await io.keptSecret(options.orgUrl, clientId);
    }
    if (secret === undefined) {
      throw new CliError(
        `--inline-secret needs the client secret of ${clientId}, and none was given.`,
        'Put it in SSO_CONSOLE_CLIENT_SECRET; the console keeps secrets in the keychain only for apps it created on this computer.',
      );
    }
  }
  const mergeInto =
    options.mergeInto === undefined ? undefined : await readMergeTarget(options.mergeInto);
  const { outputs, refused } = renderExports({
    targets: [target],
    document,
    applied,
    facts,
    secret: secret === undefined ? { kind: 'reference' } : { kind: 'inline', value: secret },
    ...(mergeInto === undefined ? {} : { mergeInto: { target, content: mergeInto } }),
  });
  const [output] = outputs;
  const [refusal] = refused;
  if (output === undefined) {
    throw new CliError(
      refusal?.message ?? `Nothing was written for ${target}.`,
      refusal?.hint ?? '',
    );
  }
  // Every secret the console knows for the app, masked in any diff it prints.
  const knownSecrets = [
    secret,
    io.env.SSO_CONSOLE_CLIENT_SECRET,
    await io.keptSecret(options.orgUrl, clientId),
  ];
  const written = await emit(output, options, io, knownSecrets);
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
  return await verify(output, io, options.orgUrl, options.user);
}

async function readMergeTarget(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      'Check the path of the file to merge into.',
    );
  }
}

/** Writes or prints the files; `false` when an existing file stands in the way. */
async function emit(
  output: ExportOutput,
  options: { out?: string; force: boolean },
  io: ExportCommandIo,
  knownSecrets: readonly (string | undefined)[],
): Promise<boolean> {
  const exporter = exporterFor(output.target);
  if (options.out === undefined) {
    const [only] = output.files;
    if (output.files.length === 1 && only !== undefined) {
      io.write(only.content);
      return true;
    }
    for (const file of output.files) {
      io.write(`# ==> ${file.name} <==\n${file.content}\n`);
    }
    return true;
  }
  // A folder when the target writes several files, or when the path is (or ends like) a folder.
  const intoFolder =
    output.files.length > 1 ||
    options.out.endsWith('/') ||
    options.out.endsWith(path.sep) ||
    (await stat(options.out).then(
      (found) => found.isDirectory(),
      () => false,
    ));
  await mkdir(intoFolder ? options.out : path.dirname(path.resolve(options.out)), {
    recursive: true,
  });
  let blocked = false;
  for (const file of output.files) {
    const destination = intoFolder ? path.join(options.out, file.name) : options.out;
    const mask = diffMask(exporter, file, knownSecrets);
    let outcome = await writeOrExplain(destination, {
      target: destination,
      content: file.content,
      sensitive: file.sensitive,
      mask,
    });
    if (outcome.kind === 'confirm-overwrite') {
      io.warn(`${outcome.path} exists and differs:\n${outcome.diff}\n`);
      if (!options.force) {
        io.warn(`Left ${outcome.path} as it is; add --force to replace it with the above.\n`);
        blocked = true;
        continue;
      }
      outcome = await writeOrExplain(destination, {
        target: destination,
        content: file.content,
        sensitive: file.sensitive,
        replaceHash: outcome.replaceHash,
        mask,
      });
    }
    if (outcome.kind === 'saved') {
      io.write(`Wrote ${outcome.path} (mode ${outcome.mode}): ${file.purpose}\n`);
    }
  }
  return !blocked;
}

/** Writes, or says which file could not be written and why. */
async function writeOrExplain(
  destination: string,
  options: Parameters<typeof writeExportFile>[0],
): Promise<Awaited<ReturnType<typeof writeExportFile>>> {
  try {
    return await writeExportFile(options);
  } catch (error) {
    throw new CliError(
      `Could not write ${destination} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      'Choose a folder you can write to with --out.',
    );
  }
}

/** `--verify`: signs in with what the files say (see `main/export/verify-export.ts`). */
async function verify(
  output: ExportOutput,
  io: ExportCommandIo,
  orgUrl: string,
  user?: string,
): Promise<number> {
  const exporter = exporterFor(output.target);
  if (exporter === undefined) {
    return 1;
  }
  let prepared;
  try {
    prepared = await prepareVerification({
      exporter,
      files: output.files,
      secrets: environmentThenKeychain(io.env, (clientId) => io.keptSecret(orgUrl, clientId)),
    });
  } catch (error) {
    if (error instanceof VerificationStopped) {
      io.write(`\nNot verified: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const redirectUri = prepared.reading.redirectUri;
  const listener = isLoopbackRedirectUri(redirectUri)
    ? await listenForCallback({ redirectUri }).catch(() => undefined)
    : undefined;
  io.write(
    `\nVerify: sign in${user === undefined ? '' : ` as ${user}`} at\n  ${prepared.authorizeUrl}\n${
      listener === undefined
        ? `then paste the address the browser ends on (${redirectUri}?…) and press Enter.\n`
        : `The console listens on ${redirectUri}, the files' own redirect URI.\n`
    }`,
  );
  const pasting = listener === undefined ? io.openPastedLines?.() : undefined;
  try {
    const callback =
      listener === undefined
        ? await firstPastedCallback(pasting?.lines, redirectUri, (text) => {
            io.warn(text);
          })
        : await listener.callback;
    if (callback === undefined) {
      throw new CliError(
        'Standard input ended before the address was pasted.',
        'Run the command in a terminal and paste the address the browser ends on.',
      );
    }
    const result = await prepared.complete(callback);
    for (const check of result.checks) {
      io.write(`${check.ok ? 'ok ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
    }
    await recordVerification(io.dataDir, result);
    io.write(
      result.ok
        ? `Verified at ${result.verifiedAt ?? ''}; sha256 ${result.contentHash}.\n`
        : 'Not verified.\n',
    );
    return result.ok ? 0 : 1;
  } finally {
    pasting?.close();
    await listener?.close();
  }
}
