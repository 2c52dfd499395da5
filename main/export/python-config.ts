/**
 * A reader for traitlets config files (`jupyterhub_config.py`) written in the restricted subset
 * of Python that config files are made of: `import os`, and `c.<Class>.<trait> = <literal>`
 * assignments whose values are strings, numbers, booleans, `None`, lists, tuples, sets and dicts
 * of those, or a value read from the environment (`os.environ["X"]`, `os.environ.get("X")`,
 * `os.getenv("X")`).
 *
 * @remarks
 * JupyterHub executes its config file (traitlets' `PyFileConfigLoader`), and the console must
 * not, so it reads the file with this small parser instead. It follows Python 3's lexical rules
 * for what it accepts (string escapes, adjacent string concatenation, implicit line joining in
 * brackets, explicit joining with a backslash) and refuses everything else — any other statement
 * or expression, f-strings, triple-quoted strings, indentation — with a message naming the line,
 * so a file it reads means the same to it as to Python. The unit tests check it against
 * `python3` executing the same files.
 */

/** A Python value, as far as a config file's literals go. */
export type PythonValue =
  | { type: 'str'; value: string }
  | { type: 'int'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
  | { type: 'list' | 'tuple' | 'set'; items: PythonValue[] }
  | { type: 'dict'; entries: [PythonValue, PythonValue][] }
  /**
   * A value taken from the environment when the file runs: `os.environ["X"]` (`required`: a
   * missing variable stops JupyterHub with a KeyError), or `os.environ.get("X", default)` /
   * `os.getenv("X", default)` (`fallback`: the default, `None` when none is given).
   */
  | { type: 'environ'; variable: string; required: boolean; fallback?: PythonValue };

/** What a config file sets: `Class.trait` → the value assigned last, as Python leaves it. */
export interface PythonConfig {
  assignments: Map<string, PythonValue>;
  /** The modules imported (`import os`). */
  imports: Set<string>;
}

/** The file is not Python, or uses Python the reader does not evaluate; the message says which. */
export class PythonConfigError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${String(line)}: ${message}`);
    this.name = 'PythonConfigError';
    this.line = line;
  }
}

type Token =
  | { kind: 'name'; value: string; line: number }
  | { kind: 'string'; value: string; line: number }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'op'; value: string; line: number }
  | { kind: 'newline'; line: number }
  | { kind: 'end'; line: number };

const OPERATORS = new Set(['.', '=', '[', ']', '{', '}', '(', ')', ',', ':', '-']);

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Python's escapes in a non-raw string literal's body. */
function unescapePython(body: string, line: number): string {
  let out = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index] ?? '';
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[index + 1];
    if (next === undefined) {
      throw new PythonConfigError(line, 'a string ends with a backslash.');
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      index += 1;
      continue;
    }
    if (next === '\n') {
      index += 1;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = body.slice(index + 2, index + 2 + hexLength);
      if (!new RegExp(`^[0-9A-Fa-f]{${String(hexLength)}}$`).test(digits)) {
        throw new PythonConfigError(
          line,
          `\\${next} must be followed by ${String(hexLength)} hex digits.`,
        );
      }
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff) {
        throw new PythonConfigError(line, `\\${next}${digits} is not a Unicode code point.`);
      }
      out += String.fromCodePoint(code);
      index += 1 + hexLength;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(index + 1))?.[0];
    if (octal !== undefined) {
      out += String.fromCodePoint(Number.parseInt(octal, 8));
      index += octal.length;
      continue;
    }
    if (next === 'N') {
      throw new PythonConfigError(line, '\\N{…} escapes are not read by the console.');
    }
    // Python keeps an unknown escape as it is (with a warning).
    out += '\\';
  }
  return out;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let index = 0;
  let depth = 0;
  let lineStart = true;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (lineStart && depth === 0) {
      // A logical line must start in column 0 (no indented block in a config file).
      const indent = /^[ \t\f]*/.exec(source.slice(index))?.[0] ?? '';
      const rest = source[index + indent.length];
      if (indent !== '' && rest !== undefined && rest !== '\n' && rest !== '#' && rest !== '\r') {
        throw new PythonConfigError(line, 'unexpected indent.');
      }
      lineStart = false;
    }
    if (char === '\n') {
      if (depth === 0 && tokens.at(-1)?.kind !== 'newline' && tokens.length > 0) {
        tokens.push({ kind: 'newline', line });
      }
      line += 1;
      index += 1;
      lineStart = true;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\f' || char === '\r') {
      index += 1;
      continue;
    }
    if (char === '#') {
      while (index < source.length && source[index] !== '\n') {
        index += 1;
      }
      continue;
    }
    if (char === '\\' && source[index + 1] === '\n') {
      index += 2;
      line += 1;
      continue;
    }
    const prefixed = /^([A-Za-z]{1,2})?(['"])/.exec(source.slice(index, index + 3));
    if (prefixed !== null && (prefixed[1] === undefined || /^[rRuUbBfF]{1,2}$/.test(prefixed[1]))) {
      const prefix = (prefixed[1] ?? '').toLowerCase();
      if (prefix.includes('f') || prefix.includes('b')) {
        throw new PythonConfigError(
          line,
          `${prefix}-strings are not read by the console; use a plain string.`,
        );
      }
      const quote = prefixed[2] ?? '"';
      const start = index + prefix.length + 1;
      if (source.slice(start - 1, start + 2) === quote.repeat(3)) {
        throw new PythonConfigError(line, 'triple-quoted strings are not read by the console.');
      }
      let end = start;
      for (;;) {
        const inner = source[end];
        if (inner === undefined || inner === '\n') {
          throw new PythonConfigError(line, 'a string is not closed on its line.');
        }
        if (inner === '\\') {
          end += 2;
          continue;
        }
        if (inner === quote) {
          break;
        }
        end += 1;
      }
      const body = source.slice(start, end);
      const value = prefix.includes('r') ? body : unescapePython(body, line);
      line += body.split('\n').length - 1;
      tokens.push({ kind: 'string', value, line });
      index = end + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index))?.[0];
    if (name !== undefined) {
      tokens.push({ kind: 'name', value: name, line });
      index += name.length;
      continue;
    }
    const number = /^(?:0|[1-9](?:_?[0-9])*)(?![0-9A-Za-z_.])/.exec(source.slice(index))?.[0];
    if (number !== undefined) {
      tokens.push({ kind: 'number', value: Number(number.replaceAll('_', '')), line });
      index += number.length;
      continue;
    }
    if (OPERATORS.has(char)) {
      if (char === '=' && source[index + 1] === '=') {
        throw new PythonConfigError(line, '"==" is not read by the console.');
      }
      depth += '([{'.includes(char) ? 1 : ')]}'.includes(char) ? -1 : 0;
      if (depth < 0) {
        throw new PythonConfigError(line, `unmatched "${char}".`);
      }
      tokens.push({ kind: 'op', value: char, line });
      index += 1;
      continue;
    }
    throw new PythonConfigError(
      line,
      `"${char}" is not read by the console (only literals, lists, sets, dicts and os.environ).`,
    );
  }
  if (depth !== 0) {
    throw new PythonConfigError(line, 'a bracket is not closed.');
  }
  if (tokens.length > 0 && tokens.at(-1)?.kind !== 'newline') {
    tokens.push({ kind: 'newline', line });
  }
  tokens.push({ kind: 'end', line });
  return tokens;
}

/**
 * Parses a config file and collects its `c.Class.trait` assignments, without executing it.
 *
 * @remarks
 * `os` must be imported before it is used, as Python would raise a NameError otherwise.
 */
export function parsePythonConfig(source: string): PythonConfig {
  const tokens = tokenize(source);
  let position = 0;
  const config: PythonConfig = { assignments: new Map(), imports: new Set() };

  const current = (): Token => tokens[position] ?? { kind: 'end', line: 0 };
  const isOp = (value: string): boolean => {
    const token = current();
    return token.kind === 'op' && token.value === value;
  };
  const isName = (value: string): boolean => {
    const token = current();
    return token.kind === 'name' && token.value === value;
  };
  const expectOp = (value: string): void => {
    if (!isOp(value)) {
      throw new PythonConfigError(current().line, `expected "${value}".`);
    }
    position += 1;
  };
  const expectName = (): string => {
    const token = current();
    if (token.kind !== 'name') {
      throw new PythonConfigError(token.line, 'expected a name.');
    }
    position += 1;
    return token.value;
  };
  const expectString = (what: string): string => {
    const token = current();
    if (token.kind !== 'string') {
      throw new PythonConfigError(token.line, `${what} must be a string literal.`);
    }
    position += 1;
    return token.value;
  };

  /** `os.environ[…]`, `os.environ.get(…)` or `os.getenv(…)`, after the `os`. */
  const environ = (line: number): PythonValue => {
    if (!config.imports.has('os')) {
      throw new PythonConfigError(line, 'os is used before "import os" (a NameError in Python).');
    }
    expectOp('.');
    const attribute = expectName();
    if (attribute === 'environ' && isOp('[')) {
      position += 1;
      const variable = expectString('The environment variable name');
      expectOp(']');
      return { type: 'environ', variable, required: true };
    }
    if (attribute === 'environ') {
      expectOp('.');
      if (expectName() !== 'get') {
        throw new PythonConfigError(line, 'only os.environ[…] and os.environ.get(…) are read.');
      }
    } else if (attribute !== 'getenv') {
      throw new PythonConfigError(line, `os.${attribute} is not read by the console.`);
    }
    expectOp('(');
    const variable = expectString('The environment variable name');
    let fallback: PythonValue = { type: 'none' };
    if (isOp(',')) {
      position += 1;
      if (!isOp(')')) {
        fallback = expression();
      }
    }
    if (isOp(',')) {
      position += 1;
    }
    expectOp(')');
    return { type: 'environ', variable, required: false, fallback };
  };

  /** The items of a bracketed display, up to `close`, allowing a trailing comma. */
  const items = (close: string): { values: PythonValue[]; commas: number } => {
    const values: PythonValue[] = [];
    let commas = 0;
    while (!isOp(close)) {
      values.push(expression());
      if (isOp(',')) {
        commas += 1;
        position += 1;
      } else if (!isOp(close)) {
        throw new PythonConfigError(current().line, `expected "," or "${close}".`);
      }
    }
    position += 1;
    return { values, commas };
  };

  const expression = (): PythonValue => {
    const token = current();
    if (token.kind === 'string') {
      // Adjacent string literals are one string, as in Python.
      let value = '';
      for (let next = current(); next.kind === 'string'; next = current()) {
        value += next.value;
        position += 1;
      }
      return { type: 'str', value };
    }
    if (token.kind === 'number') {
      position += 1;
      return { type: 'int', value: token.value };
    }
    if (token.kind === 'op' && token.value === '-') {
      position += 1;
      const operand = current();
      if (operand.kind !== 'number') {
        throw new PythonConfigError(token.line, 'only a number can be negated.');
      }
      position += 1;
      return { type: 'int', value: -operand.value };
    }
    if (token.kind === 'name') {
      position += 1;
      switch (token.value) {
        case 'True':
          return { type: 'bool', value: true };
        case 'False':
          return { type: 'bool', value: false };
        case 'None':
          return { type: 'none' };
        case 'os':
          return environ(token.line);
        default:
          throw new PythonConfigError(
            token.line,
            `${token.value} is not read by the console (only literals and os.environ).`,
          );
      }
    }
    if (token.kind === 'op' && token.value === '[') {
      position += 1;
      return { type: 'list', items: items(']').values };
    }
    if (token.kind === 'op' && token.value === '(') {
      position += 1;
      const { values, commas } = items(')');
      // `(x)` is x; `(x,)` and `()` are tuples.
      const only = values[0];
      if (values.length === 1 && commas === 0 && only !== undefined) {
        return only;
      }
      return { type: 'tuple', items: values };
    }
    if (token.kind === 'op' && token.value === '{') {
      position += 1;
      if (isOp('}')) {
        position += 1;
        return { type: 'dict', entries: [] };
      }
      const first = expression();
      if (isOp(':')) {
        position += 1;
        const entries: [PythonValue, PythonValue][] = [[first, expression()]];
        while (isOp(',')) {
          position += 1;
          if (isOp('}')) {
            break;
          }
          const key = expression();
          expectOp(':');
          entries.push([key, expression()]);
        }
        expectOp('}');
        return { type: 'dict', entries };
      }
      if (isOp(',')) {
        position += 1;
        return { type: 'set', items: [first, ...items('}').values] };
      }
      expectOp('}');
      return { type: 'set', items: [first] };
    }
    throw new PythonConfigError(token.line, 'expected a value.');
  };

  while (current().kind !== 'end') {
    const token = current();
    if (token.kind === 'newline') {
      position += 1;
      continue;
    }
    if (isName('import')) {
      position += 1;
      config.imports.add(expectName());
      while (isOp(',')) {
        position += 1;
        config.imports.add(expectName());
      }
    } else if (isName('c')) {
      position += 1;
      expectOp('.');
      const className = expectName();
      expectOp('.');
      const trait = expectName();
      if (isOp('.')) {
        throw new PythonConfigError(
          token.line,
          `c.${className}.${trait}.… is not a trait assignment.`,
        );
      }
      expectOp('=');
      config.assignments.set(`${className}.${trait}`, expression());
    } else {
      throw new PythonConfigError(
        token.line,
        'only "import os" and "c.<Class>.<trait> = <value>" statements are read by the console.',
      );
    }
    if (current().kind !== 'newline' && current().kind !== 'end') {
      throw new PythonConfigError(current().line, 'expected the end of the statement.');
    }
  }
  return config;
}

/** A string as a Python string literal that reads back as exactly `value`. */
export function pythonString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === '"') {
      out += `\\${char}`;
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return `${out}"`;
}
