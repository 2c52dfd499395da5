/**
 * Okta `filter` and `search` expressions, built in one place so that a value can never change an
 * expression's meaning.
 *
 * @remarks
 * Okta's expressions follow SCIM (RFC 7644 §3.4.2.2), whose string values are JSON strings. A
 * value is therefore written with JSON's escaping: `"` and `\` are escaped, control characters
 * become `\uXXXX`. Escaping only `"` — what the console did before — left a backslash free to
 * escape the closing quote (`a\` ends the string early) or to form an escape the parser refuses
 * (`a\@x` is E0000031 "Invalid filter parameter"). Quoted this way, `and`, `or` and quotes
 * inside a value stay inside it.
 */

/** An attribute path as Okta names them: `status`, `profile.login`, `target.id`. */
const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A string value as an Okta expression holds it: quoted and escaped. */
export function filterString(value: string): string {
  return JSON.stringify(value);
}

function attributeName(attribute: string): string {
  if (!ATTRIBUTE.test(attribute)) {
    // The console's own code names attributes; a bad one is a bug, never user input.
    throw new Error(`"${attribute}" is not an Okta attribute path.`);
  }
  return attribute;
}

/** `attribute eq "value"`. */
export function filterEquals(attribute: string, value: string): string {
  return `${attributeName(attribute)} eq ${filterString(value)}`;
}

/** Expressions joined with `and`; each in parentheses, so an `or` inside one stays inside it. */
export function allOf(...expressions: string[]): string {
  return expressions.map((expression) => `(${expression})`).join(' and ');
}

/** `attribute eq "a" or attribute eq "b" …`: one request for several values. */
export function anyEquals(attribute: string, values: readonly string[]): string {
  if (values.length === 0) {
    throw new Error('anyEquals needs at least one value.');
  }
  return values.map((value) => filterEquals(attribute, value)).join(' or ');
}
