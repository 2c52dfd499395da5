import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import { EXPORT_TARGET_IDS } from '../../shared/export/export-targets.ts';
import { createExportService, type ExportService } from '../export/export-service.ts';
import { VerificationStopped } from '../export/verify-export.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import type { RotationStatus } from '../rotation/rotation.ts';
import { createRotationService, type RotationService } from '../rotation/rotation-service.ts';
import { CliError } from './cli-error.ts';
import { completeCliSignIn, printChecks } from './cli-sign-in.ts';
import { onlyOutput } from './export-command.ts';
import { findApp } from './preview-command.ts';

/** What `rotate-secret` prints to, and the rotation service over the flags' org. */
export interface RotateSecretCommandIo {
  write(text: string): void;
  warn(text: string): void;
  /** Standard input's lines, for a pasted address when the files' redirect URI is not loopback. */
  openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
  rotations: RotationService<ExportService>;
}

/**
 * The rotation service the command line uses: the console's, over the flags' org, its export
 * built over the new secret and no environment (see `createRotationService`).
 */
export function rotationServiceFor(context: {
  activeOrg: () => Promise<ActiveOrg>;
  dataDir: string;
  keychain: Pick<SecretStore, 'checkAvailable' | 'get' | 'set' | 'delete'>;
}): RotationService<ExportService> {
  return createRotationService({
    activeOrg: context.activeOrg,
    secrets: context.keychain,
    dataDir: context.dataDir,
    // No environment: a variable the admin set for the old secret must not stand in for the new.
    createExports: (secrets) =>
      createExportService({
        activeOrg: context.activeOrg,
        secrets,
        dataDir: context.dataDir,
        env: {},
      }),
  });
}

/** The flags of `rotate-secret`. */
export interface RotateSecretOptions {
  client: OktaClient;
  app: string;
  target?: string;
  issuer?: string;
  out?: string;
  inlineSecret: boolean;
  force: boolean;
  verify: boolean;
  user?: string;
  status: boolean;
  finish: boolean;
  cancel: boolean;
  yes: boolean;
  showSecret: boolean;
  json: boolean;
}

/** Exit codes of `rotate-secret`, as the usage text documents them. */
export const ROTATE_EXIT = {
  /** What was asked is done: verified, finished, cancelled, or nothing in progress. */
  done: 0,
  /** An error, or the new files did not sign in (the old secret still works). */
  failed: 1,
  /** The rotation waits for the admin: deploy and verify, or confirm with --finish --yes. */
  waiting: 2,
} as const;

function targetOf(value: string): ExportTargetId {
  if (!(EXPORT_TARGET_IDS as readonly string[]).includes(value)) {
    throw new CliError(
      `--target must be one of ${EXPORT_TARGET_IDS.join(', ')}, not "${value}".`,
      '`sso-console export --list-targets` says what each one writes.',
    );
  }
  return value as ExportTargetId;
}

function describe(status: RotationStatus): string {
  const secrets = status.secrets
    .map(
      (secret) =>
        `  ${secret.id}  ${secret.status.padEnd(8)} ${secret.role === 'other' ? '' : `(${secret.role})`}${secret.created === undefined ? '' : ` created ${secret.created}`}`,
    )
    .join('\n');
  const verified =
    status.verified === null
      ? ''
      : `Verified: ${status.verified.target} files signed in at ${status.verified.at} (sha256 ${status.verified.contentHash}).\n`;
  return `Rotation of "${status.label}" (${status.clientId}): ${status.phase}\nClient secrets:\n${secrets}\n${verified}Next: ${status.next}\n`;
}

/** Exit code of a status: waiting while a rotation is in progress. */
function codeOf(status: RotationStatus): number {
  return status.phase === 'none' || status.phase === 'finished' || status.phase === 'cancelled'
    ? ROTATE_EXIT.done
    : ROTATE_EXIT.waiting;
}

/**
 * `sso-console rotate-secret`: a client secret rotated without downtime, step by step.
 *
 * @remarks
 * The same rotation service as the console window. One invocation does one of:
 * - `--status`: where the rotation stands (exit 0 when none is in progress, 2 when one waits).
 * - start or resume (the default): the second secret is made and kept in the keychain; with
 *   `--target` the target's files with it are written (`--out`, or standard output); with
 *   `--verify` they are signed in with. Exit 2 while the admin has to deploy and verify, 0 once
 *   verified, 1 when the sign-in failed.
 * - `--finish`: the admin's confirmation that the target runs on the new secret. Without
 *   `--yes` it says what it would retire and exits 2; with it, the old secret is deactivated and
 *   deleted (exit 0). Refused until the new files were verified.
 * - `--cancel --yes`: the new secret is removed, the old one kept.
 * The new secret is printed only with `--show-secret`.
 */
