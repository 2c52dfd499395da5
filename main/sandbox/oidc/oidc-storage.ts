import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * In-memory storage for one authorization server's OIDC artifacts (codes, sessions, tokens,
 * interactions, grants).
 *
 * @remarks
 * It lives outside the `oidc-provider` instance on purpose: the sandbox rebuilds a server's
 * provider when its keys or claims change through the management API, and a login that is half
 * way through must survive that. Entries expire like the provider asks (`expiresIn`).
 */
export class OidcArtifactStore {
  readonly #entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** An `oidc-provider` adapter for one model, backed by this store. */
  adapterFor(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    const live = (id: string): AdapterPayload | undefined => {
      const entry = this.#entries.get(id);
      if (entry === undefined) {
        return undefined;
      }
      if (entry.expiresAt <= this.#now()) {
        this.#entries.delete(id);
        return undefined;
      }
      return entry.payload;
    };
    return {
      upsert: (id, payload, expiresIn = 3600) => {
        this.#entries.set(key(id), { payload, expiresAt: this.#now() + expiresIn * 1000 });
        if (payload.uid !== undefined) {
          this.#entries.set(`${model}:uid:${payload.uid}`, {
            payload,
            expiresAt: this.#now() + expiresIn * 1000,
          });
        }
        if (payload.userCode !== undefined) {
          this.#entries.set(`${model}:userCode:${payload.userCode}`, {
            payload,
            expiresAt: this.#now() + expiresIn * 1000,
          });
        }
        return Promise.resolve();
      },
      find: (id) => Promise.resolve(live(key(id))),
      findByUid: (uid) => Promise.resolve(live(`${model}:uid:${uid}`)),
      findByUserCode: (userCode) => Promise.resolve(live(`${model}:userCode:${userCode}`)),
      consume: (id) => {
        const payload = live(key(id));
        if (payload !== undefined) {
          const now = this.#now();
          payload.consumed = Math.floor(now / 1000);
          // A rotated refresh token's grace period runs from its first use, to the millisecond
          // (`consumed` has whole seconds): see refresh-token-rotation.ts.
          payload.firstUsedAtMs ??= now;
        }
        return Promise.resolve();
      },
      destroy: (id) => {
        this.#entries.delete(key(id));
        return Promise.resolve();
      },
      revokeByGrantId: (grantId) => {
        for (const [id, entry] of this.#entries) {
          if (entry.payload.grantId === grantId) {
            this.#entries.delete(id);
          }
        }
        return Promise.resolve();
      },
    };
  }

  /**
   * Forgets every session of `accountId` (`DELETE /api/v1/users/{id}/sessions`), and with
   * `tokens` also the codes, grants and access and refresh tokens issued to them (`oauthTokens`).
   * Returns how many entries went.
   */
  revokeAccount(accountId: string, tokens: boolean): number {
    const models = tokens
      ? ['Session:', 'AccessToken:', 'RefreshToken:', 'AuthorizationCode:', 'Grant:']
      : ['Session:'];
    let removed = 0;
    for (const [id, entry] of this.#entries) {
      if (entry.payload.accountId === accountId && models.some((model) => id.startsWith(model))) {
        this.#entries.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * Forgets everything issued under one grant — its refresh and access tokens, codes and the
   * grant itself: Okta's answer to a rotated refresh token replayed after its leeway. Returns
   * how many entries went.
   */
  revokeGrant(grantId: string): number {
    let removed = 0;
    for (const [id, entry] of this.#entries) {
      if (entry.payload.grantId === grantId) {
        this.#entries.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * Lets a used refresh token be redeemed once more, within its grace period: clears the
   * provider's `consumed` mark (which would make `oidc-provider` revoke the grant) and keeps
   * `firstUsedAtMs`, so the grace period still runs from the first use. Answers the function
   * that puts the mark back if nothing used the token meanwhile (the request failed).
   */
  reopenRefreshToken(id: string): () => void {
    const payload = this.#entries.get(`RefreshToken:${id}`)?.payload;
    const consumed: unknown = payload?.consumed;
    if (payload === undefined || consumed === undefined) {
      return () => undefined;
    }
    delete payload.consumed;
    return () => {
      payload.consumed ??= consumed;
    };
  }

  /** The stored payload of an artifact, e.g. an authorization code, if it is still valid. */
  peek(model: string, id: string): AdapterPayload | undefined {
    const entry = this.#entries.get(`${model}:${id}`);
    return entry !== undefined && entry.expiresAt > this.#now() ? entry.payload : undefined;
  }
}
