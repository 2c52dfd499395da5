import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

import {
  MergeRefusedError,
  mergeSummary,
  mergeYamlSettings,
  type YamlMergeOptions,
  type YamlSetting,
} from '../../../../main/export/merge-yaml.ts';
import { changedLines } from '../../../support/merge-assertions.ts';

const SETTINGS: YamlSetting[] = [
  { path: ['okta', 'oauth2', 'issuer'], value: 'https://acme.okta.com' },
  { path: ['okta', 'oauth2', 'client-id'], value: '0oa1' },
  { path: ['okta', 'oauth2', 'scopes'], value: ['openid', 'email'] },
];

function merge(source: string, options: Partial<YamlMergeOptions> = {}) {
  return mergeYamlSettings(source, {
    fileName: 'application.yml',
    settings: SETTINGS,
    quoteStrings: false,
    keys: 'exact',
    ...options,
  });
}

const WANTED = {
  okta: {
    oauth2: { issuer: 'https://acme.okta.com', 'client-id': '0oa1', scopes: ['openid', 'email'] },
  },
};

describe('mergeYamlSettings', () => {
  it('writes the settings into an empty file, or one with comments only', () => {
    expect(parse(merge('').content)).toEqual(WANTED);
    const commented = merge('# managed by ops\n').content;
    expect(commented.startsWith('# managed by ops\n')).toBe(true);
    expect(parse(commented)).toEqual(WANTED);
  });

  it('keeps the file’s indentation, line endings and a missing final line break', () => {
    const existing =
      'server:\r\n    port: 8080\r\nokta:\r\n    oauth2:\r\n        issuer: https://old # was\r\n';
    const { content } = merge(existing);
    expect(content).not.toMatch(/[^\r]\n/);
    expect(content).toContain('        issuer: https://acme.okta.com # was\r\n');
    expect(content).toContain(
      '        client-id: 0oa1\r\n        scopes:\r\n            - openid\r\n',
    );
    expect(changedLines(existing, content).removed).toEqual(['        issuer: https://old # was']);

    const unterminated = merge('server:\n  port: 8080').content;
    expect(unterminated.startsWith('server:\n  port: 8080\nokta:\n')).toBe(true);
  });

  it('replaces a block list where it stands and fills an empty value', () => {
    const existing =
      'okta:\n  oauth2:\n    issuer:   # fill me\n    scopes:\n      - openid\n      - profile # old\n    client-id: 0oa1\n';
    const result = merge(existing);
    expect(result.content).toBe(
      'okta:\n  oauth2:\n    issuer:   https://acme.okta.com # fill me\n    scopes:\n      - openid\n      - email\n    client-id: 0oa1\n',
    );
    expect(result).toMatchObject({
      added: [],
      changed: ['okta.oauth2.issuer', 'okta.oauth2.scopes'],
      kept: ['okta.oauth2.client-id'],
    });
    expect(mergeSummary('application.yml', result)).toContain(
      'okta.oauth2.client-id already held the right value',
    );
  });

  it('matches keys the way Spring binds them, dotted or relaxed', () => {
    const existing =
      'okta.oauth2.issuer: https://acme.okta.com # org\nokta:\n  oauth2:\n    clientId: old\n';
    const { content, kept } = merge(existing, { keys: 'spring-relaxed' });
    expect(kept).toEqual(['okta.oauth2.issuer']);
    expect(content).toContain('okta.oauth2.issuer: https://acme.okta.com # org\n');
    expect(content).toContain('    clientId: 0oa1\n');
    expect(content).not.toContain('client-id');
  });

  it('sets a key that only overrides the export’s where the file has it', () => {
    const settings: YamlSetting[] = [
      { path: ['a', 'b'], value: 'x', onlyIfPresent: true },
      { path: ['c'], value: 'y', onlyIfPresent: true },
    ];
    const { content } = merge('a:\n  b: old\n', { settings });
    expect(content).toBe('a:\n  b: x\n');
  });

  it('merges into the document a Spring file picks, and refuses several otherwise', () => {
    const existing =
      'spring:\n  config:\n    activate:\n      on-profile: prod\n---\nserver:\n  port: 1\n';
    const { content } = merge(existing, { pickDocument: () => 1 });
    const documents = parseAllDocuments(content);
    expect(Array.isArray(documents) && documents[1]?.toJS()).toMatchObject({
      server: { port: 1 },
      ...WANTED,
    });
    expect(() => merge(existing)).toThrow('holds 2 YAML documents');
  });

  it.each([
    ['okta: {oauth2: {issuer: x}}\n', 'as a flow mapping'],
    ['okta: 5\n', 'a value at "okta" that is not a mapping'],
    ['- a\n- b\n', 'not a mapping of settings at its top level'],
    ['okta:\n  oauth2:\n    issuer: {a: 1}\n', 'holds a mapping at "okta.oauth2.issuer"'],
  ])('refuses what it cannot merge into, saying where (%#)', (existing, message) => {
    expect(() => merge(existing)).toThrow(MergeRefusedError);
    expect(() => merge(existing)).toThrow(message);
  });

  it('never quotes the file back in a parse error, which may hold a secret', () => {
    const existing = 'okta:\n  oauth2:\n    client-secret: hunter2-very-secret\n  bad: [\n';
    expect(() => merge(existing)).toThrow('is not valid YAML');
    let message = '';
    try {
      merge(existing);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});
