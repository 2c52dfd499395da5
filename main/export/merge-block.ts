import { MergeRefusedError } from './merge-yaml.ts';

/**
 * Merging an export into a file as one managed block between two marker comments (GitLab's
 * `gitlab.rb`), for formats where the export's settings cannot be placed key by key.
 *
 * @remarks
 * `gitlab.rb` is a Ruby program: its settings are statements, and one statement
 * (`gitlab_rails['omniauth_providers'] = [...]`) holds the whole provider list. Editing inside the
 * admin's statements would mean rewriting Ruby. Instead the export owns every line from its BEGIN
 * marker to its END marker, and nothing else: the first merge appends the block at the end, every
 * later merge replaces what is between the markers where the admin left them. A block whose new
 * content equals the old leaves the file byte for byte as it was.
 */

/** The marker lines of one managed block. */
export interface BlockMarkers {
  /** The start of the BEGIN line, e.g. `# BEGIN SSO Setup Console`; the rest of it is free text. */
  begin: string;
  /** The start of the END line. */
  end: string;
}

/** Where an existing block lies, as 1-based line numbers, inclusive. */
export interface BlockLines {
  first: number;
  last: number;
}

/** The merged file, and whether the block was appended, replaced, or already as wanted. */
export interface BlockMergeResult {
  content: string;
  outcome: 'appended' | 'replaced' | 'unchanged';
}

function linesOf(source: string): string[] {
  return source.split(/\r?\n/);
}

/**
 * The existing managed block of `source`, or `undefined` when it has none.
 *
 * @throws {@link MergeRefusedError} when the markers are broken (one without the other, twice, or
 * in the wrong order): the admin must see which lines the export would own before it replaces them.
 */
export function findManagedBlock(
  source: string,
  markers: BlockMarkers,
  fileName: string,
): BlockLines | undefined {
  const lines = linesOf(source);
  const begins: number[] = [];
  const ends: number[] = [];
  lines.forEach((line, index) => {
    const text = line.trimStart();
    if (text.startsWith(markers.begin)) {
      begins.push(index + 1);
    } else if (text.startsWith(markers.end)) {
      ends.push(index + 1);
    }
  });
  if (begins.length === 0 && ends.length === 0) {
    return undefined;
  }
  const [first] = begins;
  const [last] = ends;
  if (begins.length !== 1 || ends.length !== 1 || first === undefined || last === undefined) {
    throw new MergeRefusedError(
      `The ${fileName} to merge into has ${String(begins.length)} "${markers.begin}" and ${String(ends.length)} "${markers.end}" lines; the export owns exactly the lines between one of each. Remove the extra or broken marker lines and try again.`,
    );
  }
  if (last < first) {
    throw new MergeRefusedError(
      `The ${fileName} to merge into has its "${markers.end}" line (line ${String(last)}) before its "${markers.begin}" line (line ${String(first)}). Fix the markers and try again.`,
    );
  }
  return { first, last };
}

/**
 * `source` with `block` (whole lines, markers included) in place of its managed block, or appended
 * after a blank line when it has none; the file's own line endings are kept.
 */
export function mergeManagedBlock(
  source: string,
  block: readonly string[],
  markers: BlockMarkers,
  fileName: string,
): BlockMergeResult {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const found = findManagedBlock(source, markers, fileName);
  if (found === undefined) {
    // Every existing byte stays; at most a final line break and one blank line are added.
    let head = source;
    if (head !== '' && !head.endsWith('\n')) {
      head += eol;
    }
    if (head !== '' && !/(^|\n)[ \t]*\r?\n$/.test(head)) {
      head += eol;
    }
    return { content: `${head}${block.join(eol)}${eol}`, outcome: 'appended' };
  }
  const lines = source.split(/(?<=\n)/);
  const before = lines.slice(0, found.first - 1).join('');
  const after = lines.slice(found.last).join('');
  const old = lines.slice(found.first - 1, found.last).join('');
  const lastOld = lines[found.last - 1] ?? '';
  const ending = lastOld.endsWith('\n') ? eol : '';
  const replacement = `${block.join(eol)}${ending}`;
  return {
    content: `${before}${replacement}${after}`,
    outcome: replacement === old ? 'unchanged' : 'replaced',
  };
}
