import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import type {
  ExportedFile,
  ExportTargetId,
  VerificationResult,
} from '../../shared/export/export-targets.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
import type { PreviewUser } from '../../shared/preview/preview-schemas.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { createCallbackRace } from '../sign-in/callback-race.ts';
import { listenForCallback } from '../sign-in/loopback-callback.ts';
import {
  chooseRedirectStrategy,
  type InterceptWindowStrategy,
  probeRedirectPorts,
  type RedirectStrategyKind,
} from '../sign-in/redirect-strategy.ts';
import type { Exporter } from './exporter.ts';
import type { Renderings } from './renderings.ts';
import { exporterFor } from './targets/index.ts';
import { recordVerification } from './verification-record.ts';
import {
  environmentThenKeychain,
  type PreparedVerification,
  prepareVerification,
  readingView,
  VerificationStopped,
} from './verify-export.ts';

/**
 * Verifications of kept renderings: started, waited for, fed a pasted address, cancelled, and
 * recorded when they end.
 *
 * @remarks
 * The sign-in comes back like the preview's: on the files' own loopback redirect URI when its
 * port is free, else through the Electron sign-in window, else as a pasted address — never
 * through a temporary redirect URI, which would not be the files' value. Each run holds a port,
 * perhaps a window; ending it frees both, so the real app can take its port back.
 */

/** The sign-in's receiver: where the callback arrives, and how to let go of it. */
interface SignInReceiver {
  kind: RedirectStrategyKind;
  explanation: string;
  callback: Promise<URL>;
  paste(url: string): void;
  /** Cancels the wait and frees the listener and the window; safe to repeat. */
  close(): Promise<void>;
}

/** One verification in progress. */
interface RunningVerification {
  prepared: PreparedVerification;
  receiver: SignInReceiver;
  /** What the record of verifications names: the files' names, or where deployed files are. */
  recordedFiles: string[];
}

/**
 * A file the target already runs with, as the admin gave it: its name as the target's reader
 * looks for it (`application.yml`), its content, and where it is (for the record).
 */
export interface DeployedFile {
  name: string;
  content: string;
  /** Where the file is, e.g. `/etc/kestra/application.yml`; recorded instead of the name. */
  path?: string;
}

const LANGUAGES: Record<string, ExportedFile['language']> = {
  yml: 'yaml',
  yaml: 'yaml',
  json: 'json',
  ini: 'ini',
  toml: 'toml',
  rb: 'ruby',
  tf: 'hcl',
};

/**
 * `name` and `content` as an export file, so the target's reader takes a deployed file exactly
 * as it takes one the export wrote; its language is its extension's (`.env` and the rest: dotenv).
 */
export function asExportedFile(name: string, content: string): ExportedFile {
  const extension = name.includes('.') ? (name.split('.').at(-1) ?? '') : '';
  return {
    name,
    content,
    language: LANGUAGES[extension.toLowerCase()] ?? 'dotenv',
    sensitive: false,
    purpose: 'The config file the target runs with.',
  };
}

/** What a started verification tells the admin: where to sign in, as whom, how it comes back. */
export type StartedVerification = ChannelResponse<'export:verify-start'>;

/**
 * Who signs in, said before anything else: a wrong choice is cheaper to say than a discovery
 * round trip. No user (the command line without `--user`) is whoever signs in.
 */
function loginOf(
  user: PreviewUser | undefined,
  document: SetupDocument | undefined,
): string | null {
  if (user === undefined) {
    return null;
  }
  if (user.kind === 'existing') {
    return user.login;
  }
  if (user.kind === 'test-user') {
    if (document === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'Files given as they are deployed have no setup to take a test user from.',
        hint: 'Name who signs in by their login, or leave it to whoever signs in.',
      });
    }
    const login = document.assignments.testUser?.email;
    if (login === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'This setup has no test user to sign in with.',
        hint: 'Choose someone who already exists; they type their own password.',
      });
    }
    return login;
  }
  throw new AppError({
    code: 'INVALID_REQUEST',
    message: 'A verification signs in as the setup’s test user or someone who exists.',
    hint: 'A throwaway user is for the login preview; choose the test user or a login.',
  });
}

