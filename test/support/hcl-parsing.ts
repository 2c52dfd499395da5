import { expect } from 'vitest';

/**
 * Reading exported HCL back with the real parser (`@cdktf/hcl2json`, HashiCorp's HCL compiled to
 * WebAssembly), for the HCL writer's and the Terraform exporter's tests.
 *
 * @remarks
 * hcl2json answers in Terraform's JSON syntax, where strings are templates too: a literal `${`
 * comes back as `$${` and `%{` as `%%{`, and an expression such as a reference comes back wrapped
 * in `${…}`. {@link literalOf} and {@link expressionOf} tell the two apart, so a test can say "this
 * attribute is the literal text X" and mean it.
 */

/** The JSON form of an HCL file. */
export type ParsedHcl = Record<string, unknown>;

/** `content` parsed as `main.tf`; throws the parser's message when it is not valid HCL. */
export async function parseHcl(content: string): Promise<ParsedHcl> {
  const { parse } = await import('@cdktf/hcl2json');
  return (await parse('main.tf', content)) as ParsedHcl;
}

/**
 * The literal text of a parsed string; fails the test when the string holds an interpolation or
 * a directive, i.e. when Terraform would evaluate part of it.
 */
export function literalOf(value: unknown): string {
  expect(typeof value).toBe('string');
  const text = value as string;
  const withoutEscapes = text.replaceAll('$${', '').replaceAll('%%{', '');
  expect(withoutEscapes, `"${text}" holds a template sequence`).not.toMatch(/[$%]\{/);
  return text.replaceAll('$${', () => '${').replaceAll('%%{', () => '%{');
}

/** The expression inside a parsed `${…}` value, e.g. `okta_app_oauth.kestra.id`. */
export function expressionOf(value: unknown): string {
  expect(typeof value).toBe('string');
  const match = /^\$\{(.*)\}$/s.exec(value as string);
  expect(match, `${String(value)} is not an expression`).not.toBeNull();
  return match?.[1] ?? '';
}
