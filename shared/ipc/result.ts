import { z } from 'zod';

import { appErrorSchema, type AppErrorValue } from '../errors.ts';

/**
 * Wraps a response schema in the contract's result union.
 *
 * @remarks
 * Failures are values (`{ ok: false, error }`), never exceptions, so the code, message and hint
 * survive any transport.
 */
export function resultSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: appErrorSchema }),
  ]);
}

/** The result of a contract call. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorValue };
