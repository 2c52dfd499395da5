import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import { readRequestBody } from '../../platform/http/read-body.ts';
import { textOf } from '../../platform/json.ts';
import {
  hashPassword,
  meetsPasswordPolicy,
  PASSWORD_REQUIREMENTS,
  verifyPassword,
} from '../passwords.ts';
import type { SandboxUser } from '../sandbox-org.ts';
import {
  type LogClientInfo,
  recordSignInAttempt,
  recordUserAccountEvent,
  type SignInFailureReason,
} from '../system-log.ts';
import { usersWithLogin } from '../user-directory.ts';
import { errorPage } from './authorization-server-provider.ts';
import type { IssuerHost, OidcContext } from './context.ts';
import { logClient, sendHtml } from './http-answers.ts';
import { findClient, isAssigned } from './okta-oauth-rules.ts';
import { clearFailedSignIns, countFailedSignIn } from './sign-in-lockout.ts';
import {
  PASSWORD_CHANGE_LOST_TEXT,
  PASSWORDS_DIFFER_TEXT,
  renderPasswordChangePage,
  renderSignInPage,
  SIGN_IN_FAILED_TEXT,
} from './sign-in-page.ts';

/**
 * The sign-in page at `/signin/{provider key}/{interaction}`: the provider's login interaction,
 * shown (GET) and answered (POST) with the org's users and passwords, each attempt in the System
 * Log. The provider key names the server and issuer name the interaction belongs to.
 *
 * @remarks
 * Two Okta behaviours around the password live here: the lockout after too many wrong passwords
 * in a row (sign-in-lockout.ts), and the expired password — a PASSWORD_EXPIRED user who signs in
 * with it (the old one, or the temporary one `expire_password?tempPassword=true` gave) must
 * choose a new one before the sign-in goes on, as Okta makes them.
 */

const SIGN_IN_PATH = /^\/signin\/([^/]+)\/([^/]+)$/;

/** How long a sign-in waits for its expired password to be replaced: the interaction's life. */
const PASSWORD_CHANGE_WAIT_MS = 3600 * 1000;

/** The statuses that may sign in with the right password (PASSWORD_EXPIRED via a change). */
const MAY_SIGN_IN: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED']);

