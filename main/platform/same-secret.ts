import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets (a `state`, a session token) are equal, compared in constant time: an
 * early exit at the first differing byte would let whoever can time the answer guess a secret
 * one byte at a time. Only the length may leak, and a secret's length is no secret.
 */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
