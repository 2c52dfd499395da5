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
import { withoutTrailingSlashes } from '../../shared/text.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { readAppliedSetup, SetupNotAppliedError } from '../okta/applied-setup.ts';
import { requireGrantedScopes } from '../okta/least-privilege.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { type InterceptWindowStrategy, PastedCallbackError } from '../sign-in/redirect-strategy.ts';
import { applyFixToDocument, FixNotApplicableError } from './diagnosis/one-click-fix.ts';
import { findApp, previewAppOf } from './preview-app.ts';
import { previewHoldFor } from './preview-hold.ts';
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

/**
 * What the preview asks for: a custom server's scopes, or the org server's standard ones plus
 * `groups` when the setup sets the app's groups claim, which Okta releases only for that scope.
 */
function scopesFor(document: SetupDocument): string[] {
  if (document.issuer.kind === 'custom') {
    return document.issuer.scopes;
  }
  return [
    'openid',
    'profile',
    'email',
    ...(document.issuer.groupsClaim === undefined ? [] : ['groups']),
  ];
}

/** What a run signs in to: the app, its issuer, what to ask for and how to explain a failure. */
type PreviewTarget = Pick<
  Parameters<typeof startPreviewRun>[0],
  | 'app'
  | 'issuer'
  | 'authServerId'
  | 'scopes'
  | 'expectGroupsClaim'
  | 'browserOrigin'
  | 'diagnosisContext'
>;

/**
 * What the wizard's preview signs in to: the app the document's setup made, as applied in the
 * org. A setup not applied yet has nothing to sign in to, which is said as `SETUP_BLOCKED`.
 */
