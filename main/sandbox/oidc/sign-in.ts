import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import { readRequestBody } from '../../platform/http/read-body.ts';
import { textOf } from '../../platform/json.ts';
import { verifyPassword } from '../passwords.ts';
import type { SandboxUser } from '../sandbox-org.ts';
import { recordSignInAttempt, type SignInFailureReason } from '../system-log.ts';
import { usersWithLogin } from '../user-directory.ts';
import { errorPage } from './authorization-server-provider.ts';
import type { IssuerHost, OidcContext } from './context.ts';
import { logClient, sendHtml } from './http-answers.ts';
import { findClient } from './okta-oauth-rules.ts';
import { renderSignInPage, SIGN_IN_FAILED_TEXT } from './sign-in-page.ts';

/**
 * The sign-in page at `/signin/{provider key}/{interaction}`: the provider's login interaction,
 * shown (GET) and answered (POST) with the org's users and passwords, each attempt in the System
 * Log. The provider key names the server and issuer name the interaction belongs to.
 */

const SIGN_IN_PATH = /^\/signin\/([^/]+)\/([^/]+)$/;

/** Why a sign-in fails, in the System Log's terms; `undefined` when the user may sign in. */
function signInFailure(
  user: SandboxUser | undefined,
  password: string,
): SignInFailureReason | undefined {
  if (user === undefined) {
    return 'VERIFICATION_ERROR';
  }
  if (user.passwordHash === null || !verifyPassword(password, user.passwordHash)) {
    return 'INVALID_CREDENTIALS';
  }
  // The System Log's reasons (system-log.ts): a locked account is LOCKED_OUT; suspended and
  // every other status but ACTIVE is USER_NOT_ACTIVE.
  if (user.status === 'LOCKED_OUT') {
    return 'LOCKED_OUT';
  }
  if (user.status !== 'ACTIVE') {
    return 'USER_NOT_ACTIVE';
  }
  return undefined;
}

/** The provider a sign-in link belongs to, or `undefined` when the link names no server. */
function providerOfLink(context: OidcContext, pathname: string): Provider | undefined {
  const key = SIGN_IN_PATH.exec(pathname)?.[1];
  if (key === undefined) {
    return undefined;
  }
  const host: IssuerHost = key.endsWith('.cd') ? 'custom-domain' : 'org';
  const serverKey = key.replace(/\.cd$/, '');
  const server = serverKey === 'org' ? undefined : context.org.authServers.get(serverKey);
  if (serverKey !== 'org' && server === undefined) {
    return undefined;
  }
  return context.providerFor(server, host);
}

/** Checks a posted username and password and, when they hold, finishes the login. */
async function answerSignIn(
  context: OidcContext,
  provider: Provider,
  request: IncomingMessage,
  response: ServerResponse,
  page: { action: string; appLabel: string; clientId: string },
): Promise<void> {
  const { org } = context;
  const form = new URLSearchParams(await readRequestBody(request, 16_384));
  const login = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  // The directory's login index: a sign-in must not scan 100,000 users.
  const user = usersWithLogin(org, login)[0];
  const failure = signInFailure(user, password);
  if (failure !== undefined || user === undefined) {
    recordSignInAttempt(org, {
      login,
      ...(user === undefined ? {} : { user }),
      outcome: 'FAILURE',
      reason: failure ?? 'VERIFICATION_ERROR',
      client: logClient(request, response),
    });
    sendHtml(
      response,
      401,
      renderSignInPage({
        action: page.action,
        appLabel: page.appLabel,
        username: login,
        error: SIGN_IN_FAILED_TEXT,
      }),
    );
    return;
  }
  user.lastLogin = org.clock().toISOString();
  const app = findClient(org, page.clientId)?.app;
  recordSignInAttempt(org, {
    login,
    user,
    outcome: 'SUCCESS',
    ...(app === undefined ? {} : { app }),
    client: logClient(request, response),
  });
  await provider.interactionFinished(
    request,
    response,
    { login: { accountId: user.id, amr: ['pwd'] } },
    { mergeWithLastSubmission: false },
  );
}

/** Serves the sign-in page (GET) or its form (POST) of one login interaction. */
export async function handleSignIn(
  context: OidcContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const provider = providerOfLink(context, url.pathname);
  if (provider === undefined) {
    sendHtml(response, 404, errorPage('404 Not Found', 'This sign-in link is not valid.'));
    return;
  }
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(request, response);
  } catch {
    sendHtml(
      response,
      400,
      errorPage(
        'Your sign-in session has expired',
        'Go back to the application and start signing in again.',
      ),
    );
    return;
  }
  const clientId = textOf(details.params.client_id);
  const appLabel = findClient(context.org, clientId)?.label ?? 'the application';
  const loginHint = textOf(details.params.login_hint);
  if (request.method !== 'POST') {
    sendHtml(
      response,
      200,
      renderSignInPage({ action: url.pathname, appLabel, username: loginHint }),
    );
    return;
  }
  await answerSignIn(context, provider, request, response, {
    action: url.pathname,
    appLabel,
    clientId,
  });
}
