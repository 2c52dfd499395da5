import { describe, expect, it } from 'vitest';

import { parseJson } from '../../../../main/preview/recorded-http.ts';

describe('parseJson, which every answer of a preview passes through', () => {
  it('reads JSON objects and arrays, with the whitespace a server may put first', () => {
    expect(parseJson('{"issuer":"https://a.okta.com"}')).toEqual({ issuer: 'https://a.okta.com' });
    expect(parseJson('\n  [1, 2]')).toEqual([1, 2]);
  });

  it('answers undefined for what is no JSON document: HTML pages, empty bodies, broken JSON', () => {
    expect(parseJson('')).toBeUndefined();
    expect(parseJson('<!DOCTYPE html><title>400 Bad Request</title>')).toBeUndefined();
    expect(parseJson('Redirecting to /signin.')).toBeUndefined();
    expect(parseJson('{"error":')).toBeUndefined();
  });

  it('answers undefined for a bare JSON value, which no OAuth endpoint answers with', () => {
    expect(parseJson('null')).toBeUndefined();
    expect(parseJson('"text"')).toBeUndefined();
  });
});
