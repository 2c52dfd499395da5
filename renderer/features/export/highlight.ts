import type { FileLanguage } from '../../../shared/export/export-targets.ts';

/** What a piece of a config file is, for colouring it. */
export type TokenKind = 'plain' | 'comment' | 'key' | 'string' | 'section';

/** A run of text of one kind; the runs of a line, joined, are the line exactly. */
export interface Token {
  kind: TokenKind;
  text: string;
}

/** A line's leading key: the indentation before it and the key itself. */
interface LineKey {
  indent: string;
  key: string;
}

/** A key matched by an anchored pattern: group 1 is the indentation, group 2 the key. */
function keyPattern(pattern: RegExp): (line: string) => LineKey | null {
  return (line) => {
    const match = pattern.exec(line);
    return match === null ? null : { indent: match[1] ?? '', key: match[2] ?? '' };
  };
}

/**
 * A YAML mapping key: the text before the first `: ` (or a final `:`), after any list dash.
 *
 * @remarks
 * Found with `indexOf` rather than a lazy pattern, which would backtrack quadratically on a long
 * line without a colon.
 */
function yamlKey(line: string): LineKey | null {
  const indent = /^\s*(?:- )?/.exec(line)?.[0] ?? '';
  let colon = line.indexOf(':', indent.length);
  while (colon !== -1 && colon + 1 < line.length && !/\s/.test(line[colon + 1] ?? '')) {
    colon = line.indexOf(':', colon + 1);
  }
  const key = line.slice(indent.length, colon === -1 ? indent.length : colon);
  return key === '' || /^[\s#'"{[\]]/.test(key) || key.includes(' #') ? null : { indent, key };
}

/** An INI key: the text before the first `=`, trimmed; found with `indexOf`, as for YAML. */
function iniKey(line: string): LineKey | null {
  const equals = line.indexOf('=');
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const key = equals === -1 ? '' : line.slice(indent.length, equals).trimEnd();
  return key === '' || /^[;#[]/.test(key) ? null : { indent, key };
}

/** How one language marks comments, keys and strings, as far as highlighting needs to know. */
interface LanguageRules {
  /** Markers that start a comment running to the end of the line. */
  commentMarkers: readonly string[];
  /**
   * Whether a marker starts a comment only at the line start or after whitespace, as in YAML and
   * dotenv (`a#b` is a value there, not a comment).
   */
  isCommentAfterSpaceOnly: boolean;
  /** Quotes that open strings. */
  quotes: readonly string[];
  /** The key a line starts with (after its indentation), or `null` when it starts with none. */
  lineKey: (line: string) => LineKey | null;
  /** A `[section]` or `[table]` header line. */
  section: RegExp | null;
  /**
   * Keys inside a line, e.g. Ruby's `name:` hash keys: a sticky pattern, matched at the scan
   * position without copying the rest of the line.
   */
  inlineKey: RegExp | null;
}

// Keys are matched from the line start only, which covers every file the exporters write and
// keeps each pattern linear (no nested quantifiers on untrusted text).
const RULES: Record<FileLanguage, LanguageRules> = {
  yaml: {
    commentMarkers: ['#'],
    isCommentAfterSpaceOnly: true,
    quotes: ['"', "'"],
    lineKey: yamlKey,
    section: null,
    inlineKey: null,
  },
  json: {
    commentMarkers: [],
    isCommentAfterSpaceOnly: false,
    quotes: ['"'],
    lineKey: keyPattern(/^(\s*)("(?:[^"\\]|\\.)*")(?=\s*:)/),
    section: null,
    inlineKey: null,
  },
  dotenv: {
    commentMarkers: ['#'],
    isCommentAfterSpaceOnly: true,
    quotes: ['"', "'"],
    lineKey: keyPattern(/^(\s*(?:export\s+)?)([A-Za-z_][\w.]*)(?=\s*=)/),
    section: null,
    inlineKey: null,
  },
  ini: {
    commentMarkers: [';', '#'],
    isCommentAfterSpaceOnly: true,
    quotes: ['"'],
    lineKey: iniKey,
    section: /^\s*\[[^\]]*\]/,
    inlineKey: null,
  },
  toml: {
    commentMarkers: ['#'],
    isCommentAfterSpaceOnly: false,
    quotes: ['"', "'"],
    lineKey: keyPattern(/^(\s*)([A-Za-z0-9_.-]+|"(?:[^"\\]|\\.)*")(?=\s*=)/),
    section: /^\s*\[\[?[^\]]*\]\]?/,
    inlineKey: null,
  },
  ruby: {
    commentMarkers: ['#'],
    isCommentAfterSpaceOnly: false,
    quotes: ['"', "'"],
    lineKey: () => null,
    section: null,
    inlineKey: /[A-Za-z_]\w*:(?!:)/y,
  },
  hcl: {
    commentMarkers: ['#', '//'],
    isCommentAfterSpaceOnly: false,
    quotes: ['"'],
    lineKey: keyPattern(/^(\s*)([A-Za-z_][\w-]*)(?=\s*=(?!=))/),
    section: null,
    inlineKey: null,
  },
};

