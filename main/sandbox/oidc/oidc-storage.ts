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
          payload.consumed = Math.floor(this.#now() / 1000);
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

  /** The stored payload of an artifact, e.g. an authorization code, if it is still valid. */
  peek(model: string, id: string): AdapterPayload | undefined {
    const entry = this.#entries.get(`${model}:${id}`);
    return entry !== undefined && entry.expiresAt > this.#now() ? entry.payload : undefined;
  }
}
