import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import type { OneClickFix } from '../preview-types.ts';

/** The scopes a setup switched to the default custom server starts with (the presets' own). */
const DEFAULT_SERVER_SCOPES = ['openid', 'email', 'profile'];

/** A fix the setup document cannot express for this setup, with the reason in the admin's terms. */
export class FixNotApplicableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixNotApplicableError';
  }
}

/**
 * The setup document with a one-click fix made: the fix as a change of "done", which the
 * plan/apply engine then makes in the org.
 *
 * @remarks
 * Every fix goes through the document, never straight to the org, for two reasons: the admin
 * sees it as a plan before anything changes, and the document stays the one description of the
 * setup, so the next apply does not undo the fix. Pure: it returns a new document.
 *
 * Two fixes leave the document as it is, because it already says what they restore and the
 * engine repairs the drift: `activate-app` (the planner plans an inactive app's activation) and
 * `allow-client-in-policy` (a custom-server setup always has an access policy admitting its
 * app; the planner plans one when no ACTIVE policy and rule do).
 *
 * @throws {@link FixNotApplicableError} when the document cannot express the fix, e.g. a scope
 * or a groups claim on the org authorization server, whose scopes and claims the API cannot
 * change.
 */
export function applyFixToDocument(fix: OneClickFix, document: SetupDocument): SetupDocument {
  const next = structuredClone(document);
  switch (fix.kind) {
    case 'add-redirect-uri': {
      const kept = next.app.redirectUris.filter((uri) => uri !== fix.replaces && uri !== fix.uri);
      const at = fix.replaces === undefined ? -1 : next.app.redirectUris.indexOf(fix.replaces);
      // The replacement takes the replaced URI's place, so the list reads as the admin wrote it.
      kept.splice(at < 0 ? kept.length : at, 0, fix.uri);
      next.app.redirectUris = kept;
      return next;
    }
    case 'assign-user': {
      const { assignments } = next;
      if (
        !next.app.implicitAssignment &&
        assignments.testUser?.email !== fix.login &&
        !assignments.users.some((user) => user.login === fix.login)
      ) {
        assignments.users.push({ login: fix.login });
      }
      return next;
    }
    case 'add-scope': {
      if (next.issuer.kind !== 'custom') {
        throw new FixNotApplicableError(
          `The org authorization server's scopes are fixed; the scope "${fix.scope}" can only be added on a custom authorization server.`,
        );
      }
      if (!next.issuer.scopes.includes(fix.scope)) {
        next.issuer.scopes.push(fix.scope);
      }
      return next;
    }
    case 'set-pkce-required':
      next.app.pkceRequired = fix.value;
      return next;
    case 'set-token-endpoint-auth-method':
      next.app.tokenEndpointAuthMethod = fix.method;
      if (fix.method === 'none') {
        // Okta requires PKCE of every client without a secret.
        next.app.pkceRequired = true;
      }
      return next;
    case 'allow-client-in-policy':
      if (next.issuer.kind !== 'custom') {
        throw new FixNotApplicableError(
          'The org authorization server has no access policies the console manages; this setup uses it.',
        );
      }
      return next;
    case 'activate-app':
      return next;
    case 'set-issuer': {
      const issuerMode = fix.issuerMode ?? next.issuer.issuerMode;
      const { groupsClaim } = next.issuer;
      if (fix.issuer === 'org') {
        // A groups claim moves along: on the org server it is set on the app's Sign On tab.
        next.issuer = {
          kind: 'org',
          issuerMode,
          ...(groupsClaim === undefined ? {} : { groupsClaim }),
        };
        return next;
      }
      const scopes = next.issuer.kind === 'custom' ? next.issuer.scopes : DEFAULT_SERVER_SCOPES;
      next.issuer = {
        kind: 'custom',
        server: { kind: 'existing', id: 'default' },
        issuerMode,
        scopes: [...scopes],
        ...(groupsClaim === undefined ? {} : { groupsClaim }),
      };
      return next;
    }
    case 'add-groups-claim': {
      // Every group of the user, as Okta's own guides start; the admin can narrow the filter.
      const claim = next.issuer.groupsClaim ?? {
        type: 'FILTER' as const,
        name: fix.name,
        filterType: 'REGEX' as const,
        value: '.*',
      };
      next.issuer.groupsClaim = { ...claim, name: fix.name };
      return next;
    }
    case 'add-trusted-origin': {
      const existing = next.trustedOrigins.find((origin) => origin.origin === fix.origin);
      if (existing === undefined) {
        next.trustedOrigins.push({
          name: `${next.app.label} (${fix.origin})`,
          origin: fix.origin,
          scopes: ['CORS', 'REDIRECT'],
        });
      } else if (!existing.scopes.includes('CORS')) {
        existing.scopes.push('CORS');
      }
      return next;
    }
  }
}
