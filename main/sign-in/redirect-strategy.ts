import { createServer } from 'node:net';
import path from 'node:path';

import type { REDIRECT_STRATEGY_KINDS } from '../../shared/preview/preview-schemas.ts';
import { type AppWriteLock, appWriteLocks, changeAppsAtOnce } from '../okta/app-write-lock.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';
import { TEMPORARY_CALLBACK_PATH } from './loopback-callback.ts';

/** How the redirect back from Okta reaches the console for one preview. */
export type RedirectStrategyKind = (typeof REDIRECT_STRATEGY_KINDS)[number];

/** One sentence per strategy, for the admin: what happens and what it changes. */
export const STRATEGY_EXPLANATIONS: Record<RedirectStrategyKind, string> = {
  'app-loopback':
    "The console listens on the app's own loopback redirect URI while you sign in, so nothing in Okta changes.",
  'temporary-loopback':
    'The console adds a temporary loopback redirect URI to the app for this preview and removes it right after, even if the console is closed in between.',
  'intercept-window':
    "The console opens the sign-in in its own window and reads the redirect back before it reaches the app's address.",
  'paste-url':
    "You sign in in your browser and paste the address it ends on back into the console; if the app is running, it may use the sign-in first, so stop it or expect a 'code already used' error.",
};

/** The choice, with the redirect URI to use (`undefined` when a listener picks the port). */
export interface RedirectStrategyChoice {
  kind: RedirectStrategyKind;
  redirectUri: string | undefined;
  explanation: string;
}

/** What the choice is made from; gathered by the caller, so the choice itself stays pure. */
export interface RedirectStrategyInput {
  /** The app's registered redirect URIs, in Okta's order. */
  appRedirectUris: readonly string[];
  /** For each loopback redirect URI of the app: whether its port is free now. */
  freePorts: ReadonlyMap<string, boolean>;
  /** Whether the console may change the app (its token can, and the admin allows it). */
  canEditApp: boolean;
  /** Whether an intercepting window exists (Electron only, `main/windows/intercept-window.ts`). */
  interceptAvailable: boolean;
}

