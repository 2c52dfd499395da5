import path from 'node:path';

import type { RedirectStrategy } from '../../shared/ipc/contract.ts';
import type { PreviewReport, TimelineEntry } from '../../shared/preview/preview-schemas.ts';
import { isAppChangeRefused } from '../okta/app-write-lock.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';
import { createCallbackRace } from '../sign-in/callback-race.ts';
import {
  type CallbackListener,
  CallbackListenerError,
  listenForCallback,
} from '../sign-in/loopback-callback.ts';
import {
  addTemporaryRedirect,
  chooseRedirectStrategy,
  cleanUpTemporaryRedirects,
  createFileRedirectJournal,
  type InterceptWindowStrategy,
  probeRedirectPorts,
  type RedirectStrategyChoice,
  removeTemporaryRedirect,
  temporaryRedirectUri,
  withdrawTemporaryRedirect,
} from '../sign-in/redirect-strategy.ts';
import { adviseAfterSuccess, diagnose, type DiagnosisContext } from './diagnosis/diagnose.ts';
import { gatherOrgFacts, readTrustedOrigin, readUserStatus } from './diagnosis/org-facts.ts';
import { type PreviewResult, runPreview } from './preview-flow.ts';
import type { TokenEndpointAuthMethod } from './sign-in-session.ts';
import {
  cleanUpThrowawayUsers,
  removeThrowawayUser,
  type ThrowawayJournalEntry,
} from './throwaway-user.ts';

/** The admin's whole budget for signing in, in the system browser, before the preview gives up. */
export const PREVIEW_TIMEOUT_MS = 5 * 60_000;

/** The preview's journals in a folder: temporary redirect URIs and throwaway users. */
export function previewJournals(journalDir: string) {
  return {
    redirects: createFileRedirectJournal(path.join(journalDir, 'preview-redirects.jsonl')),
    throwaways: createJsonLinesJournal<ThrowawayJournalEntry>(
      path.join(journalDir, 'preview-users.jsonl'),
    ),
  };
}

/** The journals; see {@link previewJournals}. */
export type PreviewJournals = ReturnType<typeof previewJournals>;

/**
 * Removes what earlier previews added to the org and did not take back (the console died, the
 * machine slept): temporary redirect URIs and throwaway users. Says what it removed.
 */
export async function cleanUpEarlierPreviews(
  client: OktaClient,
  journals: PreviewJournals,
): Promise<string[]> {
  const lines: string[] = [];
  for (const left of await cleanUpTemporaryRedirects(client, journals.redirects)) {
    lines.push(`Removed the temporary redirect URI ${left.uri} an earlier preview left.`);
  }
  for (const login of await cleanUpThrowawayUsers(
    { client, journal: journals.throwaways },
    await journals.throwaways.read(),
  )) {
    lines.push(`Deleted the throwaway user ${login} an earlier preview left.`);
  }
  return lines;
}

/**
 * The statuses Okta lets sign in: ACTIVE, and a user whose password expired or who is in
 * recovery, whom Okta takes through a password change at sign-in (the diagnosis still explains
 * them if the sign-in then fails).
 */
const SIGNS_IN: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);

/** One preview in progress. */
export interface PreviewRun {
  /** Where to sign in; `null` when the flow stopped before the sign-in (see the report). */
  authorizeUrl: string | null;
  /** How the sign-in comes back, as the contract shows it. */
  strategy: RedirectStrategy;
  /** The report, after the flow and the cleanup. */
  report: Promise<PreviewReport>;
  /** The final redirected URL, pasted by the admin; throws `PastedCallbackError` if wrong. */
  paste(url: string): void;
  /** Stops the run; its report rejects with `reason`, or with "The preview was cancelled." */
  cancel(reason?: Error): void;
}

