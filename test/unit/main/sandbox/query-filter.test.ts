import { describe, expect, it } from 'vitest';

import { compileFilter, FilterSyntaxError } from '../../../../main/sandbox/query-filter.ts';

const ada = {
  status: 'ACTIVE',
  lastUpdated: '2026-01-02T00:00:00.000Z',
  profile: { login: 'ada@example.com', lastName: 'Lovelace', nickName: '' },
};

describe('compileFilter (Okta filter / search grammar)', () => {
  it.each([
    ['status eq "ACTIVE"', true],
    ['status EQ "active"', true],
    ['status ne "ACTIVE"', false],
    ['profile.login sw "ADA"', true],
    ['profile.lastName co "love"', true],
    ['lastUpdated gt "2026-01-01T00:00:00.000Z"', true],
    ['lastUpdated lt "2026-01-01T00:00:00.000Z"', false],
    ['profile.login pr', true],
    ['profile.nickName pr', false],
    ['status eq "STAGED" or profile.login sw "ada"', true],
    ['status eq "STAGED" or profile.login sw "ada" and status eq "SUSPENDED"', false],
    ['(status eq "STAGED" or profile.login sw "ada") and status eq "ACTIVE"', true],
    ['profile.Login eq "ada@example.com"', false],
  ])('%s → %s', (expression, expected) => {
    expect(compileFilter(expression)(ada)).toBe(expected);
  });

  it.each([
    '',
    'status',
    'status equals "ACTIVE"',
    'status eq ACTIVE',
    '(status eq "ACTIVE"',
    'status eq "A" extra',
    '"x" eq "y"',
    'profile.login eq "a\\@example.com"',
  ])('refuses %j', (expression) => {
    expect(() => compileFilter(expression)).toThrow(FilterSyntaxError);
  });

  it.each([
    ['target.id eq "00g2"', true],
    ['target.type eq "User" and target.id eq "00g2"', true],
    ['target.id eq "00g3"', false],
    ['target.displayName sw "eng"', true],
    ['tags eq "b"', true],
    ['tags eq "c"', false],
    ['target.alternateId pr', true],
    ['missing.path ne "x"', true],
  ])('reaches into arrays: %s → %s (a System Log event’s targets)', (expression, expected) => {
    const event = {
      tags: ['a', 'b'],
      target: [
        { id: '00u1', type: 'User', displayName: 'Ada', alternateId: 'ada@example.com' },
        { id: '00g2', type: 'UserGroup', displayName: 'Engineering' },
      ],
    };
    expect(compileFilter(expression)(event)).toBe(expected);
  });

  it('reports the attribute paths it reads, once each', () => {
    expect(
      compileFilter('(status eq "A" or profile.login sw "b") and status ne "C" and id pr')
        .attributes,
    ).toEqual(['status', 'profile.login', 'id']);
  });

  it('reports the operators it uses, lower-cased, once each', () => {
    expect(
      compileFilter('(status EQ "A" or profile.login sw "b") and status eq "C" and id pr')
        .operators,
    ).toEqual(['eq', 'sw', 'pr']);
  });
});

describe('compileFilter compares strings exactly as lower-casing both sides would', () => {
  const values = [
    'Ada@Example.com',
    'ada@example.com',
    'ADA',
    'ad',
    '',
    'İstanbul',
    'i̇stanbul',
    'ÉCOLE',
    'école',
    'Straße',
    'STRASSE',
    'ΟΔΟΣ',
    'οδος',
    'Zoë',
    'ZOË',
  ];
  it('for eq, ne and sw, ASCII and not (İ, ß, final Σ, accents)', () => {
    const mismatches = values.flatMap((actual) =>
      values.flatMap((expected) =>
        (['eq', 'ne', 'sw'] as const).flatMap((operator) => {
          const left = actual.toLowerCase();
          const right = expected.toLowerCase();
          const wanted =
            operator === 'eq'
              ? left === right
              : operator === 'ne'
                ? left !== right
                : left.startsWith(right);
          const got = compileFilter(`name ${operator} ${JSON.stringify(expected)}`)({
            name: actual,
          });
          return got === wanted ? [] : [`${actual} ${operator} "${expected}" gave ${String(got)}`];
        }),
      ),
    );
    expect(mismatches).toEqual([]);
  });
});
