import { describe, expect, it } from 'vitest';

import {
  checkTargetValues,
  lineOf,
  signInFinding,
  signInNotAttempted,
  type TargetFacts,
  type TargetFile,
  type TargetValues,
  unreadableFinding,
  withoutQuotedContent,
} from '../../../../main/drift/target-drift.ts';

const file: TargetFile = {
  name: 'application.yml',
  path: '/srv/kestra/application.yml',
  content: [
    'kestra:',
    '  url: https://kestra.example.com',
    'micronaut:',
    '  security:',
    '    oauth2:',
    '      clients:',
    '        okta:',
    '          client-id: 0oaRIGHT123456789',
    '          client-secret: ${OKTA_CLIENT_SECRET}',
    '          openid:',
    '            issuer: https://acme.okta.com',
  ].join('\n'),
};

const values: TargetValues = {
  issuer: 'https://acme.okta.com',
  clientId: '0oaRIGHT123456789',
  clientSecret: { kind: 'environment', variable: 'OKTA_CLIENT_SECRET' },
  redirectUri: 'https://kestra.example.com/oauth/callback/okta',
  scopes: ['openid', 'profile', 'email'],
  tokenEndpointAuthMethod: 'client_secret_basic',
};

const facts: TargetFacts = {
  app: {
    id: '0oaRIGHT123456789',
    label: 'Kestra',
    clientId: '0oaRIGHT123456789',
    status: 'ACTIVE',
    redirectUris: ['https://kestra.example.com/oauth/callback/okta'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  },
  fileClientApp: null,
  expectedIssuer: 'https://acme.okta.com',
  secretResolves: true,
};

const failed = (findings: ReturnType<typeof checkTargetValues>) =>
  findings.filter((finding) => !finding.ok);

describe('checkTargetValues', () => {
  it('passes every check when the file matches the app', () => {
    const findings = checkTargetValues(file, 'kestra', values, facts);
    expect(findings.map((finding) => [finding.check, finding.ok])).toEqual([
      ['read', true],
      ['client-id', true],
      ['app-active', true],
      ['issuer', true],
      ['redirect-uri', true],
      ['auth-method', true],
      ['secret', true],
    ]);
    expect(findings.every((finding) => finding.fix === null && finding.at === null)).toBe(true);
  });

  it('says the client id is another app’s, and where to put the right one', () => {
    const wrong = { ...values, clientId: '0oaOTHER123456789' };
    const content = file.content.replace('0oaRIGHT123456789', '0oaOTHER123456789');
    const findings = checkTargetValues({ ...file, content }, 'kestra', wrong, {
      ...facts,
      fileClientApp: { id: '0oaOTHER123456789', label: 'Grafana', status: 'ACTIVE' },
    });
    expect(failed(findings)).toEqual([
      {
        check: 'client-id',
        ok: false,
        detail:
          'The file\'s client id 0oaOTHER123456789 is another app\'s ("Grafana", ACTIVE), not "Kestra"\'s.',
        fix: 'Replace the client id 0oaOTHER123456789 with 0oaRIGHT123456789 in /srv/kestra/application.yml line 8, and redeploy the target.',
        at: { file: '/srv/kestra/application.yml', line: 8 },
      },
    ]);
  });

  it('points an unregistered callback at the address it is built from and the registered one', () => {
    const moved = {
      ...values,
      redirectUri: 'https://kestra.moved.example.com/oauth/callback/okta',
    };
    const content = file.content.replace('kestra.example.com', 'kestra.moved.example.com');
    const [finding] = failed(checkTargetValues({ ...file, content }, 'kestra', moved, facts));
    expect(finding?.check).toBe('redirect-uri');
    expect(finding?.fix).toBe(
      'Change the file so kestra sends https://kestra.example.com/oauth/callback/okta (it builds the URI from the address in /srv/kestra/application.yml line 2), or, if https://kestra.moved.example.com/oauth/callback/okta is right, add it to app.redirectUris in the setup document and run `sso-console drift --app … --restore`.',
    );
    expect(finding?.at).toEqual({ file: '/srv/kestra/application.yml', line: 2 });
  });

  it('says where a referenced secret resolved: this command’s environment, or the keychain', () => {
    const secretDetail = (secretFrom: 'environment' | 'keychain') =>
      checkTargetValues(file, 'kestra', values, { ...facts, secretFrom }).find(
        (finding) => finding.check === 'secret',
      )?.detail;
    expect(secretDetail('environment')).toBe(
      'The client secret resolves from OKTA_CLIENT_SECRET, set in this command’s environment.',
    );
    expect(secretDetail('keychain')).toBe(
      'OKTA_CLIENT_SECRET is not set here; this computer’s keychain keeps the client secret of 0oaRIGHT123456789, which OKTA_CLIENT_SECRET must hold where the target runs.',
    );
  });

  it('catches a wrong issuer, an inactive app, another auth method and a secret that does not resolve', () => {
    const findings = checkTargetValues(
      file,
      'kestra',
      {
        ...values,
        issuer: 'https://acme.okta.com/',
        tokenEndpointAuthMethod: 'client_secret_post',
      },
      { ...facts, app: { ...facts.app, status: 'INACTIVE' }, secretResolves: false },
    );
    expect(failed(findings).map((finding) => [finding.check, finding.fix])).toEqual([
      ['app-active', expect.stringContaining('Activate the app')],
      [
        'issuer',
        'Replace https://acme.okta.com/ with https://acme.okta.com in /srv/kestra/application.yml.',
      ],
      [
        'auth-method',
        'Set the token endpoint method to client_secret_basic in /srv/kestra/application.yml.',
      ],
      [
        'secret',
        "Set OKTA_CLIENT_SECRET to the app's client secret where the target runs (the reference is in /srv/kestra/application.yml line 9); to check it here, set OKTA_CLIENT_SECRET for this command too.",
      ],
    ]);
  });

  it('accepts a public client without a secret, and refuses a confidential one without', () => {
    const pub = {
      ...values,
      clientSecret: { kind: 'none' } as const,
      tokenEndpointAuthMethod: 'none',
    };
    const publicFacts = {
      ...facts,
      app: { ...facts.app, tokenEndpointAuthMethod: 'none' },
      secretResolves: null,
    };
    expect(failed(checkTargetValues(file, 'kestra', pub, publicFacts))).toEqual([]);
    const noSecret = { ...values, clientSecret: { kind: 'none' } as const };
    expect(
      failed(checkTargetValues(file, 'kestra', noSecret, { ...facts, secretResolves: null })),
    ).toMatchObject([
      { check: 'secret', detail: 'The file says client_secret_basic but gives no client secret.' },
    ]);
  });
});

describe('lineOf and unreadableFinding', () => {
  it('finds the first line holding a text, 1-based, and nothing for empty text', () => {
    expect(lineOf(file, 'micronaut:')).toBe(3);
    expect(lineOf(file, 'absent')).toBeNull();
    expect(lineOf(file, '')).toBeNull();
  });

  it('carries the reader’s message', () => {
    expect(unreadableFinding(file, 'kestra', 'application.yml is not valid YAML: x')).toMatchObject(
      {
        check: 'read',
        ok: false,
        detail:
          '/srv/kestra/application.yml cannot be read as kestra reads it: application.yml is not valid YAML: x',
      },
    );
  });
});

describe('signInFinding', () => {
  const checksUpTo = (last: { name: string; ok: boolean; detail: string }) => [
    { name: 'read', ok: true, detail: 'Read application.yml as Kestra does.' },
    { name: 'secret', ok: true, detail: 'The client secret resolves from OKTA_CLIENT_SECRET.' },
    { name: 'discovery', ok: true, detail: 'The discovery document’s issuer is exact.' },
    { name: 'scopes', ok: true, detail: 'Every scope is on the server.' },
    last,
  ];

  it('passes with the sign-in’s own words when every check passed', () => {
    const finding = signInFinding(
      file,
      values,
      {
        ok: true,
        checks: checksUpTo({ name: 'sign-in', ok: true, detail: 'Signed in as ada@example.com.' }),
      },
      { label: 'Kestra' },
    );
    expect(finding).toEqual({
      check: 'sign-in',
      ok: true,
      detail: 'Signed in with exactly /srv/kestra/application.yml: Signed in as ada@example.com.',
      fix: null,
      at: null,
    });
  });

  it('a refused secret at the token exchange: set the variable the file names, at its line', () => {
    const detail =
      "The sign-in with the files' values failed at the token exchange: invalid_client: The client secret supplied for a confidential client is invalid.";
    const finding = signInFinding(
      file,
      values,
      { ok: false, checks: checksUpTo({ name: 'sign-in', ok: false, detail }) },
      { label: 'Kestra' },
    );
    expect(finding.ok).toBe(false);
    expect(finding.detail).toBe(detail);
    expect(finding.fix).toBe(
      'Set OKTA_CLIENT_SECRET (referenced in /srv/kestra/application.yml line 9) to one of "Kestra"\'s active client secrets where the target runs, and restart it; Admin Console › Applications › "Kestra" › General › Client Credentials shows them. The sign-in here used OKTA_CLIENT_SECRET from this command\'s environment, else this computer\'s keychain entry for client 0oaRIGHT123456789.',
    );
    expect(finding.at).toEqual({ file: '/srv/kestra/application.yml', line: 9 });
  });

  it('a refused inline secret: replace it at its line, never quoting it', () => {
    const inline = file.content.replace('${OKTA_CLIENT_SECRET}', 'not-the-secret-value');
    const finding = signInFinding(
      { ...file, content: inline },
      { ...values, clientSecret: { kind: 'inline', value: 'not-the-secret-value' } },
      {
        ok: false,
        checks: checksUpTo({
          name: 'sign-in',
          ok: false,
          detail: 'failed at the token exchange: invalid_client: x',
        }),
      },
      { label: 'Kestra' },
    );
    expect(finding.fix).toMatch(
      /^Replace the client secret written in \/srv\/kestra\/application.yml line 9 with one of "Kestra"'s active client secrets/,
    );
    expect(finding.fix?.includes('not-the-secret-value')).toBe(false);
  });

  it('an unassigned user, an expired code and a stray scope each get their own fix', () => {
    const judge = (last: { name: string; ok: boolean; detail: string }) =>
      signInFinding(file, values, { ok: false, checks: checksUpTo(last) }, { label: 'Kestra' });
    expect(
      judge({
        name: 'sign-in',
        ok: false,
        detail:
          'The sign-in failed on the redirect back from Okta: access_denied: User is not assigned to the client application.',
      }).fix,
    ).toMatch(/^Assign the user who signed in to "Kestra"/);
    expect(
      judge({
        name: 'sign-in',
        ok: false,
        detail:
          'The sign-in failed at the token exchange: invalid_grant: The authorization code is invalid or has expired.',
      }).fix,
    ).toMatch(/^The code expired or was used before it was exchanged/);
    const scopes = signInFinding(
      file,
      values,
      {
        ok: false,
        checks: [
          { name: 'read', ok: true, detail: 'Read.' },
          {
            name: 'scopes',
            ok: false,
            detail: 'The server does not list groups among its scopes.',
          },
        ],
      },
      { label: 'Kestra' },
    );
    expect(scopes.detail).toBe(
      'The sign-in with exactly /srv/kestra/application.yml stopped at its scopes check: The server does not list groups among its scopes.',
    );
    expect(scopes.fix).toMatch(/^Request only scopes the authorization server lists/);
  });

  it('says a sign-in was not tried when the checks before it failed', () => {
    expect(signInNotAttempted()).toMatchObject({ check: 'sign-in', ok: false, at: null });
  });
});

describe('withoutQuotedContent', () => {
  it('keeps a parser’s position and kind of error, never what it quotes of the file', () => {
    const yaml =
      'Implicit map keys need to be followed by map values at line 1, column 1:\n\naws_secret_access_key = wJalrXUtnFEMI\n^^^^^^\n';
    expect(withoutQuotedContent(yaml)).toBe(
      'Implicit map keys need to be followed by map values at line 1, column 1',
    );
    const json = `Unexpected token 'a', "[default]\naws_secret"... is not valid JSON`;
    expect(withoutQuotedContent(json)).toBe('Unexpected token ‘…’, “…”');
    expect(withoutQuotedContent('password: "hunter2SECRET" is wrong')).not.toContain('hunter2');
  });

  it('is what an unreadable file’s finding says', () => {
    const finding = unreadableFinding(file, 'kestra', 'bad "password: hunter2SECRET"');
    expect(finding.detail).not.toContain('hunter2');
  });
});