/** Why a sign-in fails, in the System Log's terms; `undefined` when the password holds. */
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
  // every other status that may not sign in is USER_NOT_ACTIVE.
  if (user.status === 'LOCKED_OUT') {
    return 'LOCKED_OUT';
  }
  if (!MAY_SIGN_IN.has(user.status)) {
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

/** One POST to the sign-in page, with what every step of it needs. */
interface SignInPost {
  context: OidcContext;
  provider: Provider;
  request: IncomingMessage;
  response: ServerResponse;
  form: URLSearchParams;
  /** The interaction's uid, from the browser's interaction cookie. */
  uid: string;
  page: { action: string; appLabel: string; clientId: string };
}

/** Logs the successful sign-in (`login` as typed) and lets the provider finish the login. */
async function finishSignIn(
  post: SignInPost,
  signedIn: { user: SandboxUser; login: string },
  client: LogClientInfo,
) {
  const { user, login } = signedIn;
  const { context, provider, request, response, page } = post;
  const { org } = context;
  user.lastLogin = org.clock().toISOString();
  const app = findClient(org, page.clientId)?.app;
  // Into the app only when the user may use it; otherwise `/authorize` refuses next and logs it.
  const signsInToApp = app !== undefined && isAssigned(org, app, user.id);
  recordSignInAttempt(org, {
    login,
    user,
    outcome: 'SUCCESS',
    ...(signsInToApp ? { app } : {}),
    client,
  });
  await provider.interactionFinished(
    request,
    response,
    { login: { accountId: user.id, amr: ['pwd'] } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Checks a posted username and password: a wrong one is counted towards the lockout, a right
 * one finishes the login — or, for an expired password, asks for a new one first.
 */
async function answerSignIn(post: SignInPost): Promise<void> {
  const { context, request, response, form, page } = post;
  const { org } = context;
  const login = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  // The directory's login index: a sign-in must not scan 100,000 users.
  const user = usersWithLogin(org, login)[0];
  const failure = signInFailure(user, password);
  // The sign-in page serves one app's `/authorize`: its events name that client (`client.id`),
  // so an app's sign-in activity finds the failures at its page.
  const client = { ...logClient(request, response), oauthClientId: page.clientId };
  if (failure !== undefined || user === undefined) {
    recordSignInAttempt(org, {
      login,
      ...(user === undefined ? {} : { user }),
      outcome: 'FAILURE',
      reason: failure ?? 'VERIFICATION_ERROR',
      client,
    });
    if (
      user !== undefined &&
      failure === 'INVALID_CREDENTIALS' &&
      countFailedSignIn(user, org.clock()) === 'locked'
    ) {
      recordUserAccountEvent(org, { eventType: 'user.account.lock', user, client });
    }
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
  clearFailedSignIns(user);
  if (user.status === 'PASSWORD_EXPIRED') {
    const now = org.clock().getTime();
    for (const [uid, pending] of context.pendingPasswordChanges) {
      if (pending.expiresAtMs <= now) {
        context.pendingPasswordChanges.delete(uid);
      }
    }
    context.pendingPasswordChanges.set(post.uid, {
      userId: user.id,
      expiresAtMs: now + PASSWORD_CHANGE_WAIT_MS,
    });
    sendHtml(
      response,
      200,
      renderPasswordChangePage({
        action: page.action,
        appLabel: page.appLabel,
        username: user.profile.login,
      }),
    );
    return;
  }
  await finishSignIn(post, { user, login }, client);
}

/**
 * Sets the new password of a user whose expired password just signed them in, then finishes the
 * sign-in.
 *
 * @remarks
 * The new password must meet the rules an admin's password must meet (`passwords.ts`: Okta's
 * default policy), refused with the same words the API uses. The default policy keeps no
 * password history (management.yaml `PasswordPolicyPasswordSettingsAge.historyCount` default
 * 0), so the expired password itself is accepted again. Once set, the user is ACTIVE; the change
 * is logged as Okta logs a user's own password change (`user.account.update_password`), then the
 * sign-in as any other.
 */
async function answerPasswordChange(post: SignInPost): Promise<void> {
  const { context, request, response, form, page, uid } = post;
  const { org } = context;
  const pending = context.pendingPasswordChanges.get(uid);
  const user =
    pending === undefined || pending.expiresAtMs <= org.clock().getTime()
      ? undefined
      : org.users.get(pending.userId);
  if (user?.status !== 'PASSWORD_EXPIRED') {
    context.pendingPasswordChanges.delete(uid);
    sendHtml(
      response,
      400,
      renderSignInPage({
        action: page.action,
        appLabel: page.appLabel,
        username: user?.profile.login ?? '',
        error: PASSWORD_CHANGE_LOST_TEXT,
      }),
    );
    return;
  }
  const newPassword = form.get('newPassword') ?? '';
  const problem =
    newPassword !== (form.get('confirmPassword') ?? '')
      ? PASSWORDS_DIFFER_TEXT
      : meetsPasswordPolicy(newPassword, user.profile.login)
        ? undefined
        : `Password requirements were not met. ${PASSWORD_REQUIREMENTS}`;
  if (problem !== undefined) {
    sendHtml(
      response,
      400,
      renderPasswordChangePage({
        action: page.action,
        appLabel: page.appLabel,
        username: user.profile.login,
        error: problem,
      }),
    );
    return;
  }
  context.pendingPasswordChanges.delete(uid);
  const stamp = org.clock().toISOString();
  user.passwordHash = hashPassword(newPassword);
  user.passwordChanged = stamp;
  user.status = 'ACTIVE';
  user.statusChanged = stamp;
  user.lastUpdated = stamp;
  const client = logClient(request, response);
  recordUserAccountEvent(org, { eventType: 'user.account.update_password', user, client });
  await finishSignIn(post, { user, login: user.profile.login }, client);
}

/** Serves the sign-in page (GET) or its forms (POST) of one login interaction. */
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
  const form = new URLSearchParams(await readRequestBody(request, 16_384));
  const post: SignInPost = {
    context,
    provider,
    request,
    response,
    form,
    uid: details.uid,
    page: { action: url.pathname, appLabel, clientId },
  };
  await (form.get('step') === 'change-password' ? answerPasswordChange(post) : answerSignIn(post));
}