/** Receives the sign-in for `prepared` by the first way that fits; see the module's remarks. */
async function openReceiver(
  prepared: PreparedVerification,
  interceptWindow: InterceptWindowStrategy | undefined,
): Promise<SignInReceiver> {
  const { redirectUri } = prepared.reading;
  const choice = chooseRedirectStrategy({
    appRedirectUris: [redirectUri],
    freePorts: await probeRedirectPorts([redirectUri]),
    // Never a temporary redirect URI: it would not be the files' value.
    canEditApp: false,
    interceptAvailable: interceptWindow !== undefined,
  });
  const callbackRace = createCallbackRace({
    redirectUri,
    cancelledMessage: 'The verification was cancelled.',
  });
  const listener =
    choice.kind === 'app-loopback' ? await listenForCallback({ redirectUri }) : undefined;
  const intercepted =
    choice.kind === 'intercept-window'
      ? interceptWindow?.interceptCallback(prepared.authorizeUrl, redirectUri, callbackRace.signal)
      : undefined;
  intercepted?.catch(() => undefined);
  const callback = callbackRace.first([listener?.callbackFor(prepared.state), intercepted]);
  callback.catch(() => undefined);
  return {
    kind: choice.kind,
    explanation:
      choice.kind === 'app-loopback'
        ? "The console listens on the files' own redirect URI while you sign in, so the sign-in uses exactly what the files say."
        : choice.explanation,
    callback,
    paste: (url) => {
      callbackRace.paste(url);
    },
    close: async () => {
      callbackRace.cancel();
      await listener?.close();
    },
  };
}

