import { describe, expect, it } from 'vitest';

import { allOf, anyEquals, filterEquals, filterString } from '../../../../main/okta/okta-filter.ts';
import { compileFilter } from '../../../../main/sandbox/query-filter.ts';

/** Values an admin's directory may hold that would break or bend a hand-quoted expression. */
const HOSTILE = [
  'o"neil@example.com',
  'back\\slash@example.com',
  'ends-with-backslash\\',
  '\\"',
  '" or profile.login sw "',
  'a" or profile.login pr or profile.login eq "b',
  'ada and grace or bob',
  'ada) or (profile.login pr',
  'tab\there@example.com',
  'line\nbreak@example.com',
  'nul\u0000byte',
  'zoë@exämple.com',
  '',
];

const user = (login: string) => ({ profile: { login } });

describe('filterEquals, read by the sandbox’s Okta expression parser', () => {
  it.each(HOSTILE)('matches exactly %j and nothing else', (value) => {
    const predicate = compileFilter(filterEquals('profile.login', value));
    expect(predicate.attributes).toEqual(['profile.login']);
    expect(predicate(user(value))).toBe(true);
    expect(predicate(user(`${value}x`))).toBe(false);
    expect(predicate(user('someone.else@example.com'))).toBe(false);
  });

  it('is what a hand-quoted expression got wrong: a backslash escapes', () => {
    expect(filterString('a\\b"c')).toBe('"a\\\\b\\"c"');
    // The old escaping (only `"`) of a value ending in a backslash makes the parser fail.
    const handQuoted = `profile.login eq "${'ends-with-backslash\\'.replaceAll('"', '\\"')}"`;
    expect(() => compileFilter(handQuoted)).toThrow();
  });

  it('refuses an attribute path it did not expect, rather than building an expression from it', () => {
    expect(() => filterEquals('profile.login eq "x" or id', 'y')).toThrow(/not an Okta attribute/);
    expect(() => filterEquals('', 'y')).toThrow();
  });
});

describe('anyEquals and allOf', () => {
  it('matches each of several hostile values, and no other', () => {
    const predicate = compileFilter(anyEquals('profile.login', HOSTILE));
    expect(predicate.attributes).toEqual(['profile.login']);
    for (const value of HOSTILE) {
      expect(predicate(user(value))).toBe(true);
    }
    expect(predicate(user('x@example.com'))).toBe(false);
  });

  it('keeps an or inside one part of an and', () => {
    const expression = allOf(
      anyEquals('status', ['ACTIVE', 'STAGED']),
      filterEquals('profile.login', 'a" or status pr or "'),
    );
    const predicate = compileFilter(expression);
    expect(predicate({ status: 'ACTIVE', profile: { login: 'a" or status pr or "' } })).toBe(true);
    expect(predicate({ status: 'ACTIVE', profile: { login: 'b' } })).toBe(false);
    expect(predicate({ status: 'SUSPENDED', profile: { login: 'a" or status pr or "' } })).toBe(
      false,
    );
  });

  it('needs a value', () => {
    expect(() => anyEquals('profile.login', [])).toThrow();
  });
});
