import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseAllDocuments,
  stringify,
  type YAMLMap,
} from 'yaml';

/**
 * Merging an export's settings into a YAML file the admin already runs (Kestra's and Spring
 * Boot's `application.yml`), touching only the settings the export owns.
 *
 * @remarks
 * Why text edits, not `Document.toString()`: the `yaml` package keeps comments through a
 * parse-and-print, but it re-indents, re-spaces (`key:   value # c` becomes `key: value # c`),
 * re-flows and re-quotes what it prints, so lines the export never touched would change in the
 * diff the admin is asked to approve. Here the package's parser finds where each setting is (every
 * node carries its source range), and the file's own text is edited at exactly those ranges: a
 * value that differs is replaced where it stands (its trailing comment stays), a value that is
 * already right is not touched at all, and a missing setting is inserted as new lines at the end
 * of the deepest mapping that already exists, in the file's own indentation and line endings. The
 * file is parsed again after every edit, and once more at the end to check that each setting now
 * reads as wanted, so a merge can never hand back a file that does not say what the export means.
 */

/** A value the export writes: a string, a boolean, or a list of strings. */
export type YamlValue = string | boolean | readonly string[];

/** One setting the export owns. */
export interface YamlSetting {
  /** The keys from the document's top, e.g. `['kestra', 'url']`. */
  path: readonly string[];
  value: YamlValue;
  /**
   * Set only where the file already has it: for keys that would override the export's own
   * (Spring's `registration.okta.client-id` wins over `okta.oauth2.client-id`), so they must agree
   * when present, and are not added when absent.
   */
  onlyIfPresent?: boolean;
  /** Whether the value the file holds already means `value` to the target; default: equal. */
  isAlreadyRight?: (existing: unknown) => boolean;
}

/** How keys in the file are matched to a setting's path. */
export type KeyMatching =
  /** Each path segment is one YAML key, spelled exactly (Micronaut as Kestra configures it). */
  | 'exact'
  /**
   * Spring's relaxed binding: `client-id`, `clientId` and `client_id` are one key, and a key may
   * be several segments joined by dots (`okta.oauth2.issuer: …`).
   */
  | 'spring-relaxed';

/** What the merge needs to know about the file and the target. */
export interface YamlMergeOptions {
  /** The file's name, for messages (`application.yml`). */
  fileName: string;
  settings: readonly YamlSetting[];
  /** Write strings double-quoted (Kestra, pitfall 6); else plain where YAML allows. */
  quoteStrings: boolean;
  keys: KeyMatching;
  /**
   * Which document of a multi-document file takes the settings; `undefined` refuses a file of
   * several documents (Kestra reads one).
   */
  pickDocument?: (documents: readonly Document[]) => number | undefined;
}

/** What a merge did, setting by setting (dotted paths, or `[section] key`), for the summary. */
export interface MergeOutcome {
  added: string[];
  changed: string[];
  /** Settings the file already held with the right value: not touched. */
  kept: string[];
}

/** The merged file and what the merge did. */
export interface YamlMergeResult extends MergeOutcome {
  content: string;
}

/**
 * A parser's message without the excerpt of the file it quotes: the file is the admin's own and
 * may hold a secret, and the message is shown and may be logged.
 */
export function parserMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '.');
}

/** A file the export cannot merge into; the message says why and what to do. */
export class MergeRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeRefusedError';
  }
}

type Located =
  | { kind: 'found'; value: Node | null; inFlow: boolean }
  | { kind: 'missing'; map: YAMLMap | null; consumed: number; document: Document }
  | { kind: 'missing-under-empty'; pair: Pair; consumed: number };

function canonicalSpringKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  return undefined;
}

/** The pair in `map` that holds the first segments of `rest`, and how many it holds. */
function findPair(
  map: YAMLMap,
  rest: readonly string[],
  keys: KeyMatching,
): { pair: Pair; take: number } | undefined {
  const items = map.items;
  if (keys === 'exact') {
    const pair = items.findLast((item) => keyText(item) === rest[0]);
    return pair === undefined ? undefined : { pair, take: 1 };
  }
  for (let take = rest.length; take >= 1; take -= 1) {
    const wanted = canonicalSpringKey(rest.slice(0, take).join('.'));
    const pair = items.findLast((item) => {
      const text = keyText(item);
      return text !== undefined && canonicalSpringKey(text) === wanted;
    });
    if (pair !== undefined) {
      return { pair, take };
    }
  }
  return undefined;
}

/** Whether a pair's value is empty in the source (`key:` and nothing), so children can go under it. */
function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    (isScalar(value) &&
      value.value === null &&
      (value.range === undefined || value.range === null || value.range[0] === value.range[1]))
  );
}

