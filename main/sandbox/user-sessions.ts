import type { SandboxOrg } from './sandbox-org.ts';

/** A management request to end a user's sessions (`DELETE /api/v1/users/{userId}/sessions`). */
export interface SessionRevocation {
  userId: string;
  /** `oauthTokens=true`: also revoke the OIDC and OAuth access and refresh tokens issued to them. */
  oauthTokens: boolean;
}

type RevocationListener = (revocation: SessionRevocation) => void;

const listeners = new WeakMap<SandboxOrg, Set<RevocationListener>>();

/**
 * Subscribes to the org's session revocations; returns the unsubscribe function.
 *
 * @remarks
 * The management API does not hold the sessions: `oidc-provider` keeps them, with the tokens, in
 * each authorization server's artifact store (`oidc/oidc-storage.ts`). The OIDC layer
 * (`oidc/context.ts`) listens here and drops the user's `Session` entries (and, with
 * `oauthTokens`, their `AccessToken`, `RefreshToken`, `AuthorizationCode` and `Grant` entries).
 */
export function onUserSessionsRevoked(org: SandboxOrg, listener: RevocationListener): () => void {
  let set = listeners.get(org);
  if (set === undefined) {
    set = new Set();
    listeners.set(org, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Tells every subscriber that a user's sessions were revoked; returns how many were told. */
export function revokeUserSessions(org: SandboxOrg, revocation: SessionRevocation): number {
  const set = listeners.get(org);
  for (const listener of set ?? []) {
    listener(revocation);
  }
  return set?.size ?? 0;
}
