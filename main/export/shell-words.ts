/**
 * A reader for the part of the POSIX shell language that exported command lines use: words,
 * quoting, comments, line continuations and whole-word parameter expansions.
 *
 * @remarks
 * No shell-words parser is installed, and running the file through a shell would execute it, so
 * the console reads it with this tokenizer. It follows the POSIX shell's token rules (XCU 2.2,
 * 2.3 and 2.6.2) for what it accepts, and refuses what it does not evaluate — command
 * substitution, arithmetic, pipes, redirections, a `$VAR` inside other text — with a message
 * naming the line, rather than reading such a word differently from the shell. The unit tests
 * check it against `/bin/sh` itself, word for word.
 */

/** One word of a command, after quote removal. */
export type ShellWord =
  | { kind: 'literal'; value: string }
  /**
   * `$NAME`, `"$NAME"`, `${NAME}` or `${NAME:?message}` as the whole word: a value the shell
   * takes from its environment when the command runs. `required` is set by `:?` / `?`, which stop
   * the script when the variable is unset (`:?` also when it is empty).
   */
  | {
      kind: 'variable';
      name: string;
      required: boolean;
      /** Literal text before the expansion in the same word, as in `--secret="$SECRET"`. */
      prefix: string;
    };

/** One simple command: its words, and the line it starts on (1-based). */
export interface ShellCommand {
  words: ShellWord[];
  line: number;
}

/** The script uses shell syntax the reader does not evaluate, or is not valid shell. */
export class ShellSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${String(line)}: ${message}`);
    this.name = 'ShellSyntaxError';
    this.line = line;
  }
}

/** A piece of a word: quoted or unquoted text, or an expansion. */
type Segment =
  { kind: 'text'; value: string } | { kind: 'variable'; name: string; required: boolean };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Characters that end an unquoted word or start an operator. */
const OPERATOR_START = new Set(['|', '&', ';', '<', '>', '(', ')']);

/**
 * Reads `script` into simple commands, as `sh` would split them before running anything.
 *
 * @remarks
 * `;`, `&&` and newlines separate commands (the reader does not model `&&`'s condition, only its
 * words). A `#` starts a comment only at the start of a word, as in the shell.
 */