/** Whether `uri` is an `http` loopback URI the console could listen on. */
export function isLoopbackRedirectUri(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Picks how the preview receives the redirect back, in the order that changes least: (a) the
 * app's own loopback URI whose port is free, (b) a temporary loopback URI added to the app,
 * (c) an intercepting window, (d) pasting the final URL.
 *
 * @remarks
 * Pure, so each branch is tested without ports or an org; {@link probeRedirectPorts} gathers
 * the ports. (a) first because it needs no change in Okta; (b) before (c) and (d) because it
 * works in the system browser (RFC 8252) without the admin copying anything.
 */
export function chooseRedirectStrategy(input: RedirectStrategyInput): RedirectStrategyChoice {
  const own = input.appRedirectUris.find(
    (uri) => isLoopbackRedirectUri(uri) && input.freePorts.get(uri) === true,
  );
  const choose = (kind: RedirectStrategyKind, redirectUri?: string): RedirectStrategyChoice => ({
    kind,
    redirectUri,
    explanation: STRATEGY_EXPLANATIONS[kind],
  });
  if (own !== undefined) {
    return choose('app-loopback', own);
  }
  if (input.canEditApp) {
    return choose('temporary-loopback');
  }
  if (input.interceptAvailable) {
    return choose('intercept-window', input.appRedirectUris[0]);
  }
  return choose('paste-url', input.appRedirectUris[0]);
}

/** The temporary redirect URI on `port` (0 until a listener has one). */
export function temporaryRedirectUri(port: number): string {
  return `http://127.0.0.1:${String(port)}${TEMPORARY_CALLBACK_PATH}`;
}

/** Whether nothing listens on `host:port` right now (it may change before the listener starts). */
export async function isPortFree(host: string, port: number): Promise<boolean> {
  const server = createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Probes the port of each loopback redirect URI among `uris`. */
export async function probeRedirectPorts(
  uris: readonly string[],
  probe: (host: string, port: number) => Promise<boolean> = isPortFree,
): Promise<Map<string, boolean>> {
  const result = new Map<string, boolean>();
  for (const uri of uris.filter(isLoopbackRedirectUri)) {
    const url = new URL(uri);
    const host = url.hostname === '[::1]' ? '::1' : url.hostname;
    result.set(uri, await probe(host, Number(url.port === '' ? 80 : url.port)));
  }
  return result;
}

/**
 * Strategy (c): a console window loads the authorize URL and catches the navigation to the
 * redirect URI. Implemented on Electron by `main/windows/intercept-window.ts` (its own in-memory
 * partition, no preload, the sandbox: security.md O10's terms for a test-only view). The preview
 * chooses it when the admin will not let the console change the app and no own loopback URI is
 * free; an export's verification, which never changes the app, whenever the files' redirect URI
 * is not a free loopback address.
 */
export interface InterceptWindowStrategy {
  /**
   * Opens `authorizeUrl` and resolves with the first navigation to `redirectUri`'s path; `signal`
   * closes the window when the sign-in came back another way (a pasted address, a cancel, a
   * timeout), so no sign-in page is left open with its navigation allowed.
   */
  interceptCallback(authorizeUrl: string, redirectUri: string, signal?: AbortSignal): Promise<URL>;
}

/** Why a pasted URL cannot be the callback; keyed on by the UI. */
export type PastedCallbackErrorCode =
  'NOT_A_URL' | 'WRONG_REDIRECT_URI' | 'NO_PARAMETERS' | 'FRAGMENT_RESPONSE';

/** A pasted URL that is not the redirect back, with a code and a sentence for the admin. */
export class PastedCallbackError extends Error {
  readonly code: PastedCallbackErrorCode;

  constructor(code: PastedCallbackErrorCode, message: string) {
    super(message);
    this.name = 'PastedCallbackError';
    this.code = code;
  }
}

/**
 * Strategy (d): the address the browser ended on, pasted back by the admin, as the callback.
 *
 * @remarks
 * It must be the expected redirect URI (scheme, host, port and path; the query is the answer),
 * with `code` or `error` in the query — the preview asks for the query response mode, so a
 * fragment answer means something else sent the browser there. The message says what was pasted
 * only by its origin and path, since the query holds the code.
 */
export function parsePastedCallback(pasted: string, expectedRedirectUri: string): URL {
  let url: URL;
  try {
    url = new URL(pasted.trim());
  } catch {
    throw new PastedCallbackError(
      'NOT_A_URL',
      "That is not a web address. Copy the whole address from the browser's address bar after signing in.",
    );
  }
  const expected = new URL(expectedRedirectUri);
  if (url.origin !== expected.origin || url.pathname !== expected.pathname) {
    throw new PastedCallbackError(
      'WRONG_REDIRECT_URI',
      `The address is ${url.origin}${url.pathname}, but the sign-in returns to ${expected.origin}${expected.pathname}. Paste the address the browser shows after signing in.`,
    );
  }
  const query = url.searchParams;
  if (query.has('code') || query.has('error')) {
    return url;
  }
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (fragment.has('code') || fragment.has('error') || fragment.has('id_token')) {
    throw new PastedCallbackError(
      'FRAGMENT_RESPONSE',
      'The answer is in the part after #, which the console never asks for; start the sign-in again from the console.',
    );
  }
  throw new PastedCallbackError(
    'NO_PARAMETERS',
    'The address has no sign-in result (no code or error). Make sure the sign-in finished and copy the whole address, including everything after the ?.',
  );
}

/** One line of the temporary-redirect journal. */
export interface TemporaryRedirectEntry {
  kind: 'temporary-redirect';
  /** `adding` is written before the change; `removed` once the URI is gone again. */
  phase: 'adding' | 'removed';
  appId: string;
  uri: string;
  at: string;
}

/** Where temporary redirect URIs are announced before they are added, and crossed off. */
export interface TemporaryRedirectJournal {
  append(entry: TemporaryRedirectEntry): Promise<void>;
  read(): Promise<TemporaryRedirectEntry[]>;
  /**
   * Each change of an app's redirect URIs is one read-and-replace of the app, run under its data
   * folder's app-write lock, so it never puts back redirect URIs an apply of the same app has
   * just replaced (see {@link AppWriteLock}). Without one, each change runs at once.
   */
  appWrites?: AppWriteLock;
}

/**
 * The journal in a file, one JSON line per entry, fsynced like the apply journal
 * (main/setup/file-journal.ts) — the entry must survive the crash it is there for — with the
 * app-write lock of the folder it is in.
 */
export function createFileRedirectJournal(file: string): TemporaryRedirectJournal {
  return {
    ...createJsonLinesJournal<TemporaryRedirectEntry>(file),
    appWrites: appWriteLocks(path.dirname(file)),
  };
}

interface OAuthClientApp {
  settings?: { oauthClient?: { redirect_uris?: string[] } };
}

/**
 * Replaces the app's redirect URIs through `replaceApplication`, keeping everything else;
 * answers whether it wrote (not when the app already reads as `change` wants).
 */
async function changeRedirectUris(
  client: OktaClient,
  journal: TemporaryRedirectJournal,
  appId: string,
  change: (uris: string[]) => string[],
): Promise<boolean> {
  const appWrites = journal.appWrites ?? changeAppsAtOnce;
  return appWrites(appId, () => readAndReplaceRedirectUris(client, appId, change));
}

/** {@link changeRedirectUris}'s read and replace, which its lock keeps together. */
async function readAndReplaceRedirectUris(
  client: OktaClient,
  appId: string,
  change: (uris: string[]) => string[],
): Promise<boolean> {
  const app = await client.applicationApi.getApplication({ appId });
  const settings = (app as OAuthClientApp).settings;
  const current = settings?.oauthClient?.redirect_uris ?? [];
  const next = change(current);
  if (next.length === current.length && next.every((uri, index) => uri === current[index])) {
    return false;
  }
  if (settings?.oauthClient === undefined) {
    throw new Error(`The app ${appId} is not an OIDC app.`);
  }
  settings.oauthClient.redirect_uris = next;
  await client.applicationApi.replaceApplication({ appId, application: app });
  return true;
}

/**
 * Strategy (b): adds `uri` to the app's redirect URIs, after announcing it in the journal.
 *
 * @remarks
 * The journal entry comes first: if the console dies between the change and its undo, the next
 * run's {@link cleanUpTemporaryRedirects} finds the entry and removes the URI, so a loopback
 * redirect never stays on an app by accident.
 */
export async function addTemporaryRedirect(
  client: OktaClient,
  journal: TemporaryRedirectJournal,
  target: { appId: string; uri: string },
  clock: () => Date = () => new Date(),
): Promise<void> {
  await journal.append({
    kind: 'temporary-redirect',
    phase: 'adding',
    ...target,
    at: clock().toISOString(),
  });
  await changeRedirectUris(client, journal, target.appId, (uris) =>
    uris.includes(target.uri) ? uris : [...uris, target.uri],
  );
}

/** Removes a temporary redirect URI again and crosses it off in the journal. */
export async function removeTemporaryRedirect(
  client: OktaClient,
  journal: TemporaryRedirectJournal,
  target: { appId: string; uri: string },
  clock: () => Date = () => new Date(),
): Promise<void> {
  await changeRedirectUris(client, journal, target.appId, (uris) =>
    uris.filter((uri) => uri !== target.uri),
  );
  await journal.append({
    kind: 'temporary-redirect',
    phase: 'removed',
    ...target,
    at: clock().toISOString(),
  });
}

/**
 * Takes back a temporary redirect URI whose add failed without an answer (a 5xx after the commit,
 * a lost connection): removed at once if the app shows it, and crossed off only then.
 *
 * @remarks
 * A replica may not show the add yet, or the add may still be committed after this read; the
 * journal entry then stays open, and the next preview's {@link cleanUpTemporaryRedirects}
 * reads the app again, so a loopback redirect never stays on an app by accident.
 */
export async function withdrawTemporaryRedirect(
  client: OktaClient,
  journal: TemporaryRedirectJournal,
  target: { appId: string; uri: string },
  clock: () => Date = () => new Date(),
): Promise<void> {
  const removed = await changeRedirectUris(client, journal, target.appId, (uris) =>
    uris.filter((uri) => uri !== target.uri),
  );
  if (removed) {
    await journal.append({
      kind: 'temporary-redirect',
      phase: 'removed',
      ...target,
      at: clock().toISOString(),
    });
  }
}

/**
 * Removes every temporary redirect URI the journal announced and never crossed off — left by a
 * preview that crashed. Run it before each preview; returns what it removed.
 */
export async function cleanUpTemporaryRedirects(
  client: OktaClient,
  journal: TemporaryRedirectJournal,
  clock: () => Date = () => new Date(),
): Promise<{ appId: string; uri: string }[]> {
  const open = new Map<string, { appId: string; uri: string }>();
  for (const entry of await journal.read()) {
    const key = `${entry.appId} ${entry.uri}`;
    if (entry.phase === 'adding') {
      open.set(key, { appId: entry.appId, uri: entry.uri });
    } else {
      open.delete(key);
    }
  }
  const removed: { appId: string; uri: string }[] = [];
  for (const target of open.values()) {
    try {
      await removeTemporaryRedirect(client, journal, target, clock);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) {
        throw error;
      }
      // The app is gone, and its redirect URI with it.
      await journal.append({
        kind: 'temporary-redirect',
        phase: 'removed',
        ...target,
        at: clock().toISOString(),
      });
    }
    removed.push(target);
  }
  return removed;
}
