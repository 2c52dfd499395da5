import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId, VerificationResult } from '../../shared/export/export-targets.ts';
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
import type { Renderings } from './renderings.ts';
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
}

/** What a started verification tells the admin: where to sign in, as whom, how it comes back. */
export type StartedVerification = ChannelResponse<'export:verify-start'>;

/**
 * Who signs in, said before anything else: a wrong choice is cheaper to say than a discovery
 * round trip. No user (the command line without `--user`) is whoever signs in.
 */
function loginOf(user: PreviewUser | undefined, document: SetupDocument): string | null {
  if (user === undefined) {
    return null;
  }
  if (user.kind === 'existing') {
    return user.login;
  }
  if (user.kind === 'test-user') {
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
  secrets: Pick<SecretStore, 'get'>;
  /** Where verifications are recorded (`exports/verifications.jsonl`). */
  dataDir: string;
  interceptWindow?: InterceptWindowStrategy;
  /** Where a secret the files reference is looked up first, as the target would. */
  env: NodeJS.ProcessEnv;
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
      const login = loginOf(request.user, rendering.document);
      let prepared: PreparedVerification;
      try {
        prepared = await prepareVerification({
          exporter,
          files: output.files,
          secrets: environmentThenKeychain(
            deps.env,
            async (clientId) =>
              (await deps.secrets.get(clientSecretAccount(rendering.orgUrl, clientId))) ??
              undefined,
          ),
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
        login !== null &&
        (await deps.secrets.get(testUserPasswordAccount(rendering.orgUrl, login))) !== null;
      const receiver = await openReceiver(prepared, deps.interceptWindow);
      const verificationId = randomUUID();
      running.set(verificationId, { prepared, receiver });
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
    },

    /** Waits for the sign-in, checks the tokens, records the result, and ends the run. */
    wait: async (verificationId: string): Promise<VerificationResult> => {
      const run = runOf(verificationId);
      try {
        const callback = await run.receiver.callback;
        const result = await run.prepared.complete(callback);
        await recordVerification(deps.dataDir, result, run.prepared.fileNames);
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
