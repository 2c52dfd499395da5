import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** Okta's default password policy text, as its validation error states it. */
export const PASSWORD_REQUIREMENTS =
  'Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.';

/**
 * Whether `password` meets Okta's default policy for a user with `login`.
 *
 * @remarks
 * "No parts of your username" is checked the way Okta describes it: the part of the login before
 * the `@` may not appear in the password.
 */
export function meetsPasswordPolicy(password: string, login: string): boolean {
  const userPart = login.split('@')[0]?.toLowerCase() ?? '';
  return (
    password.length >= 8 &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /\d/.test(password) &&
    (userPart.length < 3 || !password.toLowerCase().includes(userPart))
  );
}

// A low scrypt cost: these are sandbox users, and seeding 100k of them must stay fast.
const SCRYPT_OPTIONS = { N: 1024, r: 8, p: 1 };

/** Hashes a password as `salt:hash` (hex). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(password, salt, 32, SCRYPT_OPTIONS).toString('hex')}`;
}

/** Whether `password` matches a hash from {@link hashPassword}. */
export function verifyPassword(password: string, stored: string): boolean {
  const [saltHex, hashHex] = stored.split(':');
  if (saltHex === undefined || hashHex === undefined) {
    return false;
  }
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length, SCRYPT_OPTIONS);
  return timingSafeEqual(actual, expected);
}
