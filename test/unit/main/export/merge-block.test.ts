import { describe, expect, it } from 'vitest';

import { findManagedBlock, mergeManagedBlock } from '../../../../main/export/merge-block.ts';
import { changedLines } from '../../../support/merge-assertions.ts';

const MARKERS = { begin: '# BEGIN test', end: '# END test' };
const BLOCK = ['# BEGIN test: managed', 'x = 1', '# END test'];

describe('mergeManagedBlock', () => {
  it('appends the block after a blank line, keeping every byte of the file', () => {
    const existing = "external_url 'https://gitlab.example.com'   # ours\n";
    const result = mergeManagedBlock(existing, BLOCK, MARKERS, 'gitlab.rb');
    expect(result).toEqual({
      content: `${existing}\n# BEGIN test: managed\nx = 1\n# END test\n`,
      outcome: 'appended',
    });
    expect(mergeManagedBlock('a\n\n', BLOCK, MARKERS, 'gitlab.rb').content).toBe(
      'a\n\n# BEGIN test: managed\nx = 1\n# END test\n',
    );
  });

  it('replaces only the lines between its markers, where the admin left them', () => {
    const existing = 'a = 1\r\n  # BEGIN test: old\r\nx = 0\r\n# END test\r\nb = 2\r\n';
    const result = mergeManagedBlock(existing, BLOCK, MARKERS, 'gitlab.rb');
    expect(result.outcome).toBe('replaced');
    expect(result.content).toBe(
      'a = 1\r\n# BEGIN test: managed\r\nx = 1\r\n# END test\r\nb = 2\r\n',
    );
    const { removed } = changedLines(existing, result.content);
    expect(removed).toEqual(['  # BEGIN test: old', 'x = 0']);
    expect(mergeManagedBlock(result.content, BLOCK, MARKERS, 'gitlab.rb')).toEqual({
      content: result.content,
      outcome: 'unchanged',
    });
  });

  it.each([
    ['# BEGIN test\n', 'has 1 "# BEGIN test" and 0 "# END test" lines'],
    ['# BEGIN test\n# END test\n# BEGIN test\n# END test\n', 'has 2'],
    ['# END test\n# BEGIN test\n', 'before its "# BEGIN test" line'],
  ])('refuses broken markers (%#)', (existing, message) => {
    expect(() => findManagedBlock(existing, MARKERS, 'gitlab.rb')).toThrow(message);
  });
});
