import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { ERROR_CODES } from '../../../../shared/errors.ts';
import {
  CHANNEL_NAMES,
  channelResultSchema,
  CHANNELS,
  EVENT_NAMES,
  EVENTS,
} from '../../../../shared/ipc/contract.ts';

describe('the IPC contract', () => {
  it('names every channel domain:action in kebab-case', () => {
    for (const channel of CHANNEL_NAMES) {
      expect(channel).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
    }
    for (const event of EVENT_NAMES) {
      expect(event).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
    }
  });

  it('gives every channel a request and a response schema, and every event a payload schema', () => {
    for (const channel of CHANNEL_NAMES) {
      expect(CHANNELS[channel].request).toBeInstanceOf(z.ZodType);
      expect(CHANNELS[channel].response).toBeInstanceOf(z.ZodType);
    }
    for (const event of EVENT_NAMES) {
      expect(EVENTS[event]).toBeInstanceOf(z.ZodType);
    }
  });

  it('rejects unknown request fields, so nothing extra slips into main', () => {
    expect(CHANNELS['profiles:list'].request.safeParse({ extra: 1 }).success).toBe(false);
    expect(
      CHANNELS['profiles:add'].request.safeParse({ orgUrl: 'x', apiToken: 'y', role: 'admin' })
        .success,
    ).toBe(false);
  });

  it('wraps responses in the result union with a closed set of error codes', () => {
    const schema = channelResultSchema('profiles:list');
    expect(
      schema.safeParse({ ok: true, data: { profiles: [], activeProfileId: null } }).success,
    ).toBe(true);
    const failure = { ok: false, error: { code: 'TOKEN_INVALID', message: 'm', hint: 'h' } };
    expect(schema.safeParse(failure).success).toBe(true);
    expect(
      schema.safeParse({ ok: false, error: { code: 'MADE_UP', message: 'm', hint: 'h' } }).success,
    ).toBe(false);
    expect(ERROR_CODES).toContain('KEYCHAIN_UNAVAILABLE');
  });

  it('has no channel whose response could carry an API token', () => {
    const forbidden = /(token|secret|password|verifier)$/i;
    for (const channel of CHANNEL_NAMES) {
      const shape = JSON.stringify(z.toJSONSchema(CHANNELS[channel].response));
      const keys = [...shape.matchAll(/"([A-Za-z]+)":\{/g)].map((match) => match[1] ?? '');
      expect(
        keys.filter((key) => forbidden.test(key)),
        channel,
      ).toEqual([]);
    }
  });
});
