/** Thrown for a `filter` or `search` expression the sandbox cannot parse (Okta: E0000031). */
export class FilterSyntaxError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'FilterSyntaxError';
  }
}

type Value = string | number | boolean | null;
type Predicate = (subject: unknown) => boolean;

/** One `attribute operator value` (or `attribute pr`) of an expression, the operator lower-cased. */
export interface FilterTerm {
  attribute: string;
  operator: string;
}

/**
 * A compiled expression, the attribute paths it reads (so callers can pick the subject), the
 * comparison operators it uses, lower-cased, and each term pairing the two (so an endpoint can
 * refuse what it does not support, e.g. `gt` on one attribute only).
 */
export type CompiledFilter = Predicate & {
  readonly attributes: readonly string[];
  readonly operators: readonly string[];
  readonly terms: readonly FilterTerm[];
};

const COMPARISONS = ['eq', 'ne', 'sw', 'co', 'gt', 'ge', 'lt', 'le'] as const;

/**
 * Whether `test` holds for some value at `keys` (`a.b.c`, split once at compile time).
 *
 * @remarks
 * A path through an array reaches every element (SCIM's multi-valued attributes: `target.id` of
 * a System Log event), and an array at the end counts as its elements; a missing attribute is
 * tested as `undefined`. Plain objects walk without allocating: a search scans up to 100,000
 * users.
 */
function someValueAt(
  subject: unknown,
  keys: readonly string[],
  from: number,
  test: (value: unknown) => boolean,
): boolean {
  let current = subject;
  for (let index = from; index < keys.length; index += 1) {
    if (Array.isArray(current)) {
      return current.some((item: unknown) => someValueAt(item, keys, index, test));
    }
    if (typeof current !== 'object' || current === null) {
      return test(undefined);
    }
    current = (current as Record<string, unknown>)[keys[index] ?? ''];
  }
  if (Array.isArray(current)) {
    return current.length === 0 ? test(undefined) : current.some(test);
  }
  return test(current);
}

/** Okta compares values case-insensitively (okta-behaviours.md §6). */
function normalise(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function isAscii(value: string, from: number): boolean {
  for (let index = from; index < value.length; index += 1) {
    if (value.charCodeAt(index) > 127) {
      return false;
    }
  }
  return true;
}

/**
 * `value.toLowerCase()` equals (or, with `prefix`, starts with) `lower`, without lower-casing
 * `value` when it is ASCII where it matters.
 *
 * @remarks
 * A search tests up to every user, and lower-casing 100,000 logins per query was most of its
 * time and garbage. ASCII folds by adding 32 to A–Z; at the first non-ASCII character the
 * answer is left to `toLowerCase`, which alone knows the rest of Unicode (`İ`, final `Σ`).
 */
function foldedMatch(value: string, lower: string, prefix: boolean): boolean {
  const length = lower.length;
  if (prefix ? value.length < length : value.length !== length) {
    return !isAscii(value, 0) && foldedMatchSlowly(value, lower, prefix);
  }
  for (let index = 0; index < length; index += 1) {
    let code = value.charCodeAt(index);
    if (code > 127) {
      return foldedMatchSlowly(value, lower, prefix);
    }
    if (code >= 65 && code <= 90) {
      code += 32;
    }
    if (code !== lower.charCodeAt(index)) {
      return false;
    }
  }
  return true;
}

function foldedMatchSlowly(value: string, lower: string, prefix: boolean): boolean {
  const folded = value.toLowerCase();
  return prefix ? folded.startsWith(lower) : folded === lower;
}

/** Compares an actual value with an expected one already passed through {@link normalise}. */
function compare(operator: (typeof COMPARISONS)[number], actual: unknown, right: unknown): boolean {
  if (typeof actual === 'string' && typeof right === 'string') {
    if (operator === 'eq' || operator === 'ne' || operator === 'sw') {
      return foldedMatch(actual, right, operator === 'sw') === (operator !== 'ne');
    }
  }
  const left = normalise(actual);
  switch (operator) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'sw':
      return typeof left === 'string' && typeof right === 'string' && left.startsWith(right);
    case 'co':
      return typeof left === 'string' && typeof right === 'string' && left.includes(right);
    case 'gt':
      return (
        left !== undefined &&
        left !== null &&
        right !== null &&
        (left as string) > (right as string)
      );
    case 'ge':
      return (
        left !== undefined &&
        left !== null &&
        right !== null &&
        (left as string) >= (right as string)
      );
    case 'lt':
      return (
        left !== undefined &&
        left !== null &&
        right !== null &&
        (left as string) < (right as string)
      );
    case 'le':
      return (
        left !== undefined &&
        left !== null &&
        right !== null &&
        (left as string) <= (right as string)
      );
  }
}

