import { parse as parseIni } from 'ini';
import { describe, expect, it } from 'vitest';

import { mergeIniSettings } from '../../../../main/export/merge-ini.ts';
import { changedLines } from '../../../support/merge-assertions.ts';

const SECTIONS = [
  { name: 'server', keys: [['root_url', 'https://grafana.example.com/']] as const },
  {
    name: 'auth.okta',
    keys: [
      ['enabled', 'true'],
      ['client_id', '0oa1'],
    ] as const,
  },
];

describe('mergeIniSettings', () => {
  it('replaces a value in place, keeping the spacing and the inline comment', () => {
    const existing = '[auth.okta]\nenabled   =   false   ; for now\nclient_id = 0oa1 # kept\n';
    const result = mergeIniSettings(existing, SECTIONS);
    expect(changedLines(existing, result.content).removed).toEqual([
      'enabled   =   false   ; for now',
    ]);
    expect(result.content).toContain('enabled   =   true   ; for now\n');
    expect(result.content).toContain('client_id = 0oa1 # kept\n');
    expect(result.kept).toEqual(['[auth.okta] client_id']);
  });

  it('reads a quoted value as go-ini does, so a right one is kept', () => {
    const existing = '[auth.okta]\nclient_id = "0oa1"\n';
    expect(mergeIniSettings(existing, SECTIONS).kept).toContain('[auth.okta] client_id');
  });

  it('puts a missing key under its commented-out sample, else after the section’s last key', () => {
    const existing = [
      '[server]',
      ';root_url = %(protocol)s://%(domain)s:%(http_port)s/',
      'http_port = 3000',
      '',
      '[auth.okta]',
      'name = Okta',
      '# notes about Okta',
      '',
      '[users]',
      'allow_sign_up = false',
    ].join('\n');
    const { content } = mergeIniSettings(existing, SECTIONS);
    expect(content).toBe(
      [
        '[server]',
        ';root_url = %(protocol)s://%(domain)s:%(http_port)s/',
        'root_url = https://grafana.example.com/',
        'http_port = 3000',
        '',
        '[auth.okta]',
        'name = Okta',
        'enabled = true',
        'client_id = 0oa1',
        '# notes about Okta',
        '',
        '[users]',
        'allow_sign_up = false',
      ].join('\n'),
    );
    expect(parseIni(content)).toMatchObject({
      server: { root_url: 'https://grafana.example.com/' },
      auth: { okta: { enabled: true, client_id: '0oa1' } },
      users: { allow_sign_up: false },
    });
  });

  it('writes a new file, and keeps CRLF line endings', () => {
    expect(mergeIniSettings('', SECTIONS).content).toBe(
      '[server]\nroot_url = https://grafana.example.com/\n\n[auth.okta]\nenabled = true\nclient_id = 0oa1\n',
    );
    const crlf = mergeIniSettings('[server]\r\nhttp_port = 3000\r\n', SECTIONS).content;
    expect(crlf).not.toMatch(/[^\r]\n/);
  });
});
