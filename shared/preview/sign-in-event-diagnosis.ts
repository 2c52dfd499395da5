import { OKTA_OAUTH_TEXTS } from '../okta/oauth-texts.ts';
import type { DiagnosisCode } from './preview-schemas.ts';

/**
 * What a failed sign-in means, read off one System Log event: the preview's diagnosis codes and
 * texts, shared by the preview and the sign-in activity so one cause reads the same everywhere.
 *
 * @remarks
 * Pure and free of Node, so the main process and the renderer can both use it. It keys on the
 * event type and Okta's `outcome.reason` (stable identifiers), and on the start of an OAuth
 * error description where one reason covers several causes (`access_denied`), as the preview's
 * `diagnose` does.
 */

/**
 * What each user status Okta refuses a sign-in for means, and what the admin does about it
 * (management.yaml `UserStatus`; the lifecycle operations that leave each one).
 */
export const USER_STATUS_EXPLANATIONS: Readonly<
  Record<string, { means: string; fix: (login: string) => string }>
> = {
  SUSPENDED: {
    means: 'is suspended, so Okta refuses every sign-in',
    fix: (login) =>
      `Unsuspend ${login}: Directory → People → ${login} → More Actions → Unsuspend (API: POST /api/v1/users/{id}/lifecycle/unsuspend).`,
  },
  LOCKED_OUT: {
    means: 'is locked out (too many failed sign-ins), so Okta refuses every sign-in until unlocked',
    fix: (login) =>
      `Unlock ${login}: Directory → People → ${login} → Unlock (API: POST /api/v1/users/{id}/lifecycle/unlock).`,
  },
  PASSWORD_EXPIRED: {
    means: 'has an expired password, so the sign-in stops at a password change',
    fix: (login) =>
      `Sign in as ${login} and set a new password when Okta asks, or reset it: Directory → People → ${login} → Reset password.`,
  },
  RECOVERY: {
    means: 'is in password recovery, so the sign-in waits for the reset to finish',
    fix: (login) =>
      `Finish the password reset sent to ${login}, or reset the password again: Directory → People → ${login} → Reset password.`,
  },
  STAGED: {
    means: 'was never activated, so the user has no password to sign in with',
    fix: (login) =>
      `Activate ${login}: Directory → People → ${login} → Activate (API: POST /api/v1/users/{id}/lifecycle/activate).`,
  },
  PROVISIONED: {
    means: 'has not finished activation (no password set yet)',
    fix: (login) =>
      `Have ${login} finish activation from the email Okta sent, or set a password: Directory → People → ${login} → Set password.`,
  },
  DEPROVISIONED: {
    means: 'is deactivated, so Okta refuses every sign-in',
    fix: (login) =>
      `Reactivate ${login}: Directory → People → ${login} → Activate, or sign in as another user.`,
  },
};

/** The fields of a System Log `LogEvent` the diagnosis reads. */
export interface SignInLogEvent {
  eventType: string;
  outcome: { result: string; reason?: string | null };
  /** `actor.alternateId`: the login typed or the user's login; a client id for an app actor. */
  login?: string | null;
  /** `debugContext.debugData`. */
  debugData?: Readonly<Record<string, unknown>> | null;
}

/** A failure explained: the preview's {@link DiagnosisCode}, Okta's words, the cause, the fix. */
export interface SignInEventDiagnosis {
  code: DiagnosisCode;
  oktaText: string | null;
  cause: string;
  fix: string;
}

const AUTHORIZE_EVENTS = new Set(['app.oauth2.authorize', 'app.oauth2.as.authorize']);
const TOKEN_EVENTS = new Set(['app.oauth2.token.grant', 'app.oauth2.as.token.grant']);