/** Appends text to the tokens, merging it into the last run when that has the same kind. */
function push(tokens: Token[], kind: TokenKind, text: string): void {
  if (text === '') {
    return;
  }
  const last = tokens.at(-1);
  if (last?.kind === kind) {
    last.text += text;
  } else {
    tokens.push({ kind, text });
  }
}

/** The end of a string opened at `start`; a string left open runs to the end of the line. */
function stringEnd(line: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < line.length) {
    const char = line[index];
    // Single quotes (YAML, TOML, Ruby, shell) take backslashes literally.
    if (char === '\\' && quote === '"') {
      index += 2;
      continue;
    }
    if (char === quote) {
      return index + 1;
    }
    index += 1;
  }
  return line.length;
}

/** A sticky pattern's match at `index`, or `null`. */
function matchAt(pattern: RegExp | null, line: string, index: number): RegExpExecArray | null {
  if (pattern === null) {
    return null;
  }
  pattern.lastIndex = index;
  return pattern.exec(line);
}

/** Strings, comments and inline keys in the part of a line after its key. */
function scanRest(line: string, from: number, rules: LanguageRules, tokens: Token[]): void {
  let plainStart = from;
  let index = from;
  const flushPlain = () => {
    push(tokens, 'plain', line.slice(plainStart, index));
  };
  while (index < line.length) {
    const char = line[index] ?? '';
    if (rules.quotes.includes(char)) {
      flushPlain();
      const end = stringEnd(line, index, char);
      push(tokens, 'string', line.slice(index, end));
      index = end;
      plainStart = index;
      continue;
    }
    const marker = rules.commentMarkers.find((candidate) => line.startsWith(candidate, index));
    const isAfterSpace = index === 0 || /\s/.test(line[index - 1] ?? '');
    if (marker !== undefined && (!rules.isCommentAfterSpaceOnly || isAfterSpace)) {
      flushPlain();
      push(tokens, 'comment', line.slice(index));
      return;
    }
    const isWordStart = index === 0 || !/[\w:]/.test(line[index - 1] ?? '');
    const inlineKey = isWordStart ? matchAt(rules.inlineKey, line, index) : null;
    if (inlineKey !== null) {
      flushPlain();
      push(tokens, 'key', inlineKey[0]);
      index += inlineKey[0].length;
      plainStart = index;
      continue;
    }
    index += 1;
  }
  flushPlain();
}

/** One line's tokens. */
function tokenizeLine(line: string, rules: LanguageRules): Token[] {
  const tokens: Token[] = [];
  const section = rules.section === null ? null : rules.section.exec(line);
  if (section !== null) {
    push(tokens, 'section', section[0]);
    scanRest(line, section[0].length, rules, tokens);
    return tokens;
  }
  const key = rules.lineKey(line);
  if (key !== null) {
    push(tokens, 'plain', key.indent);
    push(tokens, 'key', key.key);
    scanRest(line, key.indent.length + key.key.length, rules, tokens);
    return tokens;
  }
  scanRest(line, 0, rules, tokens);
  return tokens;
}

/**
 * Splits a config file into lines of coloured runs: comments, keys, strings and section headers.
 *
 * @remarks
 * No highlighting library is installed (highlight.js, Prism, Shiki, lowlight and refractor were
 * all checked for) and the project does not add one for this, so this is a deliberately small,
 * line-based tokenizer for the seven languages the exporters write. It only ever classifies
 * text, never interprets it: the runs of a line joined together are exactly that line, and the
 * caller renders them as React text nodes, so an exported file (untrusted text, since it can
 * carry values read from the org) can never become markup. Every pattern is anchored and linear,
 * so a hostile line cannot make it backtrack for long. Constructs it does not know (multi-line
 * strings, heredocs) simply stay plain.
 */
export function tokenize(content: string, language: FileLanguage): Token[][] {
  const rules = RULES[language];
  return content.split('\n').map((line) => tokenizeLine(line, rules));
}