function locate(
  document: Document,
  path: readonly string[],
  keys: KeyMatching,
  fileName: string,
): Located {
  const contents = document.contents;
  if (contents === null || isEmptyValue(contents)) {
    return { kind: 'missing', map: null, consumed: 0, document };
  }
  if (!isMap(contents)) {
    throw new MergeRefusedError(
      `The ${fileName} to merge into is not a mapping of settings at its top level, so the export's keys cannot be merged into it.`,
    );
  }
  let map: YAMLMap = contents;
  let consumed = 0;
  let inFlow = map.flow === true;
  for (;;) {
    const match = findPair(map, path.slice(consumed), keys);
    if (match === undefined) {
      return { kind: 'missing', map, consumed, document };
    }
    consumed += match.take;
    const value = match.pair.value as Node | null;
    if (consumed === path.length) {
      return { kind: 'found', value, inFlow };
    }
    if (isMap(value)) {
      map = value;
      inFlow ||= value.flow === true;
      continue;
    }
    if (isEmptyValue(value)) {
      return { kind: 'missing-under-empty', pair: match.pair, consumed };
    }
    throw new MergeRefusedError(
      `The ${fileName} to merge into has a value at "${path.slice(0, consumed).join('.')}" that is not a mapping, so "${path.join('.')}" cannot be set under it. Fix that key (or export without merging) and try again.`,
    );
  }
}

function sameValue(existing: unknown, wanted: YamlValue): boolean {
  if (typeof wanted === 'string' || typeof wanted === 'boolean') {
    return existing === wanted;
  }
  return (
    Array.isArray(existing) &&
    existing.length === wanted.length &&
    existing.every((item, index) => item === wanted[index])
  );
}

function plainJs(node: Node | null): unknown {
  if (node === null) {
    return null;
  }
  return node.toJSON() as unknown;
}

/** The file's line ending: CRLF when it uses it, else LF. */
function lineEndingOf(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}

