import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import {
  createDispatcher,
  type Handlers,
  REQUEST_SECRET_MEMBERS,
} from '../../../../main/composition/dispatcher.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { isSecretName } from '../../../../main/platform/logging/redact.ts';
import { AppError } from '../../../../shared/errors.ts';
import { CHANNEL_NAMES, CHANNELS } from '../../../../shared/ipc/contract.ts';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = () => Promise.reject(new Error('not used in this test'));
  const base = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [channel, unused]),
  ) as unknown as Handlers;
  return { ...base, ...overrides };
}

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ write: (line) => lines.push(line) }) };
}

describe('createDispatcher', () => {
  it('fails at start-up when a contract channel has no handler', () => {
    const incomplete = handlers();
    delete (incomplete as Partial<Handlers>)['profiles:remove'];
    expect(() => createDispatcher(incomplete, capture().logger)).toThrow(/profiles:remove/);
  });

  it('refuses unknown channels and requests that do not match the schema, without calling a handler', async () => {
    let calls = 0;
    const dispatch = createDispatcher(
      handlers({
        'profiles:switch': () => {
          calls += 1;
          return Promise.resolve({ profiles: [], activeProfileId: null });
        },
      }),
      capture().logger,
    );
    expect(await dispatch('profiles:drop-table', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await dispatch('profiles:switch', { profileId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await dispatch('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(calls).toBe(0);
  });

  it('passes the parsed request and returns the data', async () => {
    const dispatch = createDispatcher(
      handlers({
        'profiles:switch': ({ profileId }) =>
          Promise.resolve({ profiles: [], activeProfileId: profileId }),
      }),
      capture().logger,
    );
    expect(await dispatch('profiles:switch', { profileId: 'p1' })).toEqual({
      ok: true,
      data: { profiles: [], activeProfileId: 'p1' },
    });
  });

  it('turns an AppError into its value, redacting any secret in it', async () => {
    const token = `00${'a'.repeat(40)}`;
    const dispatch = createDispatcher(
      handlers({
        'profiles:list': () =>
          Promise.reject(
            new AppError({
              code: 'TOKEN_INVALID',
              message: `bad SSWS ${token}`,
              hint: 'h',
              field: 'apiToken',
            }),
          ),
      }),
      capture().logger,
    );
    const result = await dispatch('profiles:list', {});
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_INVALID', field: 'apiToken' },
    });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('answers INTERNAL for an unexpected throw, keeping its text out of the answer but in the (redacted) log', async () => {
    const { lines, logger } = capture();
    const dispatch = createDispatcher(
      handlers({ 'profiles:list': () => Promise.reject(new Error('boom Bearer abc.def.ghi')) }),
      logger,
    );
    const result = await dispatch('profiles:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('boom');
    expect(lines.join('\n')).toContain('boom Bearer [redacted]');
  });

  it('never logs an SDK error’s message, which carries the whole response body', async () => {
    const HttpError = createRequire(import.meta.url)(
      '@okta/okta-sdk-nodejs/src/http-error.js',
    ) as new (url: string, status: number, body: string) => Error;
    const { lines, logger } = capture();
    const dispatch = createDispatcher(
      handlers({
        'profiles:list': () =>
          Promise.reject(
            new HttpError('https://dev-1.okta.com/api/v1/apps', 400, '{"note":"echoed-body-text"}'),
          ),
      }),
      logger,
    );
    await dispatch('profiles:list', {});
    expect(lines.join('\n')).not.toContain('echoed-body-text');
    expect(lines.join('\n')).toContain('HttpError (HTTP 400)');
  });

  it('remembers a token a request carries, so no later error or log line shows it', async () => {
    const typed = 'a-token-of-no-known-shape-at-all';
    const { lines, logger } = capture();
    const dispatch = createDispatcher(
      handlers({
        'profiles:add': ({ orgUrl }) =>
          Promise.reject(
            new AppError({
              code: 'OKTA_ERROR',
              message: `${orgUrl} echoed ${typed}`,
              hint: `retry without ${typed}`,
            }),
          ),
        'profiles:list': () => Promise.reject(new Error(`later: ${typed}`)),
      }),
      logger,
    );
    const added = await dispatch('profiles:add', {
      orgUrl: 'https://dev-1.okta.com',
      apiToken: typed,
    });
    await dispatch('profiles:list', {});
    expect(JSON.stringify(added)).toContain('echoed [redacted]');
    expect(JSON.stringify(added)).not.toContain(typed);
    expect(lines.join('\n')).toContain('later: [redacted]');
    expect(lines.join('\n')).not.toContain(typed);
  });
});

/** Every member of a zod schema, with the schema of its value, at any depth. */
function membersOf(
  schema: unknown,
  seen = new Set<unknown>(),
): [string, { def: { type: string } }][] {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) {
    return [];
  }
  seen.add(schema);
  const def = (schema as { def?: Record<string, unknown> }).def ?? {};
  const inner = [
    def.innerType,
    def.element,
    def.in,
    def.out,
    ...((def.options as unknown[] | undefined) ?? []),
  ];
  const shape = (def.shape ?? {}) as Record<string, { def: { type: string } }>;
  return [
    ...Object.entries(shape).flatMap(([name, member]) => [
      [name, member] as [string, { def: { type: string } }],
      ...membersOf(member, seen),
    ]),
    ...inner.flatMap((child) => membersOf(child, seen)),
  ];
}

/** The type under any optional, nullable or default wrapper. */
function baseType(schema: { def: { type: string; innerType?: unknown } }): string {
  const { type, innerType } = schema.def;
  return ['optional', 'nullable', 'default'].includes(type) && innerType !== undefined
    ? baseType(innerType as { def: { type: string; innerType?: unknown } })
    : type;
}

describe('the secrets a request carries', () => {
  it('are every secret-named string member of the contract', () => {
    const unlisted = CHANNEL_NAMES.flatMap((channel) =>
      membersOf(CHANNELS[channel].request)
        .filter(([name]) => isSecretName(name) && !REQUEST_SECRET_MEMBERS.has(name))
        // A boolean (`inlineSecret`), a literal or an enum is a label, never a secret.
        .filter(([, member]) => baseType(member) === 'string')
        .map(([name]) => `${channel}: ${name}`),
    );
    expect(unlisted).toEqual([]);
  });

  it('leaves a label under a secret-like name alone, so later messages keep it', async () => {
    const { logger } = capture();
    const dispatch = createDispatcher(
      handlers({
        'setup:reveal-secret': () =>
          Promise.reject(
            new AppError({
              code: 'SECRET_NOT_FOUND',
              message:
                'No client-secret is kept for this app. Add client-secret: "${KESTRA_OIDC_CLIENT_SECRET}".',
              hint: 'Apply again.',
            }),
          ),
      }),
      logger,
    );
    const answer = await dispatch('setup:reveal-secret', {
      secret: 'client-secret',
      clientId: '0oa1',
    });
    expect(answer).toMatchObject({
      error: {
        message:
          'No client-secret is kept for this app. Add client-secret: "${KESTRA_OIDC_CLIENT_SECRET}".',
      },
    });
  });
});
