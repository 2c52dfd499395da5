/**
 * Writing HCL (Terraform's configuration language) from data, escaped and laid out the way
 * `terraform fmt` lays it out.
 *
 * @remarks
 * Every quoted HCL string is a template: `${…}` interpolates and `%{…}` runs a directive. An app
 * label such as `Team ${name}` written verbatim would make Terraform evaluate an expression (or
 * fail on an unknown variable), so every literal goes through {@link hclString}, which doubles the
 * template markers as HCL requires. Values that are meant as expressions (references such as
 * `okta_app_oauth.kestra.id`) are built with {@link hclReference} from names this module checked,
 * so no text from the setup document ever reaches the file unescaped.
 *
 * The layout follows `terraform fmt` (two-space indent, the `=` of consecutive attributes aligned)
 * so that the §13 check `terraform fmt -check` passes on the file as exported.
 */

/** A rendered HCL expression, ready to put after `=`. */
export interface HclExpression {
  readonly hcl: string;
}

/** One item in a block body. */
export type HclBodyItem =
  | { kind: 'attribute'; name: string; value: HclExpression }
  | { kind: 'block'; block: HclBlock }
  | { kind: 'comment'; text: string }
  | { kind: 'blank' };

/** A block such as `resource "okta_app_oauth" "kestra" { … }`. */
export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBodyItem[];
}

const INDENT = '  ';

/** C0 controls and DEL: never written raw, neither in strings nor in comments. */
function isControl(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

/** Terraform's identifiers: a letter or underscore, then letters, digits, underscores, dashes. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function assertIdentifier(name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`"${name}" is not an HCL identifier.`);
  }
}

/**
 * A quoted HCL string holding exactly `value`.
 *
 * @remarks
 * Backslash, quote and control characters get HCL's escapes, and the template markers `${` and
 * `%{` are doubled (`$${`, `%%{`), HCL's only way to write them literally.
 */
export function hclString(value: string): HclExpression {
  let escaped = '';
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '\\') {
      escaped += '\\\\';
    } else if (character === '"') {
      escaped += '\\"';
    } else if (character === '\n') {
      escaped += '\\n';
    } else if (character === '\r') {
      escaped += '\\r';
    } else if (character === '\t') {
      escaped += '\\t';
    } else if (isControl(character)) {
      escaped += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      escaped += character;
    }
  }
  // Function replacers: in a replacement string, `$$` means one `$`.
  const literal = escaped.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
  return { hcl: `"${literal}"` };
}

/** `true` / `false`. */
export function hclBool(value: boolean): HclExpression {
  return { hcl: value ? 'true' : 'false' };
}