export async function runRotateSecretCommand(
  options: RotateSecretOptions,
  io: RotateSecretCommandIo,
): Promise<number> {
  const modes = [options.status, options.finish, options.cancel].filter(Boolean).length;
  if (modes > 1) {
    throw new CliError(
      'Only one of --status, --finish and --cancel can be given.',
      'Run them one at a time.',
    );
  }
  if (options.verify && options.target === undefined) {
    throw new CliError(
      '--verify needs --target: the files to sign in with are the target’s.',
      'Add --target ID (the target the app runs, e.g. kestra).',
    );
  }
  const target = options.target === undefined ? undefined : targetOf(options.target);
  const record = await findApp(options.client, options.app);
  const appId = record.id ?? options.app;
  const { rotations } = io;
  const print = (status: RotationStatus, extra: Record<string, unknown> = {}) => {
    io.write(options.json ? `${JSON.stringify({ ...status, ...extra })}\n` : describe(status));
  };

  if (options.status) {
    const status = await rotations.status({ appId });
    print(status);
    return codeOf(status);
  }
  if (options.cancel) {
    const status = await rotations.status({ appId });
    if (!options.yes) {
      print(status);
      io.warn(
        'Nothing was changed. Run again with --cancel --yes to delete the new secret and keep the old one.\n',
      );
      return ROTATE_EXIT.waiting;
    }
    print(await rotations.cancel({ appId }));
    return ROTATE_EXIT.done;
  }
  if (options.finish) {
    const status = await rotations.status({ appId });
    if (!options.yes) {
      print(status);
      const old = status.secrets.find((secret) => secret.role === 'old');
      io.warn(
        `Nothing was changed. Once the target runs on the new secret, run again with --finish --yes: the old secret${old === undefined ? '' : ` ${old.id}`} is then deactivated and deleted, and refused at /token from then on.\n`,
      );
      return ROTATE_EXIT.waiting;
    }
    const { status: finished, keychainWarning } = await rotations.finish({
      appId,
      confirmTargetRunsOnNewSecret: true,
    });
    print(finished, { keychainWarning });
    if (keychainWarning !== null) {
      io.warn(`Warning: ${keychainWarning}\n`);
    }
    return ROTATE_EXIT.done;
  }

  const status = await rotations.start({ appId });
  // Asked for: the one place the new secret is printed (in the answer's JSON with --json).
  const shown = options.showSecret ? { newSecret: await rotations.revealNewSecret({ appId }) } : {};
  if (shown.newSecret !== undefined && !options.json) {
    io.write(`New client secret: ${shown.newSecret}\n`);
  }
  if (target === undefined) {
    print(status, shown);
    return codeOf(status);
  }
  const rendered = await rotations.render({
    appId,
    target,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    inlineSecret: options.inlineSecret,
  });
  const output = onlyOutput(rendered, target);
  const written = await writeFiles(rendered.renderId, target, options, io);
  if (!options.verify) {
    print(status, shown);
    if (written && !options.json && output.nextSteps.length > 0) {
      io.warn(
        `\nDeploy (the app's client secret is now the NEW one, kept in the keychain; --show-secret prints it):\n${output.nextSteps.map((step, index) => `${String(index + 1)}. ${step}`).join('\n')}\n`,
      );
    }
    if (written && options.out !== undefined) {
      io.warn(
        `Deploy these files (or set the new secret where the target reads it${options.inlineSecret ? '' : ': the files reference it'}), then run again with --verify. The old secret keeps working until --finish --yes.\n`,
      );
    }
    return written ? ROTATE_EXIT.waiting : ROTATE_EXIT.failed;
  }
  const verified = await verify(rendered.renderId, appId, io, options);
  const after = await rotations.status({ appId });
  print(after, shown);
  return verified ? ROTATE_EXIT.done : ROTATE_EXIT.failed;
}

/** Writes or prints the new files; `false` when an existing, different file stands in the way. */
async function writeFiles(
  renderId: string,
  target: ExportTargetId,
  options: { out?: string; force: boolean; json: boolean },
  io: RotateSecretCommandIo,
): Promise<boolean> {
  const { files } = io.rotations;
  if (options.out === undefined) {
    if (!options.json) {
      // Without --out, the masked rendering says what changes; the files are written with --out.
      io.warn('Rendered the new files (write them with --out PATH).\n');
    }
    return true;
  }
  let blocked = false;
  for (const destination of await files.destinationsUnder({ renderId, target, out: options.out })) {
    const request = { renderId, target, name: destination.name, path: destination.path };
    let outcome = await files.saveAt(request);
    if (outcome.kind === 'confirm-overwrite') {
      io.warn(`${outcome.path} exists and differs:\n${outcome.diff}\n`);
      if (!options.force) {
        io.warn(`Left ${outcome.path} as it is; add --force to replace it with the above.\n`);
        blocked = true;
        continue;
      }
      outcome = await files.saveAt({ ...request, replaceHash: outcome.replaceHash });
    }
    if (outcome.kind === 'saved') {
      io.warn(`Wrote ${outcome.path} (mode ${outcome.mode}): ${destination.purpose}\n`);
    }
  }
  return !blocked;
}

/** Signs in with the new files through the rotation (which journals a success). */
async function verify(
  renderId: string,
  appId: string,
  io: RotateSecretCommandIo,
  options: { user?: string; json: boolean },
): Promise<boolean> {
  const { rotations } = io;
  const { user } = options;
  let started;
  try {
    started = await rotations.verifyStart({
      appId,
      renderId,
      ...(user === undefined ? {} : { user: { kind: 'existing' as const, login: user } }),
    });
  } catch (error) {
    if (error instanceof AppError && error.cause instanceof VerificationStopped) {
      io.warn(`Not verified: ${error.cause.message}\n`);
      return false;
    }
    throw error;
  }
  // Where to sign in is part of the answer (standard output), as `export --verify` prints it.
  const result = await completeCliSignIn(
    started,
    { lead: 'Verify: sign in', owner: "the files'", user, json: options.json },
    io,
    {
      wait: (verificationId) => rotations.verifyWait({ verificationId }),
      cancel: (verificationId) => rotations.verifyCancel({ verificationId }),
      paste: (verificationId, url) => {
        rotations.verifyPaste({ verificationId, url });
      },
    },
  );
  printChecks(result.checks, (text) => {
    io.warn(text);
  });
  io.warn(
    result.ok
      ? `Verified with the new secret at ${result.verifiedAt ?? ''}; sha256 ${result.contentHash}. Confirm the target runs on it with --finish --yes.\n`
      : 'Not verified: the old secret stays, and so does the new one.\n',
  );
  return result.ok;
}
