import { describe, expect, it } from 'vitest';

import {
  defaultRefreshTokenSettings,
  judgeRefreshTokenUse,
  refreshTokenSettingsOf,
  resolveRefreshTokenSettings,
} from '../../../../../main/sandbox/oidc/refresh-token-rotation.ts';
import type { SandboxApp } from '../../../../../main/sandbox/sandbox-org.ts';

const REFRESHING = ['authorization_code', 'refresh_token'];

describe('defaultRefreshTokenSettings', () => {
  it('rotates for SPAs only, with a 30-second leeway (management.yaml)', () => {
    expect(defaultRefreshTokenSettings('browser')).toEqual({ rotation_type: 'ROTATE', leeway: 30 });
    for (const type of ['web', 'native', 'service']) {
      expect(defaultRefreshTokenSettings(type)).toEqual({ rotation_type: 'STATIC', leeway: 30 });
    }
  });
});

describe('resolveRefreshTokenSettings', () => {
  it('defaults an app that may refresh, and gives none to one that may not', () => {
    expect(
      resolveRefreshTokenSettings(undefined, {
        applicationType: 'browser',
        grantTypes: REFRESHING,
        previous: undefined,
      }),
    ).toEqual({ ok: true, settings: { rotation_type: 'ROTATE', leeway: 30 } });
    expect(
      resolveRefreshTokenSettings(null, {
        applicationType: 'web',
        grantTypes: ['authorization_code'],
        previous: undefined,
      }),
    ).toEqual({ ok: true, settings: undefined });
  });

  it('keeps the previous setting when a replace leaves it out', () => {
    expect(
      resolveRefreshTokenSettings(undefined, {
        applicationType: 'browser',
        grantTypes: REFRESHING,
        previous: { rotation_type: 'STATIC', leeway: 12 },
      }),
    ).toEqual({ ok: true, settings: { rotation_type: 'STATIC', leeway: 12 } });
  });

  it('takes what is sent, the leeway defaulting to 30', () => {
    const app = { applicationType: 'web', grantTypes: REFRESHING, previous: undefined };
    expect(resolveRefreshTokenSettings({ rotation_type: 'ROTATE', leeway: 0 }, app)).toEqual({
      ok: true,
      settings: { rotation_type: 'ROTATE', leeway: 0 },
    });
    expect(resolveRefreshTokenSettings({ rotation_type: 'ROTATE', leeway: 60 }, app)).toEqual({
      ok: true,
      settings: { rotation_type: 'ROTATE', leeway: 60 },
    });
    expect(resolveRefreshTokenSettings({ rotation_type: 'STATIC' }, app)).toEqual({
      ok: true,
      settings: { rotation_type: 'STATIC', leeway: 30 },
    });
  });

  it.each([
    [
      'ROTATE',
      'Api validation failed: refresh_token',
      'refresh_token: The field has an invalid value',
    ],
    [{ leeway: 5 }, 'Api validation failed: rotation_type', "''rotation_type'' is required."],
    [
      { rotation_type: 'rotate' },
      'Api validation failed: rotationType',
      'rotationType: The field has an invalid value',
    ],
    [{ rotation_type: 'ROTATE', leeway: -1 }, 'Api validation failed: leeway', 'from 0 to 60'],
    [{ rotation_type: 'ROTATE', leeway: 61 }, 'Api validation failed: leeway', 'from 0 to 60'],
    [{ rotation_type: 'ROTATE', leeway: 2.5 }, 'Api validation failed: leeway', 'whole number'],
    [{ rotation_type: 'ROTATE', leeway: '30' }, 'Api validation failed: leeway', 'whole number'],
  ])('refuses %j with Okta’s E0000001 summary and cause', (given, summary, cause) => {
    const resolved = resolveRefreshTokenSettings(given, {
      applicationType: 'web',
      grantTypes: REFRESHING,
      previous: undefined,
    });
    expect(resolved.ok).toBe(false);
    expect(resolved.ok ? undefined : resolved.problem.summary).toBe(summary);
    expect(resolved.ok ? '' : resolved.problem.cause).toContain(cause);
  });
});

describe('refreshTokenSettingsOf', () => {
  const app = (oauthClient: Record<string, unknown>) =>
    ({ record: { settings: { oauthClient } } }) as unknown as SandboxApp;

  it('reads the stored setting, or the type’s defaults for an app stored without one', () => {
    expect(
      refreshTokenSettingsOf(app({ refresh_token: { rotation_type: 'ROTATE', leeway: 7 } })),
    ).toEqual({ rotation_type: 'ROTATE', leeway: 7 });
    expect(refreshTokenSettingsOf(app({ application_type: 'browser' }))).toEqual({
      rotation_type: 'ROTATE',
      leeway: 30,
    });
    expect(refreshTokenSettingsOf(app({}))).toEqual({ rotation_type: 'STATIC', leeway: 30 });
  });
});

describe('judgeRefreshTokenUse', () => {
  const rotate = (leeway: number) => ({ rotation_type: 'ROTATE' as const, leeway });
  const usedAt = (ms: number) => ({ consumed: Math.floor(ms / 1000), firstUsedAtMs: ms });

  it('lets a token never used through, whatever the setting', () => {
    expect(judgeRefreshTokenUse({}, rotate(0), 5_000)).toBe('use');
    expect(judgeRefreshTokenUse({}, { rotation_type: 'STATIC', leeway: 30 }, 5_000)).toBe('use');
  });

  it('gives a used token a grace period of the leeway from its first use', () => {
    expect(judgeRefreshTokenUse(usedAt(1_000), rotate(30), 1_000)).toBe('grace');
    expect(judgeRefreshTokenUse(usedAt(1_000), rotate(30), 30_999)).toBe('grace');
    expect(judgeRefreshTokenUse(usedAt(1_000), rotate(30), 31_000)).toBe('reuse');
  });

  it('allows no reuse at all with leeway 0', () => {
    expect(judgeRefreshTokenUse(usedAt(1_000), rotate(0), 1_000)).toBe('reuse');
  });

  it('treats a used token as reused once the app is STATIC, or when its first use is unknown', () => {
    expect(
      judgeRefreshTokenUse(usedAt(1_000), { rotation_type: 'STATIC', leeway: 30 }, 1_000),
    ).toBe('reuse');
    expect(judgeRefreshTokenUse({ consumed: 1 }, rotate(30), 1_000)).toBe('reuse');
  });
});