/**
 * Starts one login preview of an app, with everything around the flow: how the sign-in comes
 * back, the diagnosis of a failure, and taking back what was added for it.
 *
 * @remarks
 * Shared by the wizard's service and `sso-console preview`. The redirect strategy comes from
 * `redirect-strategy.ts`: the app's own loopback URI when its port is free, otherwise a temporary
 * loopback URI journaled before it is added and removed when the run ends — a pasted URL is
 * accepted in every case. Answers once the authorize URL is known (or the flow stopped before).
 */
export async function startPreviewRun(options: {
  client: OktaClient;
  journals: PreviewJournals;
  app: {
    id: string;
    clientId: string;
    redirectUris: readonly string[];
    tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  };
  issuer: string;
  authServerId: string | null;
  /** Main only; never in the report. */
  clientSecret?: string;
  scopes: string[];
  expectGroupsClaim?: string;
  /** Who signs in, for the diagnosis (assignment) — `null` when unknown. */
  login: string | null;
  /**
   * A browser app's origin: the preview is not a browser and never meets CORS, so the
   * diagnosis checks the trusted origin the app will need from the org's facts instead.
   */
  browserOrigin?: string;
  /** A throwaway user made for this run, deleted when it ends (`onRemoved` e.g. clears its password). */
  throwaway?: { userId: string; login: string; onRemoved?: () => Promise<unknown> };
  diagnosisContext: DiagnosisContext;
  /** Lines already said about cleaning up (e.g. earlier previews'). */
  cleanUp?: string[];
  onEntry?: (entry: TimelineEntry) => void;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /**
   * Whether the console may add a temporary redirect URI to the app (default true); an admin
   * who may not change the app says no, and the sign-in comes back through {@link intercept} or a
   * pasted URL instead.
   */
  allowAppChange?: boolean;
  /** Electron only: the sign-in window that catches the redirect (strategy (c)). */
  intercept?: InterceptWindowStrategy;
  /** Whether a port is free (default: try to listen on it); a test may answer for a race. */
  probePort?: (host: string, port: number) => Promise<boolean>;
}): Promise<PreviewRun> {
  const { client, journals, app } = options;
  const fetchImpl = options.fetch ?? fetch;
  const cleanUp = [...(options.cleanUp ?? [])];
  // Closes the sign-in window however the run ends (a paste, a cancel, a timeout).
  const closeWindow = new AbortController();
  // Made ready beside the discovery: the flow needs the redirect URI only once discovery has
  // answered, and a temporary URI's write to the app is a round trip of its own.
  const ready = prepareRedirect(options).then((prepared) =>
    wireCallback(prepared, options.intercept, closeWindow.signal),
  );
  ready.catch(() => undefined);

  let announce: ((url: string | null) => void) | undefined;
  const announced = new Promise<string | null>((resolve) => {
    announce = resolve;
  });

  async function finish(): Promise<PreviewReport> {
    let result: PreviewResult;
    try {
      // A user Okta will not let in (suspended, locked out, not activated, deactivated) would
      // only meet "Unable to sign in" and a preview that times out: say so before the sign-in.
      // Read once discovery answered, and awaited just before the browser opens.
      const login = options.login;
      result = await runPreview(
        {
          beforeBrowser: async () => {
            const found =
              login === null || options.throwaway !== undefined
                ? null
                : await readUserStatus(client, login);
            return found === null || SIGNS_IN.has(found)
              ? undefined
              : {
                  stage: 'user-status',
                  status: found,
                  detail: `${login ?? ''} is ${found} in the org.`,
                };
          },
          fetch: fetchImpl,
          now: () => Date.now(),
          // The caller opens it: the page's link (Electron sends it to the system browser), or
          // the command line's opener.
          openBrowser: async (url) => {
            (await ready).startIntercept?.(url);
            announce?.(url);
          },
          receiveCallback: async (expectedState) => {
            const { prepared, callbackRace, intercepted } = await ready;
            return callbackRace.first([prepared.listener?.callbackFor(expectedState), intercepted]);
          },
          ...(options.onEntry === undefined ? {} : { onEntry: options.onEntry }),
        },
        {
          issuer: options.issuer,
          clientId: app.clientId,
          ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
          tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
          redirectUri: ready.then(({ prepared }) => prepared.redirectUri),
          scopes: options.scopes,
          // The sign-in page opens with the login filled in: one field fewer to type.
          ...(options.login === null ? {} : { loginHint: options.login }),
          ...(options.expectGroupsClaim === undefined
            ? {}
            : { expectGroupsClaim: options.expectGroupsClaim }),
          timeoutMs: options.timeoutMs ?? PREVIEW_TIMEOUT_MS,
        },
      );
    } finally {
      announce?.(null);
      closeWindow.abort();
      await (await ready.catch(() => undefined))?.prepared.listener?.close();
    }
    // The flow waited for it, so it is ready here.
    const { redirectUri } = (await ready).prepared;
    // The tokens were only for looking at: revoke them and forget them (RFC 9700 §4.3).
    await result.session?.revoke().catch(() => undefined);
    result.session?.end();

    let diagnosis: PreviewReport['diagnosis'] = [];
    if (result.failure !== undefined) {
      const facts = await gatherOrgFacts(client, {
        appId: app.id,
        ...(options.login === null ? {} : { userLogin: options.login }),
        authServerId: options.authServerId,
        requestedScopes: options.scopes,
        redirectUri,
        ...(options.browserOrigin === undefined ? {} : { origin: options.browserOrigin }),
        fetch: fetchImpl,
      });
      diagnosis = diagnose(result.failure, facts, {
        configuredIssuer: options.issuer,
        clientAuthentication: app.tokenEndpointAuthMethod,
        ...options.diagnosisContext,
      });
    } else if (options.browserOrigin !== undefined) {
      diagnosis = adviseAfterSuccess(await readTrustedOrigin(client, options.browserOrigin));
    }
    return {
      ok: result.ok,
      issuer: options.issuer,
      clientId: app.clientId,
      redirectUri,
      timeline: result.timeline,
      ...(result.idToken === undefined ? {} : { idTokenDecoded: result.idToken }),
      ...(result.accessToken === undefined ? {} : { accessTokenView: result.accessToken }),
      ...(result.userinfo === undefined ? {} : { userinfo: result.userinfo }),
      diagnosis,
      cleanUp,
    };
  }

  /** Takes back what this run added, whatever happened in the flow. */
  async function takeBack(): Promise<void> {
    // A preparation that failed added nothing the journal does not hold.
    const temporary = (await ready.catch(() => undefined))?.prepared.temporary;
    if (temporary !== undefined) {
      try {
        await removeTemporaryRedirect(client, journals.redirects, temporary);
        cleanUp.push(`Removed the temporary redirect URI ${temporary.uri} from the app.`);
      } catch (error) {
        if (!isAppChangeRefused(error)) {
          throw error;
        }
        // An apply of the app held it for longer than a change waits: the preview's own
        // outcome stands, and the journal still holds the URI for the next preview to remove.
        cleanUp.push(
          `The temporary redirect URI ${temporary.uri} is still on the app: ${error.message} The next preview removes it.`,
        );
      }
    }
    const throwaway = options.throwaway;
    if (throwaway !== undefined) {
      await removeThrowawayUser(
        { client, journal: journals.throwaways },
        { userId: throwaway.userId, login: throwaway.login, appId: app.id },
      );
      await throwaway.onRemoved?.();
      cleanUp.push(`Deactivated and deleted the throwaway user ${throwaway.login}.`);
    }
  }

  const report = (async () => {
    try {
      return await finish();
    } finally {
      await takeBack();
    }
  })();
  report.catch(() => undefined);

  const authorizeUrl = await announced;
  // A preparation that failed fails the start, as it did before the flow began, once what the
  // run added (a throwaway user) is taken back.
  const { prepared, callbackRace } = await ready.catch(async (error: unknown) => {
    await report.catch(() => undefined);
    throw error;
  });
  const { choice, redirectUri } = prepared;
  return {
    authorizeUrl,
    strategy: { kind: choice.kind, redirectUri, explanation: choice.explanation },
    report,
    paste(url) {
      callbackRace.paste(url);
    },
    cancel(reason) {
      callbackRace.cancel(reason);
    },
  };
}

