import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
import type {
  PreviewReport,
  PreviewUser,
  TimelineEntry,
} from '../../shared/preview/preview-schemas.ts';
import { PRESETS } from '../../shared/setup/presets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { readAppliedSetup, SetupNotAppliedError } from '../okta/applied-setup.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { type InterceptWindowStrategy, PastedCallbackError } from '../sign-in/redirect-strategy.ts';
import { applyFixToDocument, FixNotApplicableError } from './diagnosis/one-click-fix.ts';
import {
  cleanUpEarlierPreviews,
  previewJournals,
  type PreviewRun,
  startPreviewRun,
} from './preview-run.ts';
import type { OneClickFix } from './preview-types.ts';
import { createThrowawayUser } from './throwaway-user.ts';

/** What `start` answers: where to sign in, how the sign-in comes back, and as whom. */
export type PreviewStarted = ChannelResponse<'preview:start'>;

function scopesFor(document: SetupDocument): string[] {
  return document.issuer.kind === 'custom'
    ? document.issuer.scopes
    : ['openid', 'profile', 'email'];
}

/**
 * Runs the login preview for the wizard against the active org: the app's real settings, the
 * sign-in in the system browser, and a report with the timeline, the verified claims and a
 * diagnosis for any failure.
 *
 * @remarks
 * The flow (`main/preview/preview-flow.ts`) does the OAuth work; this service picks the org, the
 * app (the document's), the client secret and the test user's password (keychain, main only),
 * the way the sign-in comes back (the app's own loopback URI, a temporary one, or a pasted URL),
 * and cleans up after itself: a temporary redirect URI and a throwaway user are journaled before
 * they are made, removed when the preview ends, and removed at the next preview if the console
 * died first. `start` answers once the sign-in can begin; `wait` answers with the report.
 */
