import { describe, expect, it } from 'vitest';

import {
  attribute,
  BLANK,
  comment,
  hclBool,
  hclCall,
  hclMultilineObject,
  hclNumber,
  hclObject,
  hclReference,
  hclString,
  hclStringList,
  nested,
  renderHclFile,
} from '../../../../main/export/hcl-writer.ts';
import { expressionOf, literalOf, parseHcl } from '../../../support/hcl-parsing.ts';

/** A file with one `locals` block holding `value` as the attribute `value`. */
async function roundTrip(value: string): Promise<unknown> {
  const parsed = await parseHcl(
    renderHclFile([nested('locals', [], [attribute('value', hclString(value))])]),
  );
  return (parsed.locals as Record<string, unknown>[])[0]?.value;
}

describe('hclString', () => {
  it.each([
    ['plain', 'Kestra'],
    ['quotes', 'Team "A"'],
    ['an interpolation', 'Team ${var.name}'],
    ['a directive', '%{ if true }yes%{ endif }'],
    ['already doubled markers', '$${ and %%{'],
    ['a backslash', 'C:\\apps\\kestra'],
    ['a backslash before a quote', 'ends with \\"'],
    ['line breaks and tabs', 'one\ntwo\r\n\tthree'],
    ['other control characters', 'bell\u0007 and null\u0000'],
    ['non-ASCII text', 'Équipe — 東京 🚀'],
    ['a lone dollar and percent', 'costs $5, 100%'],
  ])('writes %s so HCL reads back exactly the text', async (_case, value) => {
    expect(literalOf(await roundTrip(value))).toBe(value);
  });

  it('doubles the template markers, HCL’s only way to write them literally', () => {
    expect(hclString('a ${b} %{c}').hcl).toBe('"a $${b} %%{c}"');
  });
});

describe('values', () => {
  it('writes lists, numbers, booleans, references, objects and calls that parse as meant', async () => {
    const content = renderHclFile([
      nested(
        'resource',
        ['okta_app_oauth', 'kestra'],
        [
          attribute('grant_types', hclStringList(['authorization_code', 'refresh_token'])),
          attribute('priority', hclNumber(1)),
          attribute('omit_secret', hclBool(true)),
          attribute('app_id', hclReference('okta_app_oauth', 'other', 'id')),
          attribute(
            'profile',
            hclCall(
              'jsonencode',
              hclObject([['x-mark', hclObject([['setupId', hclString('s1')]])]]),
            ),
          ),
        ],
      ),
    ]);
    const parsed = await parseHcl(content);
    const resource = ((parsed.resource as Record<string, Record<string, Record<string, unknown>[]>>)
      .okta_app_oauth?.kestra ?? [])[0];
    expect(resource?.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(resource?.priority).toBe(1);
    expect(resource?.omit_secret).toBe(true);
    expect(expressionOf(resource?.app_id)).toBe('okta_app_oauth.other.id');
    expect(expressionOf(resource?.profile)).toBe('jsonencode({ "x-mark" = { setupId = "s1" } })');
  });

  it('refuses names that are not identifiers, so document text never becomes an expression', () => {
    expect(() => hclReference('okta_app_oauth', 'a.b')).toThrow(/not an HCL identifier/);
    expect(() => attribute('bad name', hclBool(true))).toThrow(/not an HCL identifier/);
    expect(() => nested('resource', ['okta_app_oauth', '${x}'], [])).toThrow(
      /not an HCL identifier/,
    );
    expect(() => hclNumber(1.5)).toThrow(/not an integer/);
  });

  it('quotes object keys that are not plain words', () => {
    expect(hclObject([['setupId', hclString('a')]]).hcl).toBe('{ setupId = "a" }');
    expect(hclObject([['x-sso-console', hclString('a')]]).hcl).toBe('{ "x-sso-console" = "a" }');
    expect(hclObject([]).hcl).toBe('{}');
  });
});

describe('renderHclFile', () => {
  it('lays blocks out as terraform fmt does: two spaces, aligned runs of attributes', () => {
    const content = renderHclFile([
      comment('Header'),
      BLANK,
      nested(
        'terraform',
        [],
        [
          attribute('required_version', hclString('>= 1.5.0')),
          nested(
            'required_providers',
            [],
            [
              attribute(
                'okta',
                hclMultilineObject([
                  ['source', hclString('okta/okta')],
                  ['version', hclString('~> 7.0')],
                ]),
              ),
            ],
          ),
        ],
      ),
      BLANK,
      nested('provider', ['okta'], []),
      BLANK,
      nested(
        'resource',
        ['okta_app_user', 'ada'],
        [
          attribute('app_id', hclString('0oa1')),
          attribute('username', hclString('ada')),
          comment('A comment ends the run'),
          attribute('user_id', hclString('00u1')),
        ],
      ),
    ]);
    expect(content).toBe(
      [
        '# Header',
        '',
        'terraform {',
        '  required_version = ">= 1.5.0"',
        '  required_providers {',
        '    okta = {',
        '      source  = "okta/okta"',
        '      version = "~> 7.0"',
        '    }',
        '  }',
        '}',
        '',
        'provider "okta" {}',
        '',
        'resource "okta_app_user" "ada" {',
        '  app_id   = "0oa1"',
        '  username = "ada"',
        '  # A comment ends the run',
        '  user_id = "00u1"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps a line break in comment text inside the comment', async () => {
    const content = renderHclFile([
      comment('group name\nresource "x" "y" {}\u0007'),
      nested('locals', [], []),
    ]);
    expect(content).toContain('# group name\n# resource "x" "y" {}\n');
    const parsed = await parseHcl(content);
    expect(parsed.resource).toBeUndefined();
  });
});