async function appliedTarget(org: ActiveOrg, document: SetupDocument): Promise<PreviewTarget> {
  let reading: Awaited<ReturnType<typeof readAppliedSetup>>;
  try {
    reading = await readAppliedSetup(org.client, org.orgUrl, document);
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
  const { appId, clientId, authServerId, issuer } = reading.applied;
  const { callback } = PRESETS[document.target.preset].uris(
    document.target.baseUrl,
    document.target.clientKey,
  );
  return {
    app: {
      id: appId,
      clientId,
      redirectUris: reading.snapshot.app.fields.redirectUris,
      tokenEndpointAuthMethod: document.app.tokenEndpointAuthMethod,
    },
    issuer,
    authServerId,
    scopes: scopesFor(document),
    ...(document.issuer.groupsClaim === undefined
      ? {}
      : { expectGroupsClaim: document.issuer.groupsClaim.name }),
    ...(document.app.applicationType === 'browser' && URL.canParse(document.target.baseUrl)
      ? { browserOrigin: new URL(document.target.baseUrl).origin }
      : {}),
    diagnosisContext: { document, expectedCallback: callback },
  };
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
 * `sso-console preview` calls `startForApp` on the flags' org, so both paths share one
 * orchestration and differ only in what they start from (a setup document, or an app id/label).
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
  const hold = previewHoldFor(path.join(journalDir, 'preview.lock'));

  /** The secret the console kept for an app it created here, or `null`. */
  async function keptClientSecret(orgUrl: string, clientId: string): Promise<string | null> {
    return await deps.secrets.get(clientSecretAccount(orgUrl, clientId));
  }

  /**
   * The one way a run is started, whoever asked: the org's client and journals, the progress
   * events and the redirect strategies' means are the same for the console window and the CLI.
   */
  function launch(
    org: ActiveOrg,
    target: PreviewTarget,
    run: {
      operationId: string;
      allowAppChange: boolean;
      cleanUp: string[];
      clientSecret: string | undefined;
      login: string | null;
      throwaway?: { userId: string; login: string };
    },
  ): Promise<PreviewRun> {
    const { throwaway } = run;
    return startPreviewRun({
      client: org.client,
      journals,
      ...target,
      ...(run.clientSecret === undefined ? {} : { clientSecret: run.clientSecret }),
      login: run.login,
      ...(throwaway === undefined
        ? {}
        : {
            throwaway: {
              ...throwaway,
              onRemoved: () =>
                deps.secrets.delete(testUserPasswordAccount(org.orgUrl, throwaway.login)),
            },
          }),
      cleanUp: run.cleanUp,
      onEntry: (entry) => {
        deps.emitProgress({ operationId: run.operationId, entry });
      },
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      allowAppChange: run.allowAppChange,
      ...(deps.interceptWindow === undefined ? {} : { intercept: deps.interceptWindow }),
    });
  }

  async function start(request: {
    document: SetupDocument;
    user: PreviewUser;
    operationId: string;
    allowAppChange?: boolean;
  }): Promise<PreviewStarted> {
    const { document } = request;
    const org = await activeOrg();
    const { orgUrl } = org;
    requireGrantedScopes(org, ['preview'], 'the login preview');
    try {
      const run = await hold.run(async () => {
        // Whatever an earlier preview left behind goes first.
        const cleanUp = await cleanUpEarlierPreviews(org.client, journals);
        const target = await appliedTarget(org, document);
        const { clientId } = target.app;
        let clientSecret: string | undefined;
        if (target.app.tokenEndpointAuthMethod !== 'none') {
          clientSecret = (await keptClientSecret(orgUrl, clientId)) ?? undefined;
          if (clientSecret === undefined) {
            throw new AppError({
              code: 'SECRET_NOT_FOUND',
              message: `The console has no client secret for ${document.app.label} (${clientId}) in the keychain: it keeps only the secrets of apps it created on this computer.`,
              hint: 'Generate a new secret for the app in the Okta Admin Console, or choose a public client (PKCE, no secret) for the preview.',
            });
          }
        }
        const who = await whoSignsIn(org, document, request.user, target.app.id);
        const launched = await launch(org, target, {
          operationId: request.operationId,
          allowAppChange: request.allowAppChange ?? true,
          cleanUp,
          clientSecret,
          login: who.login,
          ...(who.throwaway === undefined ? {} : { throwaway: who.throwaway }),
        });
        return { ...launched, who };
      });

      const previewId = randomUUID();
      running.set(previewId, run);
      return {
        previewId,
        authorizeUrl: run.authorizeUrl,
        strategy: run.strategy,
        user: { login: run.who.login, passwordInKeychain: run.who.passwordInKeychain },
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

  /**
   * Who signs in to the wizard's preview: the setup's test user, a throwaway user made (and
   * journaled) now with its password in the keychain, or someone the admin names.
   */
  async function whoSignsIn(
    org: ActiveOrg,
    document: SetupDocument,
    user: PreviewUser,
    appId: string,
  ): Promise<{
    login: string | null;
    passwordInKeychain: boolean;
    throwaway?: { userId: string; login: string };
  }> {
    if (user.kind === 'test-user') {
      const login = document.assignments.testUser?.email ?? null;
      if (login === null) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: 'This setup has no test user to sign in with.',
          hint: 'Choose a throwaway user, or someone who already exists.',
        });
      }
      const password = await deps.secrets.get(testUserPasswordAccount(org.orgUrl, login));
      return { login, passwordInKeychain: password !== null };
    }
    if (user.kind === 'throwaway') {
      const made = await createThrowawayUser(
        { client: org.client, journal: journals.throwaways },
        { appId },
      );
      await deps.secrets.set(testUserPasswordAccount(org.orgUrl, made.login), made.password);
      return {
        login: made.login,
        passwordInKeychain: true,
        throwaway: { userId: made.userId, login: made.login },
      };
    }
    return { login: user.login, passwordInKeychain: false };
  }

  /**
   * `sso-console preview`: a run for an app already in the org, named by id or label, rather
   * than one a setup document describes.
   *
   * @remarks
   * Answers the run itself, since the command line holds it in-process (the console window
   * reaches its runs by id instead), and leaves Okta's failures unmapped so the command says
   * them in its own words. The client secret is the one supplied (`SSO_CONSOLE_CLIENT_SECRET`)
   * or, for an app the console created here, the kept one; without either, `SECRET_NOT_FOUND`.
   * The issuer is the org's unless one is named (a custom authorization server's).
   */
  async function startForApp(request: {
    app: string;
    issuer?: string;
    login: string | null;
    suppliedSecret?: string;
    operationId: string;
    allowAppChange: boolean;
  }): Promise<PreviewRun> {
    const org = await activeOrg();
    requireGrantedScopes(org, ['preview'], 'the login preview');
    const issuer = withoutTrailingSlashes(request.issuer ?? org.orgUrl);
    return await hold.run(async () => {
      // Whatever an earlier preview left behind goes first, so the app is read without it: a
      // temporary loopback URI left there would pass for the app's own.
      const cleanUp = await cleanUpEarlierPreviews(org.client, journals);
      const app = previewAppOf(await findApp(org.client, request.app), request.app);
      const method = app.tokenEndpointAuthMethod;
      let clientSecret = request.suppliedSecret === '' ? undefined : request.suppliedSecret;
      if (method !== 'none' && clientSecret === undefined) {
        clientSecret = (await keptClientSecret(org.orgUrl, app.clientId)) ?? undefined;
        if (clientSecret === undefined) {
          throw new AppError({
            code: 'SECRET_NOT_FOUND',
            message: `The app ${app.id} authenticates with ${method}, and no client secret was given.`,
            hint: 'Give the client secret; the console keeps secrets in the keychain only for apps it created on this computer.',
          });
        }
      }
      return await launch(
        org,
        {
          app,
          issuer,
          authServerId: /\/oauth2\/([^/]+)$/.exec(issuer)?.[1] ?? null,
          scopes: ['openid', 'profile', 'email'],
          diagnosisContext: {},
        },
        {
          operationId: request.operationId,
          allowAppChange: request.allowAppChange,
          cleanUp,
          clientSecret: method === 'none' ? undefined : clientSecret,
          login: request.login,
        },
      );
    });
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
    startForApp,

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
      const preview = running.get(previewId);
      if (preview === undefined) {
        return;
      }
      preview.cancel();
      // A cancelled run nobody waits for (the window gave up on it) is let go once it settles.
      const forget = () => running.delete(previewId);
      preview.report.then(forget, forget);
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
