import { diffLines } from 'diff';

/**
 * What a merge did to a file, line by line: the lines of `before` that are gone or changed, and
 * the lines of `after` that are new or changed. Whole lines are compared, spaces, comments and
 * line endings included, so a test that expects `removed` to hold only the export's own lines
 * proves every other line is byte for byte where it was, in the same order.
 */
export function changedLines(
  before: string,
  after: string,
): { removed: string[]; added: string[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.split(/(?<=\n)/).map((line) => line.replace(/\r?\n$/, ''));
    if (part.removed) {
      removed.push(...lines);
    } else if (part.added) {
      added.push(...lines);
    }
  }
  return { removed, added };
}
