import { describe, expect, it } from 'vitest';

import { asObject, stringOf, stringsOf, textOf } from '../../../../main/platform/json.ts';

describe('asObject', () => {
  it('answers a JSON object itself, so its fields are read where Okta put them', () => {
    const object = { label: 'Kestra', settings: { implicitAssignment: true } };
    expect(asObject(object)).toBe(object);
  });

  it('answers an instance of a class as the object it is (the SDK answers model instances)', () => {
    class Model {
      id = 'app1';
    }
    expect(asObject(new Model()).id).toBe('app1');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an array', ['a']],
    ['a string', 'text'],
    ['a number', 3],
    ['a boolean', true],
  ])('answers an empty object for %s, so a missing field reads as absent', (_, value) => {
    expect(asObject(value)).toEqual({});
  });
});

describe('stringsOf', () => {
  it('keeps the strings of an array in order and leaves the other items out', () => {
    expect(stringsOf(['code', 1, null, 'token', { a: 1 }, 'code'])).toEqual([
      'code',
      'token',
      'code',
    ]);
  });

  it.each([
    ['undefined', undefined],
    ['a string', 'code'],
    ['an object', { 0: 'code' }],
  ])('answers [] for %s', (_, value) => {
    expect(stringsOf(value)).toEqual([]);
  });
});

describe('stringOf', () => {
  it('answers a string, the empty one included', () => {
    expect(stringOf('https://a.example')).toBe('https://a.example');
    expect(stringOf('')).toBe('');
  });

  it.each([null, undefined, 0, false, ['a'], {}])('answers undefined for %j', (value) => {
    expect(stringOf(value)).toBeUndefined();
  });
});

describe('textOf', () => {
  it('answers a string as it is', () => {
    expect(textOf('ACTIVE')).toBe('ACTIVE');
  });

  it.each([null, undefined, 42, true, ['ACTIVE'], { status: 'ACTIVE' }])(
    "answers '' for %j",
    (value) => {
      expect(textOf(value)).toBe('');
    },
  );
});
