import { describe, expect, it } from 'vitest';

import {
  findTrustedOrigin,
  originSpellings,
  sameOrigin,
} from '../../../../shared/okta/trusted-origin-match.ts';

describe('matching origins with the trusted origins Okta keeps as sent', () => {
  it.each([
    ['https://a.example', 'https://a.example/', true],
    ['https://a.example/', 'https://a.example', true],
    ['https://A.Example', 'https://a.example', true],
    ['https://a.example:443', 'https://a.example', true],
    ['http://localhost:5173/', 'http://localhost:5173', true],
    ['capacitor://localhost/', 'capacitor://localhost', true],
    ['https://a.example', 'http://a.example', false],
    ['https://a.example:8443', 'https://a.example', false],
    ['https://a.example', 'https://b.example', false],
    ['not a url', 'not a url', true],
    ['not a url', 'https://a.example', false],
  ])('%s and %s: %s', (a, b, same) => {
    expect(sameOrigin(a, b)).toBe(same);
  });

  it('prefers the trusted origin spelled exactly as asked, then one spelled another way', () => {
    const slash = { id: 'tos1', origin: 'https://a.example/' };
    const bare = { id: 'tos2', origin: 'https://a.example' };
    const none = { id: 'tos3', origin: undefined };
    expect(findTrustedOrigin([none, slash, bare], 'https://a.example')).toBe(bare);
    expect(findTrustedOrigin([none, slash, bare], 'https://a.example/')).toBe(slash);
    expect(findTrustedOrigin([none, slash], 'https://a.example')).toBe(slash);
    expect(findTrustedOrigin([none, bare], 'https://b.example')).toBeUndefined();
  });

  it('asks Okta for an origin bare and with a trailing slash', () => {
    expect(originSpellings('https://a.example')).toEqual([
      'https://a.example',
      'https://a.example/',
    ]);
    expect(originSpellings('https://a.example/')).toEqual([
      'https://a.example',
      'https://a.example/',
    ]);
  });
});
