import { z } from 'zod';

/**
 * Every failure the console reports, as a closed set of stable codes.
 *
 * @remarks
 * Codes are part of the contract: the renderer, the command line and tests key on them, never on
 * message text. Okta's own `errorCode`s (E0000011, E0000047, …) are mapped onto these in
 * `main/okta/okta-errors.ts`.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'INVALID_RESPONSE',
  'UNTRUSTED_SENDER',
  'ORG_URL_MALFORMED',
  'ORG_URL_ADMIN_DOMAIN',
  'ORG_URL_PLACEHOLDER',
  'ORG_URL_HAS_PATH',
  'ORG_URL_INSECURE',
  'ORG_UNREACHABLE',
  'ORG_NOT_OKTA',
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'PERMISSION_DENIED',
  'RATE_LIMITED',
  'OKTA_ERROR',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_VALUE_TOO_LARGE',
  'PROFILE_NOT_FOUND',
  'PROFILE_EXISTS',
  'PROFILES_FILE_NEWER',
  'SANDBOX_FAILED',
  'NO_ORG_CONNECTED',
  'SETUP_BLOCKED',
  'PLAN_STALE',
  'PLAN_NOT_FOUND',
  'APPLY_IN_PROGRESS',
  'PREVIEW_IN_PROGRESS',
  'APP_CHANGE_IN_PROGRESS',
  'SECRET_NOT_FOUND',
  'EXPORT_REFUSED',
  'FILE_NOT_WRITTEN',
  'EXPORT_NOT_VERIFIED',
  'CANCELLED',
  'INTERNAL',
] as const;

/** Schema of {@link ErrorCode}. */
export const errorCodeSchema = z.enum(ERROR_CODES);

/** A stable failure code; see {@link ERROR_CODES}. */
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/**
 * A failure as it crosses a boundary (IPC, HTTP, command line).
 *
 * @remarks
 * `message` says what happened and why, `hint` what to do next. `field` names the form field the
 * error belongs to, so the renderer can show it in place.
 */
export const appErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  hint: z.string(),
  field: z.string().optional(),
});

/** A failure as a plain value; see {@link appErrorSchema}. */
export type AppErrorValue = z.infer<typeof appErrorSchema>;

/**
 * A failure thrown inside main-side services and turned into an {@link AppErrorValue} at the edge.
 *
 * @remarks
 * Throwing keeps service code linear; the IPC router and the HTTP transport catch it and send the
 * value, because a thrown error loses everything but its message when it crosses IPC.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly field: string | undefined;

  constructor(value: AppErrorValue, options?: { cause?: unknown }) {
    super(value.message, options);
    this.name = 'AppError';
    this.code = value.code;
    this.hint = value.hint;
    this.field = value.field;
  }

  /** The value that crosses boundaries. */
  toValue(): AppErrorValue {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}

/** Whether `value` is an {@link AppError}. */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
