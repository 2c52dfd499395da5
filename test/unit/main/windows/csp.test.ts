import { describe, expect, it } from 'vitest';

import { buildCsp } from '../../../../main/windows/csp.ts';

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('buildCsp (Electron checklist #7)', () => {
  it.each(['ipc', 'http'] as const)('is strict under %s', (transport) => {
    const csp = buildCsp(transport);
    const parsed = directives(csp);
    expect(parsed.get('default-src')).toBe("'none'");
    expect(parsed.get('script-src')).toBe("'self'");
    expect(parsed.get('object-src')).toBe("'none'");
    expect(parsed.get('base-uri')).toBe("'none'");
    expect(parsed.get('form-action')).toBe("'none'");
    expect(parsed.get('frame-ancestors')).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('allows no network under IPC and only the own origin in browser mode', () => {
    expect(directives(buildCsp('ipc')).get('connect-src')).toBe("'none'");
    expect(directives(buildCsp('http')).get('connect-src')).toBe("'self'");
  });
});