/** A node's source range, when the parser gave one. */
function rangeOf(node: Node | null | undefined): readonly [number, number, number] | undefined {
  return node?.range ?? undefined;
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

function columnOf(source: string, offset: number): number {
  return offset - lineStart(source, offset);
}

/** The offset just past the end of the line holding `offset` (or the end of the text). */
function afterLine(source: string, offset: number): number {
  if (offset > 0 && source[offset - 1] === '\n') {
    return offset;
  }
  const newline = source.indexOf('\n', offset);
  return newline === -1 ? source.length : newline + 1;
}

/** The file's indentation step: how far its first nested mapping sits in from its parent. */
function indentUnitOf(source: string, document: Document): number {
  const contents = document.contents;
  if (!isMap(contents)) {
    return 2;
  }
  for (const pair of contents.items) {
    const value = pair.value as Node | null;
    const key = pair.key as Node | null;
    if (isMap(value) && value.flow !== true && rangeOf(key) !== undefined) {
      const first = rangeOf(value.items[0]?.key as Node | undefined);
      const parent = rangeOf(key);
      if (first !== undefined && parent !== undefined) {
        const unit = columnOf(source, first[0]) - columnOf(source, parent[0]);
        if (unit > 0) {
          return unit;
        }
      }
    }
  }
  return 2;
}

/** Scalar text: double-quoted when asked or in a flow collection, else plain where YAML allows. */
function scalarText(value: string | boolean, quoted: boolean): string {
  if (typeof value === 'boolean') {
    return String(value);
  }
  if (quoted || /[\r\n]/.test(value)) {
    // JSON's string escapes are all YAML double-quoted escapes too.
    return JSON.stringify(value);
  }
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function flowListText(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

function keyTextOut(key: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(key) ? key : JSON.stringify(key);
}

/** New lines holding `path` = `value`, the first key at `indent` columns. */
function blockLines(
  path: readonly string[],
  value: YamlValue,
  indent: number,
  unit: number,
  quoted: boolean,
): string[] {
  const lines: string[] = [];
  path.forEach((key, depth) => {
    const pad = ' '.repeat(indent + depth * unit);
    const isLast = depth === path.length - 1;
    if (!isLast) {
      lines.push(`${pad}${keyTextOut(key)}:`);
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      lines.push(`${pad}${keyTextOut(key)}: ${scalarText(value, quoted)}`);
    } else if (value.length === 0) {
      lines.push(`${pad}${keyTextOut(key)}: []`);
    } else {
      lines.push(`${pad}${keyTextOut(key)}:`);
      const itemPad = ' '.repeat(indent + (depth + 1) * unit);
      for (const item of value) {
        lines.push(`${itemPad}- ${scalarText(item, quoted)}`);
      }
    }
  });
  return lines;
}

function splice(source: string, start: number, end: number, text: string): string {
  return `${source.slice(0, start)}${text}${source.slice(end)}`;
}

/** Inserts whole lines at `offset` (a line start, or the end of a text without a final newline). */
function insertLines(source: string, offset: number, lines: readonly string[]): string {
  const eol = lineEndingOf(source);
  const needsBreak = offset > 0 && source[offset - 1] !== '\n';
  return splice(source, offset, offset, `${needsBreak ? eol : ''}${lines.join(eol)}${eol}`);
}

/** Replaces an existing value node's text with `value`, keeping its trailing comment. */
function replaceValue(
  source: string,
  node: Node,
  value: YamlValue,
  options: { inFlow: boolean; quoted: boolean; fileName: string; path: string },
): string {
  const range = rangeOf(node);
  if (range === undefined) {
    throw new Error(`The YAML parser gave no position for ${options.path}.`);
  }
  if (isMap(node)) {
    throw new MergeRefusedError(
      `The ${options.fileName} to merge into holds a mapping at "${options.path}", where the export sets a value. Fix that key (or export without merging) and try again.`,
    );
  }
  const [start, end] = range;
  const old = source.slice(start, end);
  // A block scalar's or block list's range runs to the end of its last line; keep that break.
  const eol = lineEndingOf(source);
  const keepBreak = old.endsWith('\n') ? eol : '';
  let text: string;
  if (typeof value === 'string' || typeof value === 'boolean') {
    text = scalarText(value, options.quoted || options.inFlow);
  } else if (isSeq(node) && node.flow !== true && !options.inFlow && value.length > 0) {
    const pad = ' '.repeat(columnOf(source, start));
    text = value.map((item) => `- ${scalarText(item, options.quoted)}`).join(`${eol}${pad}`);
  } else {
    text = flowListText(value);
  }
  return splice(source, start, end, `${text}${keepBreak}`);
}

/** Fills an empty value (`key:` with nothing after it) with a scalar or a flow list. */
function fillEmptyValue(source: string, node: Node | null, value: YamlValue, quoted: boolean) {
  const at = node?.range?.[0];
  if (at === undefined) {
    throw new Error('The YAML parser gave no position for an empty value.');
  }
  const text =
    typeof value === 'string' || typeof value === 'boolean'
      ? scalarText(value, quoted)
      : flowListText(value);
  const next = source[at];
  const before = source[at - 1] === ' ' ? '' : ' ';
  const after = next === undefined || next === '\n' || next === '\r' ? '' : ' ';
  return splice(source, at, at, `${before}${text}${after}`);
}

interface Parsed {
  documents: Document[];
  document: Document | undefined;
}

function parse(source: string, options: YamlMergeOptions, what: string): Parsed {
  const documents = parseAllDocuments(source);
  if (!Array.isArray(documents)) {
    // An empty stream: no document at all (an empty file, or comments only).
    return { documents: [], document: undefined };
  }
  for (const document of documents) {
    const firstError = document.errors[0];
    if (firstError !== undefined) {
      throw new MergeRefusedError(
        `The ${options.fileName} ${what} is not valid YAML: ${parserMessage(firstError.message)} Fix it (or export without merging) and try again.`,
      );
    }
  }
  if (documents.length > 1 && options.pickDocument === undefined) {
    throw new MergeRefusedError(
      `The ${options.fileName} to merge into holds ${String(documents.length)} YAML documents (separated by ---), but the target reads one. Merge them into one document (or export without merging) and try again.`,
    );
  }
  const index = documents.length <= 1 ? 0 : options.pickDocument?.(documents);
  if (index === undefined) {
    throw new MergeRefusedError(
      `The ${options.fileName} to merge into has no document the settings can go in (every one applies to a profile only). Add a document without spring.config.activate (or export without merging) and try again.`,
    );
  }
  return { documents, document: documents[index] };
}

function applySetting(
  source: string,
  setting: YamlSetting,
  options: YamlMergeOptions,
): { source: string; outcome: 'added' | 'changed' | 'kept' | 'absent' } {
  const { document } = parse(source, options, 'to merge into');
  const dotted = setting.path.join('.');
  if (document === undefined) {
    if (setting.onlyIfPresent === true) {
      return { source, outcome: 'absent' };
    }
    return {
      source: insertLines(
        source,
        source.length,
        blockLines(setting.path, setting.value, 0, 2, options.quoteStrings),
      ),
      outcome: 'added',
    };
  }
  const located = locate(document, setting.path, options.keys, options.fileName);
  if (located.kind === 'found') {
    const isRight = setting.isAlreadyRight ?? ((existing) => sameValue(existing, setting.value));
    if (isRight(plainJs(located.value))) {
      return { source, outcome: 'kept' };
    }
    const node = located.value;
    if (node === null || isEmptyValue(node)) {
      return {
        source: fillEmptyValue(source, node, setting.value, options.quoteStrings),
        outcome: 'changed',
      };
    }
    return {
      source: replaceValue(source, node, setting.value, {
        inFlow: located.inFlow,
        quoted: options.quoteStrings,
        fileName: options.fileName,
        path: dotted,
      }),
      outcome: 'changed',
    };
  }
  if (setting.onlyIfPresent === true) {
    return { source, outcome: 'absent' };
  }
  const unit = indentUnitOf(source, document);
  if (located.kind === 'missing-under-empty') {
    const key = located.pair.key as Node;
    const keyRange = rangeOf(key);
    if (keyRange === undefined) {
      throw new Error(`The YAML parser gave no position for ${dotted}.`);
    }
    const indent = columnOf(source, keyRange[0]) + unit;
    return {
      source: insertLines(
        source,
        afterLine(source, keyRange[1]),
        blockLines(
          setting.path.slice(located.consumed),
          setting.value,
          indent,
          unit,
          options.quoteStrings,
        ),
      ),
      outcome: 'added',
    };
  }
  const { map } = located;
  if (map === null) {
    const end = located.document.range?.[1] ?? source.length;
    return {
      source: insertLines(
        source,
        afterLine(source, end),
        blockLines(setting.path, setting.value, 0, unit, options.quoteStrings),
      ),
      outcome: 'added',
    };
  }
  if (map.flow === true) {
    throw new MergeRefusedError(
      `The ${options.fileName} to merge into writes "${setting.path.slice(0, located.consumed).join('.') || '(the top level)'}" as a flow mapping ({…}), where the export must add "${dotted}". Write it as a block mapping (one key a line), or export without merging, and try again.`,
    );
  }
  const mapRange = rangeOf(map);
  const firstKey = rangeOf(map.items[0]?.key as Node | undefined);
  if (mapRange === undefined || firstKey === undefined) {
    throw new Error(`The YAML parser gave no position for the mapping holding ${dotted}.`);
  }
  const indent = columnOf(source, firstKey[0]);
  return {
    source: insertLines(
      source,
      afterLine(source, mapRange[1]),
      blockLines(
        setting.path.slice(located.consumed),
        setting.value,
        indent,
        unit,
        options.quoteStrings,
      ),
    ),
    outcome: 'added',
  };
}

/**
 * `source` with every setting in `options.settings` merged in; see the module comment.
 *
 * @throws {@link MergeRefusedError} when the file is not valid YAML or a setting's place holds
 * something that cannot take it (a list where a mapping must be, a flow mapping to add to).
 */
export function mergeYamlSettings(source: string, options: YamlMergeOptions): YamlMergeResult {
  const result: YamlMergeResult = { content: source, added: [], changed: [], kept: [] };
  for (const setting of options.settings) {
    const { source: next, outcome } = applySetting(result.content, setting, options);
    result.content = next;
    if (outcome !== 'absent') {
      result[outcome].push(setting.path.join('.'));
    }
  }
  // The merge's own check: the file parses, and each setting reads back as wanted.
  const { document } = parse(result.content, options, 'after merging');
  for (const setting of options.settings) {
    if (setting.onlyIfPresent === true && !result.changed.includes(setting.path.join('.'))) {
      continue;
    }
    const located =
      document === undefined
        ? undefined
        : locate(document, setting.path, options.keys, options.fileName);
    const isRight = setting.isAlreadyRight ?? ((existing) => sameValue(existing, setting.value));
    if (located?.kind !== 'found' || !isRight(plainJs(located.value))) {
      throw new Error(
        `Merging into ${options.fileName} did not leave ${setting.path.join('.')} as the export sets it; nothing was written.`,
      );
    }
  }
  return result;
}

/** One sentence on what a merge did, for the next steps. */
export function mergeSummary(fileName: string, result: MergeOutcome): string {
  const parts: string[] = [];
  if (result.added.length > 0) {
    parts.push(`adds ${result.added.join(', ')}`);
  }
  if (result.changed.length > 0) {
    parts.push(`changes ${result.changed.join(', ')}`);
  }
  const kept =
    result.kept.length === 0
      ? ''
      : ` ${result.kept.join(', ')} already held the right value and ${result.kept.length === 1 ? 'was' : 'were'} left as ${result.kept.length === 1 ? 'it was' : 'they were'}.`;
  if (parts.length === 0) {
    return `The merge changes nothing: your ${fileName} already holds every setting the export writes.${kept}`;
  }
  return `The merge ${parts.join(' and ')} in your ${fileName}; every other line stays as it was, byte for byte.${kept} Check the diff before you save over the original.`;
}
