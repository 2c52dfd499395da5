import { asObject } from '../../platform/json.ts';
import type { SandboxApp } from '../sandbox-org.ts';

/**
 * Okta's refresh-token behaviour of an OIDC app (`settings.oauthClient.refresh_token`): how the
 * app's setting is validated, defaulted and kept, and what a `grant_type=refresh_token` request
 * may do with a token under it.
 *
 * @remarks
 * What Okta documents, and where:
 * - The setting is `{ rotation_type: ROTATE | STATIC, leeway }` with `rotation_type` required,
 *   `leeway` an integer 0–60 seconds defaulting to 30 (management.yaml
 *   `OpenIdConnectApplicationSettingsRefreshToken`).
 * - ROTATE is "the default rotation type for single-page apps (SPAs)", STATIC "the default
 *   rotation type for all clients, except SPAs" (management.yaml
 *   `OpenIdConnectRefreshTokenRotationType`, `x-enumDescriptions`); an SPA is
 *   `application_type: browser`.
 * - "If you don't set these properties when you create an app integration, the default values
 *   are used. When you update an app integration, your previously configured values are used."
 *   (management.yaml, same schema).
 * - STATIC (persistent): "the same refresh token is returned each time the client makes a
 *   request to exchange a refresh token for a new access token until the refresh token lifetime
 *   expires" (developer.okta.com/docs/guides/refresh-tokens/overview).
 * - ROTATE: "a new refresh token is returned each time"; the used one is invalidated "as soon as
 *   the new tokens are issued"; reusing it makes Okta invalidate "the most recently issued
 *   refresh token and all access tokens issued since the user authenticated", logged as
 *   `app.oauth2.token.detect_reuse` (org server) / `app.oauth2.as.token.detect_reuse` (custom
 *   server). The leeway is a grace period: "After the refresh token is rotated, the previous
 *   token remains valid for the configured amount of time"
 *   (developer.okta.com/docs/guides/refresh-tokens/refresh-token-rotation). "A leeway of 0
 *   doesn't necessarily mean that the previous token is immediately invalidated. The previous
 *   token is invalidated after the new token is generated and returned in the response."
 *   (management.yaml) — so with 0 every later reuse fails.
 * - A refused refresh token: `invalid_grant` "The refresh token is invalid or expired.", System
 *   Log `outcome.reason` `invalid_refresh_token` (support.okta.com, "Okta Refresh Token Invalid
 *   or Expired Error").
 */

/** `OpenIdConnectRefreshTokenRotationType`. */
export type RotationType = 'ROTATE' | 'STATIC';

/** `OpenIdConnectApplicationSettingsRefreshToken`, as the sandbox stores and renders it. */
export interface RefreshTokenSettings {
  rotation_type: RotationType;
  /** Seconds a rotated-out token stays usable after its first use. */
  leeway: number;
}

/** management.yaml's `leeway` default and bounds, in seconds. */
export const DEFAULT_LEEWAY_SECONDS = 30;
export const MAX_LEEWAY_SECONDS = 60;

/** Okta's `/token` answer to a refresh token it will not honour (and the System Log reason). */
export const REFRESH_TOKEN_INVALID = {
  error: 'invalid_grant',
  description: 'The refresh token is invalid or expired.',
  logReason: 'invalid_refresh_token',
} as const;

/** The defaults of an app created without a `refresh_token` setting: ROTATE for SPAs only. */
export function defaultRefreshTokenSettings(applicationType: string): RefreshTokenSettings {
  return {
    rotation_type: applicationType === 'browser' ? 'ROTATE' : 'STATIC',
    leeway: DEFAULT_LEEWAY_SECONDS,
  };
}

/** A refused setting: Okta's `E0000001` summary and cause. */
export interface RefreshTokenSettingsProblem {
  summary: string;
  cause: string;
}

function isSettings(value: unknown): value is RefreshTokenSettings {
  const object = asObject(value);
  return (
    (object.rotation_type === 'ROTATE' || object.rotation_type === 'STATIC') &&
    Number.isInteger(object.leeway) &&
    (object.leeway as number) >= 0 &&
    (object.leeway as number) <= MAX_LEEWAY_SECONDS
  );
}

