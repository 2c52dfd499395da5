import { describe, expect, it, vi } from 'vitest';

import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { openExternalSafe } from '../../../../main/windows/open-external.ts';

/** The wrapper with a recording shell: what reaches `shell.openExternal` is what the OS opens. */
function opener() {
  const shell = { openExternal: vi.fn(() => Promise.resolve()) };
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  const open = (url: string) =>
    openExternalSafe(url, {
      shell,
      allowedOrigins: ['https://dev-1.okta.com', 'https://developer.okta.com'],
      logger,
    });
  return { shell, lines, open };
}

describe('openExternalSafe (Electron checklist #15)', () => {
  it('hands an allowlisted https URL to the shell', () => {
    const { shell, open } = opener();
    expect(open('https://developer.okta.com/docs/guides/')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(
      'https://developer.okta.com/docs/guides/',
    );
  });

  it.each([
    'file:///etc/passwd',
    'smb://attacker.example/share',
    'javascript:alert(1)',
    'http://dev-1.okta.com/',
    'https://evil.example/',
    'https://dev-1.okta.com@evil.example/',
    'not a url',
  ])('never hands %s to the shell, and says so in the log', (url) => {
    const { shell, lines, open } = opener();
    expect(open(url)).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(lines.join('\n')).toContain('Refused to open a URL outside the allowlist');
  });
});
