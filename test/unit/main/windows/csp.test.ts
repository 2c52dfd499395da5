import { describe, expect, it } from 'vitest';

import { buildCsp } from '../../../../main/windows/csp.ts';

/** The policy as a directive → sources map; a directive given twice would be a bug, so it throws. */
function directives(csp: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const part of csp.split(';')) {
    const [name = '', ...sources] = part.trim().split(/\s+/);
    if (name in parsed) {
      throw new Error(`The CSP names ${name} twice.`);
    }
    parsed[name] = sources.join(' ');
  }
  return parsed;
}

/**
 * The whole policy, directive by directive. Every directive the console does not name falls back
 * to `default-src 'none'` (frames, workers, media, manifests), so adding one, loosening one or
 * dropping one fails here — the pin is the complete map, not a list of spot checks.
 */
const PINNED = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
};

describe('buildCsp (Electron checklist #7)', () => {
  it('pins every directive under IPC: no network at all', () => {
    expect(directives(buildCsp('ipc'))).toStrictEqual({ ...PINNED, 'connect-src': "'none'" });
  });

  it('pins every directive in browser mode: the contract over same-origin HTTP only', () => {
    expect(directives(buildCsp('http'))).toStrictEqual({ ...PINNED, 'connect-src': "'self'" });
  });

  it.each(['ipc', 'http'] as const)(
    'under %s names no frame, worker or media source, so each falls back to none',
    (transport) => {
      const parsed = directives(buildCsp(transport));
      for (const fallback of [
        'frame-src',
        'child-src',
        'worker-src',
        'media-src',
        'manifest-src',
      ]) {
        expect(parsed).not.toHaveProperty(fallback);
      }
      expect(buildCsp(transport)).not.toMatch(/unsafe-|\*|https?:|blob:|filesystem:/);
    },
  );
});
