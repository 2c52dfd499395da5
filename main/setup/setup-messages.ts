/**
 * What the setup service tells the admin after a plan or an apply: the Admin Console links to
 * what it touched, and the words for a secret the keychain could not keep, an apply refused for
 * the keychain, and a cancelled apply or plan. Kept apart from the service's wiring
 * (`setup-service.ts`) so each message is read, and tested, on its own.
 */
import { AppError } from '../../shared/errors.ts';
import type { AdminLink } from '../../shared/ipc/contract.ts';
import { adminConsoleUrl } from '../../shared/okta/org-url.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ApplyResult } from './apply.ts';
import type { ApplyCancelledError, SecretsCannotBeKeptError } from './apply-errors.ts';

/**
 * Links to what an apply touched, in the org's Admin Console.
 *
 * @remarks
 * Built, not read from Okta: the API's `_links` point at API resources, not Admin Console pages.
 * An org without a known Admin Console host (the sandbox, a custom domain) gets none rather than
 * links that lead nowhere; see {@link adminConsoleUrl}.
 */
export function adminLinksFor(
  orgUrl: string,
  document: SetupDocument,
  applied: Pick<ApplyResult, 'appId' | 'authServerId' | 'objects'>,
): AdminLink[] {
  const admin = adminConsoleUrl(orgUrl);
  if (admin === null) {
    return [];
  }
  const at = (path: string) => `${admin}${path}`;
  const links: AdminLink[] = [
    {
      title: `App integration “${document.app.label}”`,
      url: at(`/admin/app/oidc_client/instance/${encodeURIComponent(applied.appId)}/#tab-general`),
    },
  ];
  if (applied.authServerId !== undefined) {
    links.push({
      title: `Authorization server ${applied.authServerId}`,
      url: at(`/admin/oauth2/as/${encodeURIComponent(applied.authServerId)}`),
    });
  }
  const testUser = document.assignments.testUser;
  if (testUser !== undefined && applied.objects.testUserId !== undefined) {
    links.push({
      title: `Test user ${testUser.email}`,
      url: at(`/admin/user/profile/view/${encodeURIComponent(applied.objects.testUserId)}`),
    });
  }
  for (const group of applied.objects.groups) {
    links.push({
      title: `Group “${group.name}”`,
      url: at(`/admin/group/${encodeURIComponent(group.id)}`),
    });
  }
  if (document.trustedOrigins.length > 0) {
    links.push({ title: 'Trusted origins', url: at('/admin/access/api/trusted_origins') });
  }
  return links;
}

/**
 * What the admin reads when the keychain failed to keep a secret this apply made — which
 * secret, the keychain's own words, and why nothing is lost — or `null` when all were kept.
 *
 * @remarks
 * The console does not hold the secret to show it later: a secret held in memory is lost with
 * the process, and showing it unasked would print it. It lets it go instead, and the next apply
 * replaces it with a new one, straight into the keychain (see `owedSecrets`): the console never
 * handed the old one out, so nothing that works breaks.
 */
export function keychainWarning(
  result: Pick<ApplyResult, 'secrets' | 'keychainFailure'>,
): string | null {
  const lost = [
    ...new Set(
      result.secrets
        .filter((secret) => !secret.kept)
        .map((secret) =>
          secret.kind === 'client-secret' ? 'the client secret' : 'the test user’s password',
        ),
    ),
    // The same words whichever of the secrets, made side by side, met the keychain first.
  ].sort();
  if (lost.length === 0) {
    return null;
  }
  const failure = result.keychainFailure;
  // The keychain's own words say only what failed; the next sentences say what happens.
  const reason =
    failure instanceof AppError
      ? `${failure.message} ${failure.hint}`
      : failure instanceof Error
        ? failure.message
        : String(failure);
  const them = lost.length > 1 ? 'them' : 'it';
  // A period, not a colon: "password: …" reads to the redactor as a named secret, and the
  // keychain's reason after it would be hidden.
  return `The keychain could not keep ${lost.join(' or ')}. ${reason} Nothing is lost: the console never handed ${them} out, and the next apply of this setup replaces ${them} with ${lost.length > 1 ? 'new ones' : 'a new one'}, straight into the keychain, once it works — apply again then.`;
}

/**
 * What the admin reads when an apply was refused because the keychain cannot keep the secrets
 * it would make: the keychain's own words, that nothing was written, and the two ways on.
 *
 * @remarks
 * Said before the first write, so it is the one keychain message that may say the org is
 * unchanged. The secrets are named as they are (a client secret, a test user's password), never
 * as a token.
 */