/** How one run's sign-in comes back, made ready: the listener up, a temporary URI added. */
interface PreparedRedirect {
  choice: RedirectStrategyChoice;
  listener: CallbackListener | undefined;
  redirectUri: string;
  /** The temporary redirect URI added to the app for this run, journaled; taken back at its end. */
  temporary: { appId: string; uri: string } | undefined;
}

/**
 * Chooses the redirect strategy and makes it ready. The app's own port may be taken between the
 * probe and the listen (another process, a second preview): then it counts as busy, and the next
 * strategy is chosen.
 */
async function prepareRedirect(options: {
  client: OktaClient;
  journals: PreviewJournals;
  app: { id: string; redirectUris: readonly string[] };
  allowAppChange?: boolean;
  intercept?: InterceptWindowStrategy;
  probePort?: (host: string, port: number) => Promise<boolean>;
}): Promise<PreparedRedirect> {
  const { app } = options;
  const freePorts = await probeRedirectPorts(app.redirectUris, options.probePort);
  const choose = () =>
    chooseRedirectStrategy({
      appRedirectUris: app.redirectUris,
      freePorts,
      canEditApp: options.allowAppChange ?? true,
      interceptAvailable: options.intercept !== undefined,
    });
  let choice = choose();
  let listener: CallbackListener | undefined;
  while (choice.kind === 'app-loopback' && listener === undefined) {
    try {
      listener = await listenForCallback({ redirectUri: choice.redirectUri ?? '' });
    } catch (error) {
      if (!(error instanceof CallbackListenerError) || error.code !== 'PORT_IN_USE') {
        throw error;
      }
      freePorts.set(choice.redirectUri ?? '', false);
      choice = choose();
    }
  }
  if (choice.kind !== 'temporary-loopback') {
    return {
      choice,
      listener,
      redirectUri: choice.redirectUri ?? app.redirectUris[0] ?? '',
      temporary: undefined,
    };
  }
  const temporaryListener = await listenForCallback({ redirectUri: temporaryRedirectUri(0) });
  const temporary = { appId: app.id, uri: temporaryListener.redirectUri };
  try {
    await addTemporaryRedirect(options.client, options.journals.redirects, temporary);
  } catch (error) {
    // The write may have been made with its answer lost (a 5xx after the commit, a dropped
    // connection): take it back now if the app shows it. Otherwise, or if that fails too, the
    // journal's open entry leaves it to the next preview's cleanup. An add that never had the
    // app (another change held it) wrote nothing, and its withdrawal would only wait again.
    if (!isAppChangeRefused(error)) {
      await withdrawTemporaryRedirect(options.client, options.journals.redirects, temporary).catch(
        () => undefined,
      );
    }
    await temporaryListener.close();
    throw error;
  }
  return { choice, listener: temporaryListener, redirectUri: temporary.uri, temporary };
}

/** The ways a prepared run's callback can arrive, and its wait, which a paste or cancel ends. */
function wireCallback(
  prepared: PreparedRedirect,
  intercept: InterceptWindowStrategy | undefined,
  closeWindow: AbortSignal,
) {
  const callbackRace = createCallbackRace({
    redirectUri: prepared.redirectUri,
    cancelledMessage: 'The preview was cancelled.',
  });
  // Strategy (c): the window opens with the authorize URL, so its answer is wired up front.
  let intercepted: Promise<URL> | undefined;
  let startIntercept: ((authorizeUrl: string) => void) | undefined;
  if (prepared.choice.kind === 'intercept-window' && intercept !== undefined) {
    intercepted = new Promise<URL>((resolve, reject) => {
      startIntercept = (authorizeUrl) => {
        intercept
          .interceptCallback(authorizeUrl, prepared.redirectUri, closeWindow)
          .then(resolve, reject);
      };
    });
    intercepted.catch(() => undefined);
  }
  return { prepared, callbackRace, intercepted, startIntercept };
}
