import { randomInt } from 'node:crypto';

/**
 * A password that meets Okta's default policy (upper, lower, digit, 8+), from a CSPRNG.
 * Shown once to the admin; never written anywhere.
 */
export function generateTestUserPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const body = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${body}-Aa1`;
}
