/**
 * The preview's diagnosis: from a failure and what the org says, the likely causes in order.
 * The causes themselves are worded in `authorize-causes.ts` (Okta refused the authorize request)
 * and `token-causes.ts` (what failed after the browser came back).
 */
import { USER_STATUS_EXPLANATIONS } from '../../../shared/preview/sign-in-event-diagnosis.ts';
import type { Diagnosis, PreviewFailure } from '../preview-types.ts';
import { authorizePage, authorizeRedirect } from './authorize-causes.ts';
import { type DiagnosisContext, oktaError } from './diagnosis-wording.ts';
import type { OrgFacts } from './org-facts.ts';
import {
  discoveryFailure,
  groupsClaimMissing,
  issFrom,
  issuerMismatch,
  tokenFailure,
  trustedOriginMissing,
} from './token-causes.ts';

export { findRedirectNearMiss, type RedirectNearMiss } from './authorize-causes.ts';
export type { DiagnosisContext } from './diagnosis-wording.ts';

/**
 * Explains a failed preview: Okta's words, the root cause naming the values, what to do, and
 * the change the console can make — most likely cause first.
 *
 * @remarks
 * Pure, so it can be tested on every failure without an org and re-run on a saved failure. It
 * keys on Okta's `error` and on the stable start of its description (Okta varies the end, e.g.
 * "PKCE code challenge is required…"), and passes Okta's text through untouched in `oktaText`.
 * One-click fixes are offered only where the plan/apply engine can make the change and where it
 * is the likely intent; otherwise the fix is said in words, pointing at the Admin Console.
 */
export function diagnose(
  failure: PreviewFailure,
  facts: OrgFacts,
  context: DiagnosisContext = {},
): Diagnosis[] {
  const inactive = userNotActive(failure, facts);
  const diagnoses =
    inactive === null
      ? primary(failure, facts, context)
      : // A sign-in Okta refused at its page ends the preview by timing out: the user's status
        // is the cause, and the generic "never sent back" would only hide it.
        [
          inactive,
          ...(failure.stage === 'timeout' || failure.stage === 'user-status'
            ? []
            : primary(failure, facts, context)),
        ];
  const origin = facts.trustedOrigin;
  if (
    origin !== null &&
    !origin.cors &&
    !diagnoses.some((diagnosis) => diagnosis.code === 'TRUSTED_ORIGIN_MISSING')
  ) {
    // Invisible to the preview (it is not a browser), certain to stop the browser app later.
    diagnoses.push(trustedOriginMissing(origin.origin, origin.exists, null));
  }
  const events = facts.systemLog;
  const first = diagnoses[0];
  if (first !== undefined && events !== null && events.length > 0) {
    first.systemLog = events;
  }
  return diagnoses;
}

/**
 * What a preview that signed in still has to say: a browser app's origin that Okta will not
 * answer with CORS.
 *
 * @remarks
 * The preview signs in from main, not from a browser page, so CORS never fails it — a green
 * preview of a single-page app would otherwise hide the first error its users meet.
 */
export function adviseAfterSuccess(trustedOrigin: OrgFacts['trustedOrigin']): Diagnosis[] {
  return trustedOrigin === null || trustedOrigin.cors
    ? []
    : [trustedOriginMissing(trustedOrigin.origin, trustedOrigin.exists, null)];
}

