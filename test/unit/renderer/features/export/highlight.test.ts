import { describe, expect, it } from 'vitest';

import { type Token, tokenize } from '../../../../../renderer/features/export/highlight.ts';
import { FILE_LANGUAGES, type FileLanguage } from '../../../../../shared/export/export-targets.ts';

/** The runs of one line as `kind:text`, plain runs left out, to keep expectations short. */
function marked(content: string, language: FileLanguage): string[][] {
  return tokenize(content, language).map((line: Token[]) =>
    line.filter((token) => token.kind !== 'plain').map((token) => `${token.kind}:${token.text}`),
  );
}

describe('tokenize', () => {
  it('classifies YAML comments, keys and strings, and leaves a # inside a value alone', () => {
    expect(
      marked(
        [
          '# header',
          'micronaut:',
          "  client-id: '0oa1' # the app",
          '  - name: "x"',
          '  url: http://h:8080/a#b',
        ].join('\n'),
        'yaml',
      ),
    ).toEqual([
      ['comment:# header'],
      ['key:micronaut'],
      ['key:client-id', "string:'0oa1'", 'comment:# the app'],
      ['key:name', 'string:"x"'],
      ['key:url'],
    ]);
  });

  it('tells JSON keys from string values', () => {
    expect(marked('{\n  "issuer": "https://a",\n  "n": 1\n}', 'json')).toEqual([
      [],
      ['key:"issuer"', 'string:"https://a"'],
      ['key:"n"'],
      [],
    ]);
  });

  it('reads dotenv, ini, toml, ruby and hcl the way their files are written', () => {
    expect(marked('# c\nexport OIDC_ID="a#b" # note', 'dotenv')).toEqual([
      ['comment:# c'],
      ['key:OIDC_ID', 'string:"a#b"', 'comment:# note'],
    ]);
    expect(marked('[auth.generic_oauth]\n; c\nclient_id = abc', 'ini')).toEqual([
      ['section:[auth.generic_oauth]'],
      ['comment:; c'],
      ['key:client_id'],
    ]);
    expect(marked('[[providers]]\nid = "okta" # c', 'toml')).toEqual([
      ['section:[[providers]]'],
      ['key:id', 'string:"okta"', 'comment:# c'],
    ]);
    expect(marked('{ name: \'openid_connect\', label: "Okta" } # c', 'ruby')).toEqual([
      ['key:name:', "string:'openid_connect'", 'key:label:', 'string:"Okta"', 'comment:# c'],
    ]);
    expect(marked('  client_id = "abc" // c\n# d', 'hcl')).toEqual([
      ['key:client_id', 'string:"abc"', 'comment:// c'],
      ['comment:# d'],
    ]);
  });

  it('keeps every character: the runs of each file join back into the file', () => {
    const hostile = [
      '<script>alert(1)</script>: "<img src=x onerror=alert(1)>"',
      '"unterminated \\" string',
      "key: 'it''s' # done",
      '',
      '\t[broken',
    ].join('\n');
    for (const language of FILE_LANGUAGES) {
      const joined = tokenize(hostile, language)
        .map((line) => line.map((token) => token.text).join(''))
        .join('\n');
      expect(joined).toBe(hostile);
    }
  });

  it('stays fast on a long line with nothing to match', () => {
    const line = `a${' '.repeat(200_000)}b`;
    const started = performance.now();
    for (const language of FILE_LANGUAGES) {
      tokenize(line, language);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