export function createPreviewService(deps: {
  /** The org the service acts on: the connected profile's in the console, the flags' on the CLI. */
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'get' | 'set' | 'delete'>;
  dataDir: string;
  emitProgress: (event: { operationId: string; entry: TimelineEntry }) => void;
  fetch?: typeof fetch;
  /** Electron only: the sign-in window that catches a redirect to the app's own address. */
  interceptWindow?: InterceptWindowStrategy;
}) {
  const { activeOrg } = deps;
  const running = new Map<string, PreviewRun>();
  const journalDir = path.join(deps.dataDir, 'journals');
  const journals = previewJournals(journalDir);

  async function start(request: {
    document: SetupDocument;
    user: PreviewUser;
    operationId: string;
    allowAppChange?: boolean;
  }): Promise<PreviewStarted> {
    const { document, operationId } = request;
    const org = await activeOrg();
    const { client, orgUrl } = org;
    const cleanUp: string[] = [];
    try {
      // Whatever an earlier preview left behind goes first.
      cleanUp.push(...(await cleanUpEarlierPreviews(client, journals)));

      let reading: Awaited<ReturnType<typeof readAppliedSetup>>;
      try {
        reading = await readAppliedSetup(client, orgUrl, document);
      } catch (error) {
        if (error instanceof SetupNotAppliedError) {
          throw new AppError({
            code: 'SETUP_BLOCKED',
            message: `${error.message}, so there is nothing to sign in to.`,
            hint: 'Apply the setup first (Review and apply), then preview the login.',
          });
        }
        throw error;
      }
      const { snapshot } = reading;
      const { appId, clientId, authServerId, issuer } = reading.applied;
      const method = document.app.tokenEndpointAuthMethod;
      let clientSecret: string | undefined;
      if (method !== 'none') {
        clientSecret = (await deps.secrets.get(clientSecretAccount(orgUrl, clientId))) ?? undefined;
        if (clientSecret === undefined) {
          throw new AppError({
            code: 'SECRET_NOT_FOUND',
            message: `The console has no client secret for ${document.app.label} (${clientId}) in the keychain: it keeps only the secrets of apps it created on this computer.`,
            hint: 'Generate a new secret for the app in the Okta Admin Console, or choose a public client (PKCE, no secret) for the preview.',
          });
        }
      }

      // Who signs in.
      let login: string | null = null;
      let passwordInKeychain = false;
      let throwaway: { userId: string; login: string } | undefined;
      if (request.user.kind === 'test-user') {
        login = document.assignments.testUser?.email ?? null;
        if (login === null) {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: 'This setup has no test user to sign in with.',
            hint: 'Choose a throwaway user, or someone who already exists.',
          });
        }
        passwordInKeychain =
          (await deps.secrets.get(testUserPasswordAccount(orgUrl, login))) !== null;
      } else if (request.user.kind === 'throwaway') {
        const user = await createThrowawayUser({ client, journal: journals.throwaways }, { appId });
        await deps.secrets.set(testUserPasswordAccount(orgUrl, user.login), user.password);
        throwaway = { userId: user.userId, login: user.login };
        login = user.login;
        passwordInKeychain = true;
      } else {
        login = request.user.login;
      }

      const { callback } = PRESETS[document.target.preset].uris(
        document.target.baseUrl,
        document.target.clientKey,
      );
      const run = await startPreviewRun({
        client,
        journals,
        app: {
          id: appId,
          clientId,
          redirectUris: snapshot.app.fields.redirectUris,
          tokenEndpointAuthMethod: method,
        },
        issuer,
        authServerId,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        scopes: scopesFor(document),
        ...(document.issuer.groupsClaim === undefined
          ? {}
          : { expectGroupsClaim: document.issuer.groupsClaim.name }),
        login,
        ...(document.app.applicationType === 'browser' && URL.canParse(document.target.baseUrl)
          ? { browserOrigin: new URL(document.target.baseUrl).origin }
          : {}),
        ...(throwaway === undefined
          ? {}
          : {
              throwaway: {
                ...throwaway,
                onRemoved: () =>
                  deps.secrets.delete(testUserPasswordAccount(orgUrl, throwaway.login)),
              },
            }),
        diagnosisContext: { document, expectedCallback: callback },
        cleanUp,
        onEntry: (entry) => {
          deps.emitProgress({ operationId, entry });
        },
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        allowAppChange: request.allowAppChange ?? true,
        ...(deps.interceptWindow === undefined ? {} : { intercept: deps.interceptWindow }),
      });

      const previewId = randomUUID();
      running.set(previewId, run);
      return {
        previewId,
        authorizeUrl: run.authorizeUrl,
        strategy: run.strategy,
        user: { login, passwordInKeychain },
      };
    } catch (error) {
      if (error instanceof AppError) {
        throw error;
      }
      throw toOktaAppError(error, {
        orgUrl,
        token: org.token,
        action: 'starting the login preview',
      });
    }
  }

  function find(previewId: string): PreviewRun {
    const preview = running.get(previewId);
    if (preview === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'That preview is not running any more.',
        hint: 'Start the preview again.',
      });
    }
    return preview;
  }

  return {
    start,

    async wait(previewId: string): Promise<PreviewReport> {
      const preview = find(previewId);
      try {
        return await preview.report;
      } catch (error) {
        throw error instanceof AppError
          ? error
          : new AppError({
              code: 'INTERNAL',
              message: `The preview stopped: ${error instanceof Error ? error.message : String(error)}`,
              hint: 'Start the preview again; anything it added to the org is removed at the next start.',
            });
      } finally {
        running.delete(previewId);
      }
    },

    pasteCallback(previewId: string, url: string): void {
      const preview = find(previewId);
      try {
        preview.paste(url);
      } catch (error) {
        if (error instanceof PastedCallbackError) {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: error.message,
            hint: `Copy the whole address from the browser's address bar after signing in; it starts with ${preview.strategy.redirectUri}.`,
            field: 'preview.pasted',
          });
        }
        throw error;
      }
    },

    cancel(previewId: string): void {
      running.get(previewId)?.cancel();
    },

    fix(document: SetupDocument, fix: OneClickFix): { document: SetupDocument; summary: string } {
      try {
        const fixed = applyFixToDocument(fix, document);
        return { document: fixed, summary: `Changed the setup: ${fix.kind.replaceAll('-', ' ')}.` };
      } catch (error) {
        if (error instanceof FixNotApplicableError) {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: error.message,
            hint: 'Make the change in the Okta Admin Console as the diagnosis says.',
          });
        }
        throw error;
      }
    },
  };
}

/** The preview service; see {@link createPreviewService}. */
export type PreviewService = ReturnType<typeof createPreviewService>;