function stringAt(data: SignInLogEvent['debugData'], key: string): string | null {
  const value = data?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function statusDiagnosis(status: 'LOCKED_OUT', login: string, reason: string) {
  const explained = USER_STATUS_EXPLANATIONS[status];
  return {
    code: 'USER_NOT_ACTIVE' as const,
    oktaText: reason,
    cause: `${login} ${explained?.means ?? 'may not sign in'} (Okta's status for the user: ${status}).`,
    fix: explained?.fix(login) ?? '',
  };
}

function sessionFailure(reason: string, login: string): SignInEventDiagnosis {
  switch (reason) {
    case 'INVALID_CREDENTIALS':
      return {
        code: 'INVALID_CREDENTIALS',
        oktaText: reason,
        cause: `${login} typed a wrong password. Under Okta's default password policy the 10th wrong password in a row locks the account.`,
        fix: `Have ${login} check the password, or reset it: Directory → People → ${login} → Reset password. Many failures from one address may be someone guessing.`,
      };
    case 'VERIFICATION_ERROR':
      return {
        code: 'UNKNOWN_USER',
        oktaText: reason,
        cause: `No user of the org has the username "${login}".`,
        fix: 'Sign in with the Okta username (usually the email address), or add the person: Directory → People → Add person.',
      };
    case 'LOCKED_OUT':
      return statusDiagnosis('LOCKED_OUT', login, reason);
    case 'USER_NOT_ACTIVE':
      return {
        code: 'USER_NOT_ACTIVE',
        oktaText: reason,
        cause: `${login} is not ACTIVE (suspended, deactivated or not yet activated), so Okta refuses the sign-in.`,
        fix: `Open Directory → People → ${login}: its status says which, then unsuspend, activate or reactivate the user.`,
      };
    default:
      return otherFailure(reason);
  }
}

function authorizeFailure(event: SignInLogEvent, reason: string): SignInEventDiagnosis {
  const description = stringAt(event.debugData, 'errorDescription');
  const redirectUri = stringAt(event.debugData, 'redirectUri');
  const login = event.login ?? 'the person who signed in';
  if (reason === 'illegal_redirect_uri' || reason === 'illegal_redirect_uri_enhanced') {
    return {
      code: 'REDIRECT_URI_NOT_REGISTERED',
      oktaText: OKTA_OAUTH_TEXTS.redirectUriNotRegistered,
      cause: `The app sent the redirect URI ${redirectUri ?? '(none)'}, which is not one of its sign-in redirect URIs.`,
      fix: "Make the target's callback match a registered redirect URI exactly, or add it: Applications → the app → General → Sign-in redirect URIs.",
    };
  }
  if (reason === 'invalid_client') {
    return {
      code: 'UNKNOWN_CLIENT',
      oktaText: OKTA_OAUTH_TEXTS.unknownClientId,
      cause:
        'Okta does not know the client id that was sent: the app was deleted, or the target holds a client id from another org.',
      fix: 'Give the target the client id and secret of this app, or apply the setup again to create it.',
    };
  }
  if (reason === 'app_inactive') {
    return {
      code: 'APP_INACTIVE',
      oktaText: null,
      cause:
        'The app is INACTIVE. Okta refuses every sign-in to an inactive app, with a bare 400 page at /authorize.',
      fix: 'Activate the app: Applications → the app → the status menu → Activate.',
    };
  }
  if (reason === 'access_denied' && description?.startsWith(OKTA_OAUTH_TEXTS.notAssigned)) {
    return {
      code: 'USER_NOT_ASSIGNED',
      oktaText: description,
      cause: `${login} is not assigned to the app, neither directly nor through a group.`,
      fix: `Assign ${login} to the app, or assign a group they are in (Applications → the app → Assignments).`,
    };
  }
  if (reason === 'access_denied' && description?.startsWith('Policy evaluation failed')) {
    return {
      code: 'POLICY_EVALUATION_FAILED',
      oktaText: description,
      cause: `No access-policy rule of the authorization server admits this client, grant type, scopes and ${login}.`,
      fix: 'Security → API → the authorization server → Access Policies: add the app to a policy and a rule that covers the user and scopes.',
    };
  }
  if (reason === 'invalid_scope') {
    return {
      code: 'SCOPE_NOT_ON_SERVER',
      oktaText: description ?? OKTA_OAUTH_TEXTS.scopesNotConfigured,
      cause: 'The request asked for a scope the authorization server does not have.',
      fix: 'Add the scope to the authorization server (Security → API → Scopes), or stop the target from requesting it.',
    };
  }
  if (reason === 'invalid_request' && description?.startsWith('PKCE code challenge is required')) {
    return {
      code: 'PKCE_REQUIRED',
      oktaText: description,
      cause: 'The app requires PKCE and the request carried no code challenge.',
      fix: 'Turn on PKCE (S256) in the target, or clear "Require PKCE" on the app if the target cannot send it.',
    };
  }
  return otherFailure(reason, description);
}

function tokenFailure(reason: string): SignInEventDiagnosis {
  if (reason === 'invalid_client') {
    return {
      code: 'CLIENT_AUTH_MISMATCH',
      oktaText: reason,
      cause:
        "The app's client authentication at /token failed: a wrong or rotated secret, or a method (basic, post, none) other than the app's.",
      fix: "Give the target the app's current client secret and the app's token endpoint authentication method.",
    };
  }
  if (reason === 'invalid_grant') {
    return {
      code: 'CODE_INVALID',
      oktaText: reason,
      cause:
        'Okta refused the grant at /token: the code was expired, used twice, issued to another client, or its PKCE verifier did not match.',
      fix: 'Sign in again; if it keeps failing, check that the target keeps the PKCE verifier and redirect URI of the same sign-in.',
    };
  }
  return otherFailure(reason);
}

function otherFailure(reason: string, description: string | null = null): SignInEventDiagnosis {
  return {
    code: 'OKTA_ERROR',
    oktaText: description ?? reason,
    cause: `Okta refused it with the reason ${reason}.`,
    fix: 'Read Okta’s message above; the console has no specific explanation for it. The System Log (Reports → System Log) has the event with its reason.',
  };
}

/**
 * The diagnosis of one System Log event, or `null` when it is not a failure.
 *
 * @remarks
 * `user.session.start` failures (Okta's reasons `INVALID_CREDENTIALS`, `VERIFICATION_ERROR`,
 * `LOCKED_OUT`, `USER_NOT_ACTIVE`), `user.account.lock`, refused `/authorize` requests
 * (`app.oauth2[.as].authorize`, keyed on `outcome.reason` and the error description the event
 * carries) and refused `/token` requests. Anything else that failed is `OKTA_ERROR` with
 * Okta's reason.
 */
export function diagnoseSignInEvent(event: SignInLogEvent): SignInEventDiagnosis | null {
  const result = event.outcome.result;
  if (result !== 'FAILURE' && result !== 'DENY') {
    return null;
  }
  const reason = event.outcome.reason ?? '';
  const login = event.login ?? 'the user';
  if (event.eventType === 'user.session.start') {
    return sessionFailure(reason, login);
  }
  if (event.eventType === 'user.account.lock') {
    return statusDiagnosis('LOCKED_OUT', login, reason === '' ? 'LOCKED_OUT' : reason);
  }
  if (AUTHORIZE_EVENTS.has(event.eventType)) {
    return authorizeFailure(event, reason);
  }
  if (TOKEN_EVENTS.has(event.eventType)) {
    return tokenFailure(reason);
  }
  return otherFailure(reason === '' ? event.eventType : reason);
}