/**
 * Compiles an Okta `filter` / `search` expression into a predicate.
 *
 * @remarks
 * The grammar Okta documents for both: `attribute op value` with `eq ne sw co gt ge lt le`, `pr`
 * (present), `and` / `or` (and binds tighter), parentheses, quoted strings, numbers, `true`,
 * `false`, `null`. Operators and values are case-insensitive; attribute names are not.
 */
export function compileFilter(expression: string): CompiledFilter {
  const attributes = new Set<string>();
  const operators = new Set<string>();
  const terms: FilterTerm[] = [];
  // Tokens only: matchAll skips the spaces between them (a leading `\s*` would rescan a long run
  // of spaces from each one).
  const tokens = [...expression.matchAll(/"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g)].map((m) => m[0]);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position];
    position += 1;
    if (token === undefined) {
      throw new FilterSyntaxError('the expression ends too early');
    }
    return token;
  };

  function parseValue(token: string): Value {
    if (token.startsWith('"')) {
      try {
        return JSON.parse(token) as string;
      } catch {
        // An escape JSON does not know (`\@`): Okta's "Invalid filter parameter", not a crash.
        throw new FilterSyntaxError(`${token} is not a well-formed quoted string`);
      }
    }
    const lower = token.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      return lower === 'true';
    }
    if (lower === 'null') {
      return null;
    }
    if (/^-?\d+(\.\d+)?$/.test(token)) {
      return Number(token);
    }
    throw new FilterSyntaxError(`"${token}" is not a quoted string, number, true, false or null`);
  }

  function parseTerm(): Predicate {
    const token = next();
    if (token === '(') {
      const inner = parseOr();
      if (next() !== ')') {
        throw new FilterSyntaxError('a parenthesis is not closed');
      }
      return inner;
    }
    if (!/^[A-Za-z_][\w.]*$/.test(token)) {
      throw new FilterSyntaxError(`"${token}" is not an attribute name`);
    }
    attributes.add(token);
    const operator = next().toLowerCase();
    operators.add(operator);
    terms.push({ attribute: token, operator });
    // Split and lower-cased once here, not per item: a search scans up to every user.
    const keys = token.split('.');
    if (operator === 'pr') {
      const present = (value: unknown) => value !== undefined && value !== null && value !== '';
      return (subject) => someValueAt(subject, keys, 0, present);
    }
    if (!(COMPARISONS as readonly string[]).includes(operator)) {
      throw new FilterSyntaxError(`"${operator}" is not an operator`);
    }
    const expected = normalise(parseValue(next()));
    const matches = (actual: unknown) =>
      compare(operator as (typeof COMPARISONS)[number], actual, expected);
    return (subject) => someValueAt(subject, keys, 0, matches);
  }

  function parseAnd(): Predicate {
    let left = parseTerm();
    while (peek()?.toLowerCase() === 'and') {
      next();
      const right = parseTerm();
      const previous = left;
      left = (subject) => previous(subject) && right(subject);
    }
    return left;
  }

  function parseOr(): Predicate {
    let left = parseAnd();
    while (peek()?.toLowerCase() === 'or') {
      next();
      const right = parseAnd();
      const previous = left;
      left = (subject) => previous(subject) || right(subject);
    }
    return left;
  }

  if (tokens.length === 0) {
    throw new FilterSyntaxError('the expression is empty');
  }
  const predicate = parseOr();
  if (position !== tokens.length) {
    throw new FilterSyntaxError(`unexpected "${tokens[position] ?? ''}"`);
  }
  return Object.assign(predicate, {
    attributes: [...attributes],
    operators: [...operators],
    terms,
  });
}
