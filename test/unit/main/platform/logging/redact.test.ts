import { describe, expect, it } from 'vitest';

import { createLogger } from '../../../../../main/platform/logging/logger.ts';
import { redactSecrets } from '../../../../../main/platform/logging/redact.ts';

const TOKEN = `00${'Ab3_-'.repeat(8)}xy`;
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxIn0.c2lnbmF0dXJl';

describe('redactSecrets', () => {
  it.each([
    [`Authorization: SSWS ${TOKEN}`, 'Authorization: SSWS [redacted]'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['Authorization: Basic Y2xpZW50OnNlY3JldA==', 'Authorization: Basic [redacted]'],
    [`token ${TOKEN} leaked`, 'token [redacted] leaked'],
    [`id_token=${JWT}&state=x`, 'id_token=[redacted]&state=x'],
    [`{"raw":"${JWT}"}`, '{"raw":"[redacted]"}'],
    ['client_secret=hunter2&grant_type=code', 'client_secret=[redacted]&grant_type=code'],
    ['{"apiToken":"whatever-it-is"}', '{"apiToken":"[redacted]"}'],
    ['code_verifier: abcdefgh', 'code_verifier: [redacted]'],
  ])('redacts %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('redacts exact known secrets that match no pattern, longest first', () => {
    expect(
      redactSecrets('pw=odd-secret-value; again odd-secret', ['odd-secret', 'odd-secret-value']),
    ).toBe('pw=[redacted]; again [redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Connected https://dev-1.okta.com as admin@example.com (E0000011)';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('redacts every line it writes', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line), clock: () => new Date(0) });
    logger.log('info', `calling with SSWS ${TOKEN}`, { header: `SSWS ${TOKEN}` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'info',
      time: '1970-01-01T00:00:00.000Z',
    });
  });

  it('drops lines below the minimum level', () => {
    const lines: string[] = [];
    createLogger({ write: (line) => lines.push(line), minLevel: 'warn' }).log('info', 'quiet');
    expect(lines).toEqual([]);
  });
});
