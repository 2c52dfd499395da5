/**
 * Reading untyped JSON (Okta's answers, request bodies, files) without casts.
 *
 * @remarks
 * Every reader here answers a value of the asked type whatever it is given — an empty object, an
 * empty list, `undefined` — so a field Okta leaves out or a body a client malformed reads as
 * "absent" instead of throwing deep inside a comparison. One copy for the product's Okta layer
 * and for the sandbox org, which both read the same JSON from opposite ends.
 */

/** A JSON object, with its fields still unread. */
export type JsonObject = Record<string, unknown>;

/** `value` if it is a JSON object (not an array, not `null`), else `{}`. */
export function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : {};
}

/** The strings of `value` if it is an array (other items left out), else `[]`. */
export function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

/** `value` if it is a string, else `undefined`. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` if it is a string, else `''`: for fields whose absence reads as empty. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