export function parseShellScript(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let line = 1;
  let index = 0;
  let words: ShellWord[] = [];
  let commandLine = 1;
  let segments: Segment[] | undefined;
  let wordLine = 1;

  const peek = (offset = 0): string | undefined => script[index + offset];

  const appendText = (text: string): void => {
    segments ??= [];
    const last = segments.at(-1);
    if (last?.kind === 'text') {
      last.value += text;
    } else {
      segments.push({ kind: 'text', value: text });
    }
  };

  const endWord = (): void => {
    if (segments === undefined) {
      return;
    }
    if (words.length === 0) {
      commandLine = wordLine;
    }
    words.push(wordOf(segments, wordLine));
    segments = undefined;
  };

  const endCommand = (): void => {
    endWord();
    if (words.length > 0) {
      commands.push({ words, line: commandLine });
    }
    words = [];
  };

  const startWord = (): void => {
    if (segments === undefined) {
      segments = [];
      wordLine = line;
    }
  };

  /** Reads a `$` expansion at `index` (which points at the `$`) into the current word. */
  const readExpansion = (): void => {
    const next = peek(1);
    if (next === '(') {
      throw new ShellSyntaxError(
        line,
        'command substitution or arithmetic ($(…)) is not read by the console; write the value, or a "$VARIABLE" as a whole word.',
      );
    }
    if (next === '{') {
      const close = script.indexOf('}', index + 2);
      if (close === -1) {
        throw new ShellSyntaxError(line, 'a ${…} expansion is not closed.');
      }
      const body = script.slice(index + 2, close);
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?\?)([^$`"'\\]*))?$/.exec(body);
      const name = match?.[1];
      if (match === null || name === undefined) {
        throw new ShellSyntaxError(
          line,
          `\${${body}} is not read by the console; use \${NAME} or \${NAME:?message}.`,
        );
      }
      segments?.push({ kind: 'variable', name, required: match[2] !== undefined });
      index = close + 1;
      return;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = index + 2;
      while (end < script.length && NAME_CHAR.test(script[end] ?? '')) {
        end += 1;
      }
      segments?.push({ kind: 'variable', name: script.slice(index + 1, end), required: false });
      index = end;
      return;
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      throw new ShellSyntaxError(
        line,
        `the special parameter $${next} is not read by the console.`,
      );
    }
    // A lone `$` (before a space, a quote or the end) is a literal dollar sign.
    appendText('$');
    index += 1;
  };

  while (index < script.length) {
    const char = script[index] ?? '';
    if (char === '\\') {
      const escaped = peek(1);
      if (escaped === '\n') {
        // A line continuation: both characters vanish, the word goes on.
        index += 2;
        line += 1;
        continue;
      }
      if (escaped === undefined) {
        throw new ShellSyntaxError(line, 'the script ends with a backslash.');
      }
      startWord();
      appendText(escaped);
      index += 2;
      continue;
    }
    if (char === "'") {
      const close = script.indexOf("'", index + 1);
      if (close === -1) {
        throw new ShellSyntaxError(line, 'a single-quoted string is not closed.');
      }
      startWord();
      const text = script.slice(index + 1, close);
      appendText(text);
      line += text.split('\n').length - 1;
      index = close + 1;
      continue;
    }
    if (char === '"') {
      startWord();
      appendText('');
      index += 1;
      for (;;) {
        const inner = peek();
        if (inner === undefined) {
          throw new ShellSyntaxError(line, 'a double-quoted string is not closed.');
        }
        if (inner === '"') {
          index += 1;
          break;
        }
        if (inner === '\\') {
          const escaped = peek(1);
          if (escaped === '\n') {
            index += 2;
            line += 1;
          } else if (escaped !== undefined && '$`"\\'.includes(escaped)) {
            appendText(escaped);
            index += 2;
          } else {
            appendText('\\');
            index += 1;
          }
          continue;
        }
        if (inner === '$') {
          readExpansion();
          continue;
        }
        if (inner === '`') {
          throw new ShellSyntaxError(
            line,
            'command substitution (`…`) is not read by the console.',
          );
        }
        if (inner === '\n') {
          line += 1;
        }
        appendText(inner);
        index += 1;
      }
      continue;
    }
    if (char === '$') {
      startWord();
      readExpansion();
      continue;
    }
    if (char === '`') {
      throw new ShellSyntaxError(line, 'command substitution (`…`) is not read by the console.');
    }
    if (char === ' ' || char === '\t') {
      endWord();
      index += 1;
      continue;
    }
    if (char === '\n') {
      endCommand();
      line += 1;
      index += 1;
      continue;
    }
    if (char === '#' && segments === undefined) {
      while (index < script.length && script[index] !== '\n') {
        index += 1;
      }
      continue;
    }
    if (char === ';' || (char === '&' && peek(1) === '&')) {
      if (peek(1) === ';') {
        throw new ShellSyntaxError(line, ';; (a case clause) is not read by the console.');
      }
      endCommand();
      index += char === ';' ? 1 : 2;
      continue;
    }
    if (OPERATOR_START.has(char)) {
      throw new ShellSyntaxError(
        line,
        `"${char}" (a pipe, redirection, background job or subshell) is not read by the console; the file should hold plain commands.`,
      );
    }
    startWord();
    appendText(char);
    index += 1;
  }
  endCommand();
  return commands;
}

/** A word's segments as one word: literal text, or one expansion that is the whole word. */
function wordOf(segments: Segment[], line: number): ShellWord {
  const variables = segments.filter((segment) => segment.kind === 'variable');
  const text = segments
    .filter((segment) => segment.kind === 'text')
    .map((segment) => segment.value)
    .join('');
  const first = variables[0];
  if (first === undefined) {
    return { kind: 'literal', value: text };
  }
  const last = segments.filter((segment) => segment.kind !== 'text' || segment.value !== '').at(-1);
  if (variables.length > 1 || last !== first) {
    throw new ShellSyntaxError(
      line,
      `a word mixes $${first.name} with other text; the console reads a variable only as a whole word or after a flag's "=", e.g. "$${first.name}".`,
    );
  }
  return { kind: 'variable', name: first.name, required: first.required, prefix: text };
}

/**
 * `value` as one shell word that reads back as exactly `value`: bare when it holds only
 * characters the shell never treats specially, otherwise in single quotes (in which nothing is
 * special, and a quote is written as `'\''`).
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) {
    return value;
  }
  return `'${value.replaceAll("'", "'\\''")}'`;
}