/** An integer literal. */
export function hclNumber(value: number): HclExpression {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${String(value)} is not an integer.`);
  }
  return { hcl: String(value) };
}

/** `[a, b]` on one line. */
export function hclList(items: readonly HclExpression[]): HclExpression {
  return { hcl: `[${items.map((item) => item.hcl).join(', ')}]` };
}

/** A list of string literals. */
export function hclStringList(items: readonly string[]): HclExpression {
  return hclList(items.map(hclString));
}

/**
 * A reference such as `okta_app_oauth.kestra.client_id`, from identifiers only, so no document
 * text can smuggle an expression in.
 */
export function hclReference(...parts: string[]): HclExpression {
  for (const part of parts) {
    assertIdentifier(part);
  }
  return { hcl: parts.join('.') };
}

/**
 * An object key: bare when it is a plain word, else a quoted (escaped) string. A dash is legal in
 * a bare key but reads like subtraction, so `x-sso-console` is quoted.
 */
function objectKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : hclString(key).hcl;
}

/** `{ key = value, … }` on one line. */
export function hclObject(entries: readonly [string, HclExpression][]): HclExpression {
  if (entries.length === 0) {
    return { hcl: '{}' };
  }
  return {
    hcl: `{ ${entries.map(([key, value]) => `${objectKey(key)} = ${value.hcl}`).join(', ')} }`,
  };
}

/**
 * `{ key = value, … }` over several lines, keys aligned as `terraform fmt` aligns them (the
 * renderer indents the lines to where the attribute stands).
 */
export function hclMultilineObject(entries: readonly [string, HclExpression][]): HclExpression {
  const keys = entries.map(([key]) => objectKey(key));
  const width = Math.max(0, ...keys.map((key) => key.length));
  const lines = entries.map(
    ([, value], index) => `${INDENT}${(keys[index] ?? '').padEnd(width)} = ${value.hcl}`,
  );
  return { hcl: ['{', ...lines, '}'].join('\n') };
}

/** A call of one of Terraform's built-in functions, e.g. `jsonencode({ … })`. */
export function hclCall(functionName: string, ...args: HclExpression[]): HclExpression {
  assertIdentifier(functionName);
  return { hcl: `${functionName}(${args.map((arg) => arg.hcl).join(', ')})` };
}

/** An attribute item. */
export function attribute(name: string, value: HclExpression): HclBodyItem {
  assertIdentifier(name);
  return { kind: 'attribute', name, value };
}

/** A nested block item. */
export function nested(type: string, labels: string[], body: HclBodyItem[]): HclBodyItem {
  return { kind: 'block', block: block(type, labels, body) };
}

/** A `#` comment item; line breaks in `text` start new comment lines. */
export function comment(text: string): HclBodyItem {
  return { kind: 'comment', text };
}

/** An empty line between items. */
export const BLANK: HclBodyItem = { kind: 'blank' };

/**
 * A block. Its type and labels must be identifiers: labels are HCL string literals, where template
 * escapes do not apply, so only names this export generated may go there.
 */
export function block(type: string, labels: string[], body: HclBodyItem[]): HclBlock {
  assertIdentifier(type);
  for (const label of labels) {
    assertIdentifier(label);
  }
  return { type, labels, body };
}

/**
 * Comment lines for `text`: one `#` line per line of text, control characters replaced, so a
 * name with a line break cannot end the comment and start configuration.
 */
function commentLines(text: string, indent: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/\p{Cc}/gu, ' ').trimEnd())
    .map((line) => (line === '' ? `${indent}#` : `${indent}# ${line}`));
}

function renderBody(items: readonly HclBodyItem[], depth: number): string[] {
  const indent = INDENT.repeat(depth);
  const lines: string[] = [];
  let index = 0;
  while (index < items.length) {
    const item = items[index];
    if (item === undefined) {
      break;
    }
    if (item.kind === 'attribute') {
      // `terraform fmt` aligns the `=` of attributes on consecutive lines.
      const run: { name: string; value: HclExpression }[] = [];
      while (index < items.length) {
        const next = items[index];
        if (next?.kind !== 'attribute') {
          break;
        }
        run.push(next);
        index += 1;
      }
      const width = Math.max(...run.map((entry) => entry.name.length));
      for (const entry of run) {
        const valueLines = entry.value.hcl.split('\n');
        lines.push(`${indent}${entry.name.padEnd(width)} = ${valueLines[0] ?? ''}`);
        lines.push(...valueLines.slice(1).map((line) => `${indent}${line}`));
      }
      continue;
    }
    if (item.kind === 'block') {
      lines.push(...renderBlock(item.block, depth));
    } else if (item.kind === 'comment') {
      lines.push(...commentLines(item.text, indent));
    } else {
      lines.push('');
    }
    index += 1;
  }
  return lines;
}

function renderBlock(hclBlock: HclBlock, depth: number): string[] {
  const indent = INDENT.repeat(depth);
  const head = [hclBlock.type, ...hclBlock.labels.map((label) => `"${label}"`)].join(' ');
  if (hclBlock.body.length === 0) {
    return [`${indent}${head} {}`];
  }
  return [`${indent}${head} {`, ...renderBody(hclBlock.body, depth + 1), `${indent}}`];
}

/** A whole file: top-level items (blocks separated by blank lines), ending with a newline. */
export function renderHclFile(items: readonly HclBodyItem[]): string {
  return `${renderBody(items, 0).join('\n')}\n`;
}
