import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { createLogger } from '../../../../../main/platform/logging/logger.ts';
import {
  createRedactor,
  describeError,
  isSecretName,
  redactText,
  redactValue,
} from '../../../../../main/platform/logging/redact.ts';

const TOKEN = `00${'Ab3_-'.repeat(8)}xy`;
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxIn0.c2lnbmF0dXJl';

/** The SDK's own HttpError, whose message is "HTTP", the status and the whole response body. */
const HttpError = createRequire(import.meta.url)('@okta/okta-sdk-nodejs/src/http-error.js') as new (
  url: string,
  status: number,
  body: string,
) => Error;

describe('redactText', () => {
  it.each([
    [`Authorization: SSWS ${TOKEN}`, 'Authorization: [redacted]'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: [redacted]'],
    ['sent Basic Y2xpZW50OnNlY3JldA== to /token', 'sent Basic [redacted] to /token'],
    [`token ${TOKEN} leaked`, 'token [redacted] leaked'],
    [`id_token=${JWT}&state=x`, 'id_token=[redacted]&state=[redacted]'],
    [`{"raw":"${JWT}"}`, '{"raw":"[redacted]"}'],
    ['client_secret=hunter2&grant_type=code', 'client_secret=[redacted]&grant_type=code'],
    ['{"apiToken":"whatever-it-is"}', '{"apiToken":"[redacted]"}'],
    ['code_verifier: abcdefgh', 'code_verifier: [redacted]'],
    // The audit's case: Okta's password shape kept its value behind the old pattern.
    [
      '{"credentials":{"password":{"value":"Tr0ub4dor&3"}},"profile":{"login":"a@example.com"}}',
      '{"credentials":{"password":"[redacted]"},"profile":{"login":"a@example.com"}}',
    ],
    [
      '{"clientSecret":"abc","secret":"def","code":"ghi","state":"jkl"}',
      '{"clientSecret":"[redacted]","secret":"[redacted]","code":"[redacted]","state":"[redacted]"}',
    ],
    ['Cookie: sid=abc; DT=def\nHost: x', 'Cookie: [redacted]\nHost: x'],
    ['https://admin:hunter2@dev-1.okta.com/x', 'https://admin:[redacted]@dev-1.okta.com/x'],
    [
      '{"message":"{\\"client_secret\\":\\"s3\\\\\\"cr\\"}"}',
      '{"message":"{\\"client_secret\\":\\"[redacted]\\"}"}',
    ],
  ])('redacts %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('redacts exact known secrets that match no pattern, longest first, and their encodings', () => {
    expect(
      redactText('pw=odd-secret-value; again odd-secret', ['odd-secret', 'odd-secret-value']),
    ).toBe('pw=[redacted]; again [redacted]');
    expect(redactText('x a%20b%26c%3Dd%2Be y a+b%26c%3Dd%2Be', ['a b&c=d+e'])).toBe(
      'x [redacted] y [redacted]',
    );
  });

  it('leaves ordinary text alone, prose words included', () => {
    for (const text of [
      'Connected https://dev-1.okta.com as admin@example.com (E0000011)',
      'The user is in state: ACTIVE; error code: E0000047',
      'Okta refused the API token while connecting: Invalid token provided (E0000011).',
      '{"errorCode":"E0000001","errorSummary":"Api validation failed: login","tokenEndpointAuthMethod":"client_secret_basic"}',
      'response_type=code&code_challenge_method=S256',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('can keep references to a secret kept elsewhere, for a config file the admin reads', () => {
    const config = [
      'client-secret: ${OKTA_CLIENT_SECRET}',
      'client_secret = $__env{GF_AUTH_OKTA_CLIENT_SECRET}',
      'clientSecret: $oidc.okta.clientSecret',
      'secret: ENV.fetch("GITLAB_OKTA_CLIENT_SECRET"),',
      'client_secret = var.okta_client_secret',
      'other_client_secret: an-inline-secret-nobody-told-us-about',
      'auth: SSWS ' + TOKEN,
    ].join('\n');
    expect(redactText(config, [], { keepReferences: true })).toBe(
      [
        'client-secret: ${OKTA_CLIENT_SECRET}',
        'client_secret = $__env{GF_AUTH_OKTA_CLIENT_SECRET}',
        'clientSecret: $oidc.okta.clientSecret',
        'secret: ENV.fetch("GITLAB_OKTA_CLIENT_SECRET"),',
        'client_secret = var.okta_client_secret',
        'other_client_secret: [redacted]',
        'auth: SSWS [redacted]',
      ].join('\n'),
    );
  });

  it('takes a raw @ in a URL password whole', () => {
    expect(redactText('https://admin:p@ss@dev-1.okta.com/api')).toBe(
      'https://admin:[redacted]@dev-1.okta.com/api',
    );
  });

  it('redacts a member name that is itself a credential', () => {
    expect(JSON.stringify(redactValue({ [TOKEN]: 1 }))).toBe('{"[redacted]":1}');
  });
});

describe('isSecretName', () => {
  it.each([
    'password',
    'client_secret',
    'clientSecret',
    'CLIENT-SECRET',
    'secret',
    'private_key',
    'token',
    'access_token',
    'id_token',
    'refresh_token',
    'code',
    'state',
    'code_verifier',
    'SSO_CONSOLE_API_TOKEN',
    'stateToken',
    'Authorization',
    'Set-Cookie',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['errorCode', 'token_type', 'tokenEndpointAuthMethod', 'login', 'status', 'scope'])(
    '%s is not',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('redactValue and describeError', () => {
  it('replaces members under secret names whole and redacts every string', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(
      redactValue({
        headers: { authorization: `SSWS ${TOKEN}`, accept: 'application/json' },
        body: { credentials: { password: { value: 'x' } } },
        note: `sent Bearer ${JWT}`,
        cyclic,
      }),
    ).toEqual({
      headers: { authorization: '[redacted]', accept: 'application/json' },
      body: { credentials: { password: '[redacted]' } },
      note: 'sent Bearer [redacted]',
      cyclic: { name: 'loop', self: '[…]' },
    });
  });

  it('never keeps an SDK error’s message, which is the whole response body', () => {
    const error = new HttpError(
      'https://dev-1.okta.com/api/v1/apps',
      400,
      '{"credentials":{"oauthClient":{"client_secret":"leaked-through-a-body"}}}',
    );
    expect(error.message).toContain('leaked-through-a-body');
    expect(describeError(error)).toBe('HttpError (HTTP 400)');
    expect(describeError(new TypeError(`bad Bearer ${JWT}`))).toBe(
      'TypeError: bad Bearer [redacted]',
    );
  });
});

describe('createRedactor', () => {
  it('knows every secret it is told, and only ones long enough to be secrets', () => {
    const redactor = createRedactor(['first-known-secret']);
    redactor.remember('second-known-secret');
    redactor.remember('short');
    redactor.remember(null);
    expect(redactor.text('first-known-secret second-known-secret short')).toBe(
      '[redacted] [redacted] short',
    );
  });
});

describe('createLogger', () => {
  it('redacts every line it writes, as a value, and the line stays JSON', () => {
    const lines: string[] = [];
    const redactor = createRedactor();
    redactor.remember('a-client-secret-the-console-made');
    const logger = createLogger({
      write: (line) => lines.push(line),
      clock: () => new Date(0),
      redactor,
    });
    logger.log('info', `calling with SSWS ${TOKEN}`, {
      header: `SSWS ${TOKEN}`,
      request: { client_secret: 'whatever', note: 'echo a-client-secret-the-console-made' },
      error: new HttpError('https://x', 500, `{"token":"${TOKEN}"}`),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain('whatever');
    expect(lines[0]).not.toContain('a-client-secret-the-console-made');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'info',
      time: '1970-01-01T00:00:00.000Z',
      error: 'HttpError (HTTP 500)',
    });
  });

  it('drops lines below the minimum level', () => {
    const lines: string[] = [];
    createLogger({ write: (line) => lines.push(line), minLevel: 'warn' }).log('info', 'quiet');
    expect(lines).toEqual([]);
  });
});
