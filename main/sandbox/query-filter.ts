/** Thrown for a `filter` or `search` expression the sandbox cannot parse (Okta: E0000031). */
export class FilterSyntaxError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'FilterSyntaxError';
  }
}

type Value = string | number | boolean | null;
type Predicate = (subject: unknown) => boolean;

const COMPARISONS = ['eq', 'ne', 'sw', 'co', 'gt', 'ge', 'lt', 'le'] as const;

/**
 * The values at `a.b.c` in an object. A path through an array reaches every element (SCIM's
 * multi-valued attributes: `target.id` of a System Log event), and an array at the end counts
 * as its elements; a missing attribute is one `undefined`.
 */
function valuesAt(subject: unknown, path: string): unknown[] {
  let current: unknown[] = [subject];
  for (const key of path.split('.')) {
    current = current.flatMap((value) =>
      (Array.isArray(value) ? value : [value]).flatMap((item: unknown) =>
        typeof item === 'object' && item !== null ? [(item as Record<string, unknown>)[key]] : [],
      ),
    );
  }
  const values = current.flatMap((value) =>
    Array.isArray(value) ? (value as unknown[]) : [value],
  );
  return values.length === 0 ? [undefined] : values;
}

function compare(
  operator: (typeof COMPARISONS)[number],
  actual: unknown,
  expected: Value,
): boolean {
  // Okta compares values case-insensitively (okta-behaviours.md §6).
  const normalise = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
  const left = normalise(actual);
  const right = normalise(expected);
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
export function compileFilter(expression: string): Predicate {
  const tokens = [...expression.matchAll(/\s*("(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+)/g)].map(
    (m) => m[1] ?? '',
  );
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
      return JSON.parse(token) as string;
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
    const operator = next().toLowerCase();
    if (operator === 'pr') {
      return (subject) =>
        valuesAt(subject, token).some(
          (value) => value !== undefined && value !== null && value !== '',
        );
    }
    if (!(COMPARISONS as readonly string[]).includes(operator)) {
      throw new FilterSyntaxError(`"${operator}" is not an operator`);
    }
    const value = parseValue(next());
    return (subject) =>
      valuesAt(subject, token).some((actual) =>
        compare(operator as (typeof COMPARISONS)[number], actual, value),
      );
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
  return predicate;
}