/** HTML page text as a person reads it: tags dropped, entities decoded, spaces collapsed. */
export function pageTextOf(html: string): string {
  return html
    .replaceAll(/<[^<>]*>/g, ' ')
    .replaceAll(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replaceAll(/\s+/g, ' ')
    .trim();
}

function primary(failure: PreviewFailure, facts: OrgFacts, context: DiagnosisContext): Diagnosis[] {
  switch (failure.stage) {
    case 'authorize-page':
      return [authorizePage(pageTextOf(failure.pageText), failure.status, facts, context)];
    case 'authorize-redirect':
      return authorizeRedirect(failure.error, failure.errorDescription, facts, context);
    case 'token':
      return [tokenFailure(failure, facts, context)];
    case 'callback':
      if (failure.reason === 'iss-mismatch') {
        return [issuerMismatch(null, facts, context, issFrom(failure.detail))];
      }
      if (failure.reason === 'no-code') {
        return [oktaError(null, `The callback carried no code: ${failure.detail}`)];
      }
      return [
        {
          code: 'STATE_MISMATCH',
          oktaText: null,
          cause: `The callback's state was ${failure.reason === 'state-missing' ? 'missing' : failure.reason === 'replayed' ? 'already used' : 'not the one this preview sent'} (${failure.detail}), so the console did not exchange the code: it may not be the answer to this sign-in.`,
          fix: 'Run the preview again from the start, in one browser window. If it repeats, check that nothing between the browser and the callback (a proxy, a second tab, a bookmark of the callback URL) replays or rewrites the redirect.',
        },
      ];
    case 'discovery':
      return [discoveryFailure(failure, facts, context)];
    case 'id-token':
      if (failure.reason === 'iss') {
        const iss = failure.claims?.iss;
        return [issuerMismatch(null, facts, context, typeof iss === 'string' ? iss : null)];
      }
      return [
        {
          code: 'ID_TOKEN_INVALID',
          oktaText: null,
          cause: `The ID token failed its ${failure.reason} check: ${failure.detail}`,
          fix:
            failure.reason === 'exp' || failure.reason === 'iat'
              ? "Check this computer's clock (and the target's): ID tokens are judged by time, and a clock that is minutes off rejects them."
              : 'Run the preview again; if it repeats, the token did not come from the issuer the console expects — check the issuer and the app’s client id.',
        },
      ];
    case 'userinfo':
      if (failure.reason === 'sub-mismatch') {
        return [
          {
            code: 'USERINFO_SUB_MISMATCH',
            oktaText: null,
            cause: `userinfo answered for another subject than the ID token (${failure.detail}); OpenID Connect Core §5.3.2 says its claims must then not be used.`,
            fix: 'Run the preview again with a fresh sign-in. If it repeats, the access token sent to userinfo is not the one issued with this ID token — check for a proxy or cache in between.',
          },
        ];
      }
      return [oktaError(null, `userinfo failed: ${failure.detail}`)];
    case 'claims':
      return [groupsClaimMissing(failure.detail, facts, context)];
    case 'user-status':
      // Only reached for a status the table does not know (one Okta adds later).
      return [oktaError(`User status: ${failure.status}`, failure.detail)];
    case 'timeout':
      return [
        {
          code: 'OKTA_ERROR',
          oktaText: null,
          cause: `Okta never sent the browser back to the callback (${failure.detail}).`,
          fix: 'Finish the sign-in in the browser window the preview opened, or start it again. A sign-in that stops at an Okta page shows that page’s message there.',
        },
      ];
  }
}

/**
 * A diagnosis for a sign-in by a user Okta will not let in, or `null`: the user's status is read
 * from the org, and the System Log's reason for the refused sign-in, when there is one, is Okta's
 * text.
 */
function userNotActive(failure: PreviewFailure, facts: OrgFacts): Diagnosis | null {
  const user = facts.user;
  const status = user?.status ?? null;
  const entry = status === null ? undefined : USER_STATUS_EXPLANATIONS[status];
  if (
    user === null ||
    entry === undefined ||
    !['user-status', 'timeout', 'authorize-page', 'authorize-redirect'].includes(failure.stage)
  ) {
    return null;
  }
  const refused = facts.systemLog?.find(
    (event) => event.eventType === 'user.session.start' && event.reason !== null,
  );
  return {
    code: 'USER_NOT_ACTIVE',
    oktaText: refused?.reason ?? `User status: ${status ?? ''}`,
    cause: `${user.login} ${entry.means} (Okta's status for the user: ${status ?? ''}).`,
    fix: entry.fix(user.login),
  };
}