export function refusedForKeychain(error: SecretsCannotBeKeptError): AppError {
  const cause: unknown = error.cause;
  const what = error.secrets
    .map((kind) => (kind === 'client-secret' ? 'a client secret' : 'a test user’s password'))
    .join(' and ');
  const reason =
    cause instanceof Error ? cause.message : 'The keychain could not keep a secret now.';
  const howTo = cause instanceof AppError ? `${cause.hint} ` : '';
  return new AppError(
    {
      code: 'KEYCHAIN_UNAVAILABLE',
      message: `${reason} This setup makes ${what}, which no one can read back from Okta later and the console keeps only in the OS keychain, so the apply was refused before its first change: nothing was written to the org.`,
      hint: `${howTo}Then apply again. Or keep secrets in this session’s memory only, from the keychain notice at the top of the console window (they are lost when the console quits).`,
    },
    { cause: error },
  );
}

/** Up to `limit` titles, then how many more: a setup of 2,000 users is not said in full. */
function someOf(titles: readonly string[], limit = 5): string {
  const shown = titles.slice(0, limit).join(', ');
  return titles.length > limit ? `${shown} and ${String(titles.length - limit)} more` : shown;
}

/**
 * What the admin reads after cancelling an apply: what it made before it stopped, that nothing
 * was made twice, and that applying again finishes the setup from where it stopped.
 *
 * @remarks
 * A cancel stops the apply before its next request to Okta (see `applySetup`). A change whose
 * request reached Okta without an outcome journaled (an answer lost, the read that would have
 * settled it dropped by the cancel, a step of several requests stopped halfway) is said apart,
 * since the next apply first reads the org to see what of it is there; only without one is every
 * request said to be answered and recorded.
 */
export function cancelledApply(error: ApplyCancelledError): AppError {
  const { made, notMade, inDoubt } = error;
  // A secret made before the cancel that the keychain could not keep is said, as after any apply.
  const lost = keychainWarning(error);
  if (made.length === 0 && inDoubt.length === 0) {
    return new AppError(
      {
        code: 'CANCELLED',
        message:
          'The apply was cancelled, as you asked, before its first change: nothing was written to the org.',
        hint: 'Apply again when you are ready: the plan below is what it will do.',
      },
      { cause: error },
    );
  }
  const total = made.length + notMade.length + inDoubt.length;
  const parts = [
    `The apply was cancelled, as you asked: it stopped before its next request to Okta, with ${String(made.length)} of ${String(total)} changes made${made.length === 0 ? '' : ` (${someOf(made)})`}.`,
  ];
  if (inDoubt.length > 0) {
    parts.push(
      `Not known yet: ${someOf(inDoubt)} — a request of ${inDoubt.length === 1 ? 'it' : 'them'} reached Okta and its outcome was not settled before the cancel; the next apply reads the org to see what is there before it writes anything, so nothing is made twice.`,
    );
  } else {
    parts.push(
      'Nothing was made twice: every request Okta had received was answered and recorded in the journal.',
    );
  }
  if (lost !== null) {
    parts.push(lost);
  }
  return new AppError(
    {
      code: 'CANCELLED',
      message: parts.join(' '),
      hint: 'Apply again to finish the setup: it continues from the journal and creates nothing twice. If Okta’s rate limit is still in force, it waits for the reset first.',
    },
    { cause: error },
  );
}

/**
 * What the admin reads after cancelling a plan: that it stopped reading, that nothing changed,
 * and how to plan again.
 *
 * @remarks
 * A plan only reads, so unlike a cancelled apply there is nothing to count: what its reads
 * answered is let go with it, and no plan is held to apply. Said whether the cancel came while
 * a read waited for Okta's rate limit or after the last read answered — the cancel was
 * answered `cancelled: true`, so the plan it named never appears.
 */
export function cancelledPlan(cause: unknown): AppError {
  return new AppError(
    {
      code: 'CANCELLED',
      message:
        'Planning was cancelled, as you asked: the console stopped reading the org, dropping at once any read still waiting (for Okta’s rate limit, say), and made no plan. A plan only reads, so nothing in the org was changed.',
      hint: 'Plan again when you are ready. If Okta’s rate limit is still in force, the plan waits for its reset first.',
    },
    { cause },
  );
}
