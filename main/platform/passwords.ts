import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * The parts of a user's names that Okta's default password policy forbids in the password ("no
 * parts of your username"; the first and last name when the policy asks): each run of letters
 * and digits of three or more, lower-cased.
 */
function forbiddenParts(names: readonly string[]): string[] {
  return names
    .flatMap((name) => name.toLowerCase().split(/[^a-z0-9]+/))
    .filter((part) => part.length >= 3);
}

/**
 * A password that meets Okta's default policy (upper, lower, digit, 8+, no part of the user's
 * names), from a CSPRNG. Shown once to the admin; never written anywhere.
 *
 * @remarks
 * 20 random characters can spell a short login part by chance (`ada` in about one password in
 * 1,300 for `ada@example.com`), and Okta then refuses the user with E0000001: such a draw, or
 * one that lacks a character class, is thrown away and another made. Every character is drawn,
 * none fixed, so no name (`aa1@…`) can rule out every draw.
 */
export function generateTestUserPassword(names: readonly string[] = []): string {
  const parts = forbiddenParts(names);
  for (;;) {
    const password = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(
      '',
    );
    const lower = password.toLowerCase();
    if (
      /[a-z]/.test(password) &&
      /[A-Z]/.test(password) &&
      /\d/.test(password) &&
      !parts.some((part) => lower.includes(part))
    ) {
      return password;
    }
  }
}