/** Runs verifications of `renderings`; see the module's remarks. */
export function createVerificationRuns(deps: {
  renderings: Pick<Renderings, 'outputOf'>;
  /** The org URL of the active org: whose keychain entries a deployed file's secret is under. */
  orgUrl: () => Promise<string>;
  secrets: Pick<SecretStore, 'get'>;
  /** Where verifications are recorded (`exports/verifications.jsonl`). */
  dataDir: string;
  interceptWindow?: InterceptWindowStrategy;
  /** Where a secret the files reference is looked up first, as the target would. */
  env: NodeJS.ProcessEnv;
  /** The scopes an issuer's server defines, unpublished ones too (see `prepareVerification`). */
  serverScopes?: (issuer: string) => Promise<readonly string[] | undefined>;
  now?: () => Date;
}) {
  const running = new Map<string, RunningVerification>();

  function runOf(verificationId: string): RunningVerification {
    const found = running.get(verificationId);
    if (found === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'That verification has ended.',
        hint: 'Start the verification again.',
      });
    }
    return found;
  }

  /** Ends everything the verification holds: the files' port, the sign-in window, the entry. */
  async function end(verificationId: string): Promise<void> {
    const found = running.get(verificationId);
    running.delete(verificationId);
    await found?.receiver.close();
  }

  /**
   * Reads `files` back as the target would, resolves their secret (the environment, then this
   * org's keychain entry for the client id they give), and opens the way the sign-in comes back.
   */
  async function begin(request: {
    exporter: Exporter;
    files: readonly ExportedFile[];
    orgUrl: string;
    login: string | null;
    recordedFiles: string[];
  }): Promise<StartedVerification> {
    const { exporter, orgUrl, login } = request;
    let prepared: PreparedVerification;
    try {
      prepared = await prepareVerification({
        exporter,
        files: request.files,
        secrets: environmentThenKeychain(
          deps.env,
          async (clientId) =>
            (await deps.secrets.get(clientSecretAccount(orgUrl, clientId))) ?? undefined,
          orgUrl,
        ),
        ...(deps.serverScopes === undefined ? {} : { serverScopes: deps.serverScopes }),
        ...(login === null ? {} : { loginHint: login }),
        orgUrl,
        ...(deps.now === undefined ? {} : { now: deps.now }),
      });
    } catch (error) {
      if (error instanceof VerificationStopped) {
        throw new AppError(
          {
            code: 'EXPORT_NOT_VERIFIED',
            message: `The ${exporter.title} files cannot be signed in with: ${error.message}`,
            hint: 'Fix what the check names, write the files again, and verify.',
          },
          { cause: error },
        );
      }
      throw error;
    }
    const passwordInKeychain =
      login !== null && (await deps.secrets.get(testUserPasswordAccount(orgUrl, login))) !== null;
    const receiver = await openReceiver(prepared, deps.interceptWindow);
    const verificationId = randomUUID();
    running.set(verificationId, { prepared, receiver, recordedFiles: request.recordedFiles });
    return {
      verificationId,
      authorizeUrl: prepared.authorizeUrl,
      strategy: {
        kind: receiver.kind,
        redirectUri: prepared.reading.redirectUri,
        explanation: receiver.explanation,
      },
      reading: readingView(prepared.reading),
      user: { login, passwordInKeychain },
    };
  }

  return {
    /**
     * Reads the files back as the target would and opens the way the sign-in comes back.
     * Files that cannot be signed in with are refused with `EXPORT_NOT_VERIFIED`, the
     * {@link VerificationStopped} with every check as the cause.
     */
    start: async (request: {
      renderId: string;
      target: ExportTargetId;
      user?: PreviewUser;
    }): Promise<StartedVerification> => {
      const { rendering, output, exporter } = deps.renderings.outputOf(
        request.renderId,
        request.target,
      );
      return begin({
        exporter,
        files: output.files,
        orgUrl: rendering.orgUrl,
        login: loginOf(request.user, rendering.document),
        recordedFiles: output.files.map((file) => file.name),
      });
    },

    /**
     * {@link start} for files the admin gives as they are deployed, rather than a rendering the
     * service keeps: the same reading, secret resolution, sign-in, checks and record, so a
     * deployed file is verified by exactly the path an exported one is.
     *
     * @remarks
     * The secret a file references resolves as for an export: the console's environment, then
     * the keychain entry of the active org for the client id the file gives. The record names
     * each file by where it is, when given.
     */
    startFiles: async (request: {
      target: ExportTargetId;
      files: readonly DeployedFile[];
      user?: PreviewUser;
    }): Promise<StartedVerification> => {
      const exporter = exporterFor(request.target);
      if (exporter === undefined) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `"${request.target}" is not an export target.`,
          hint: '`sso-console export --list-targets` lists them.',
        });
      }
      if (request.files.length === 0) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: 'No file was given to sign in with.',
          hint: 'Give the config file the target runs with.',
        });
      }
      const login = loginOf(request.user, undefined);
      return begin({
        exporter,
        files: request.files.map((file) => asExportedFile(file.name, file.content)),
        orgUrl: await deps.orgUrl(),
        login,
        recordedFiles: request.files.map((file) => file.path ?? file.name),
      });
    },

    /** Waits for the sign-in, checks the tokens, records the result, and ends the run. */
    wait: async (verificationId: string): Promise<VerificationResult> => {
      const run = runOf(verificationId);
      try {
        const callback = await run.receiver.callback;
        const result = await run.prepared.complete(callback);
        await recordVerification(deps.dataDir, result, run.recordedFiles);
        return result;
      } catch (error) {
        throw new AppError({
          code: 'EXPORT_NOT_VERIFIED',
          message: `The verification stopped: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'Start the verification again.',
        });
      } finally {
        await end(verificationId);
      }
    },

    /** The address the browser ended on, pasted by the admin. */
    paste: (verificationId: string, url: string): void => {
      try {
        runOf(verificationId).receiver.paste(url);
      } catch (error) {
        if (error instanceof AppError) {
          throw error;
        }
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: error instanceof Error ? error.message : String(error),
          hint: 'Paste the whole address the browser shows after signing in.',
        });
      }
    },

    cancel: end,

    /** Ends every verification still open (the console is closing). */
    stop: async (): Promise<void> => {
      await Promise.all([...running.keys()].map(end));
    },
  };
}
