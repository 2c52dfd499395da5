import { describe, expect, it } from 'vitest';

import { maskedSecret, newSecret } from '../../../../../main/sandbox/routes/app-secrets.ts';

describe('a client secret as Okta shows it after its creation', () => {
  it('keeps the first 12 and last 22 characters around six dots, as management.yaml shows', () => {
    // The spec's example, `DRUFXGF9XbLn......a3x3POBiIxDreBCdZuFs5B`, of a 40-character secret.
    const secret = 'DRUFXGF9XbLn' + 'HIDDEN' + 'a3x3POBiIxDreBCdZuFs5B';
    expect(maskedSecret(secret)).toBe('DRUFXGF9XbLn......a3x3POBiIxDreBCdZuFs5B');
  });

  it('never shows a generated secret in full', () => {
    const { secret } = newSecret('2026-01-01T00:00:00.000Z');
    expect(secret).toHaveLength(64);
    const masked = maskedSecret(secret);
    expect(masked).toBe(`${secret.slice(0, 12)}......${secret.slice(-22)}`);
    expect(masked).not.toContain(secret.slice(12, -22));
  });

  it('shows only the first and last quarter of a secret too short for that', () => {
    expect(maskedSecret('abcdefghijklmnop')).toBe('abcd......mnop');
    expect(maskedSecret('abc')).toBe('......');
  });
});