/**
 * The `refresh_token` setting an app is stored with after a create or replace, or Okta's reason
 * to refuse what was sent.
 *
 * @remarks
 * Sent: validated and kept (`leeway` defaulting to 30). Not sent: the app's previous setting on a
 * replace, else the defaults when the app may use refresh tokens (`refresh_token` among its
 * grant types), else none — whether Okta also renders the defaults on apps without that grant is
 * unverified; the sandbox leaves them out. The refusal texts: an unknown `rotation_type` is
 * okta/okta-sdk-python#284's observed "Api validation failed: rotationType" / "rotationType: The
 * field has an invalid value"; a missing one is okta/terraform-provider-okta#1629's observed
 * cause "''rotation_type'' is required." (Okta doubles the quotes; the summary line is
 * unverified); a `leeway` out of 0–60 is refused in the sandbox's words (Okta's are unverified).
 *
 * @returns `settings: undefined` when the app has none.
 */
export function resolveRefreshTokenSettings(
  given: unknown,
  app: { applicationType: string; grantTypes: readonly unknown[]; previous: unknown },
):
  | { ok: true; settings: RefreshTokenSettings | undefined }
  | { ok: false; problem: RefreshTokenSettingsProblem } {
  if (given === undefined || given === null) {
    if (isSettings(app.previous)) {
      return { ok: true, settings: { ...app.previous } };
    }
    return {
      ok: true,
      settings: app.grantTypes.includes('refresh_token')
        ? defaultRefreshTokenSettings(app.applicationType)
        : undefined,
    };
  }
  if (typeof given !== 'object' || Array.isArray(given)) {
    return {
      ok: false,
      problem: {
        summary: 'Api validation failed: refresh_token',
        cause: 'refresh_token: The field has an invalid value',
      },
    };
  }
  const { rotation_type: rotationType, leeway } = given as Record<string, unknown>;
  if (rotationType === undefined || rotationType === null || rotationType === '') {
    return {
      ok: false,
      problem: {
        summary: 'Api validation failed: rotation_type',
        cause: "''rotation_type'' is required.",
      },
    };
  }
  if (rotationType !== 'ROTATE' && rotationType !== 'STATIC') {
    return {
      ok: false,
      problem: {
        summary: 'Api validation failed: rotationType',
        cause: 'rotationType: The field has an invalid value',
      },
    };
  }
  if (leeway === undefined || leeway === null) {
    return { ok: true, settings: { rotation_type: rotationType, leeway: DEFAULT_LEEWAY_SECONDS } };
  }
  if (
    !Number.isInteger(leeway) ||
    (leeway as number) < 0 ||
    (leeway as number) > MAX_LEEWAY_SECONDS
  ) {
    return {
      ok: false,
      problem: {
        summary: 'Api validation failed: leeway',
        cause: `leeway: The leeway must be a whole number of seconds from 0 to ${String(MAX_LEEWAY_SECONDS)}.`,
      },
    };
  }
  return { ok: true, settings: { rotation_type: rotationType, leeway: leeway as number } };
}

/**
 * The refresh-token setting an app works under at `/token`: its stored one, or its type's
 * defaults for an app stored without one (an older state file, a seed).
 */
export function refreshTokenSettingsOf(app: SandboxApp): RefreshTokenSettings {
  const oauthClient = asObject(asObject(app.record.settings).oauthClient);
  const stored = oauthClient.refresh_token;
  if (isSettings(stored)) {
    return stored;
  }
  return defaultRefreshTokenSettings(
    typeof oauthClient.application_type === 'string' ? oauthClient.application_type : 'web',
  );
}

/** What the sandbox remembers of a refresh token to judge its next use. */
export interface RefreshTokenUse {
  /** The provider's `consumed` mark: set once a rotation has used the token. */
  consumed?: unknown;
  /** When a rotation first used the token, in sandbox milliseconds (see `oidc-storage.ts`). */
  firstUsedAtMs?: unknown;
}

/**
 * What a refresh token presented at `/token` may do: `use` (never used, or STATIC), `grace` (a
 * rotated-out token reused within the leeway of its first use: it gets new tokens once more) or
 * `reuse` (after the leeway, or with leeway 0: Okta's reuse detection).
 *
 * @remarks
 * The grace period runs from the token's first use, not from each reuse, so replaying it inside
 * the leeway never extends it. A token used under ROTATE that the app now says is STATIC is
 * still a used token: `reuse`.
 */
export function judgeRefreshTokenUse(
  token: RefreshTokenUse,
  settings: RefreshTokenSettings,
  nowMs: number,
): 'use' | 'grace' | 'reuse' {
  if (token.consumed === undefined || token.consumed === null || token.consumed === false) {
    return 'use';
  }
  const firstUsed = typeof token.firstUsedAtMs === 'number' ? token.firstUsedAtMs : undefined;
  if (settings.rotation_type !== 'ROTATE' || firstUsed === undefined) {
    return 'reuse';
  }
  return nowMs - firstUsed < settings.leeway * 1000 ? 'grace' : 'reuse';
}
