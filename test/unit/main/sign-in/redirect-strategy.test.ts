import { describe, expect, it } from 'vitest';

import type { OktaClient } from '../../../../main/okta/okta-client.ts';
import {
  chooseRedirectStrategy,
  parsePastedCallback,
  probeRedirectPorts,
  STRATEGY_EXPLANATIONS,
  type TemporaryRedirectEntry,
  temporaryRedirectUri,
  withdrawTemporaryRedirect,
} from '../../../../main/sign-in/redirect-strategy.ts';

const OWN = 'http://127.0.0.1:8250/callback';
const REMOTE = 'https://kestra.example.com/oauth/callback/okta';

describe('choosing the redirect strategy', () => {
  const base = { canEditApp: false, interceptAvailable: false };

  it("(a) uses the app's own loopback URI when its port is free", () => {
    expect(
      chooseRedirectStrategy({
        ...base,
        appRedirectUris: [REMOTE, OWN],
        freePorts: new Map([[OWN, true]]),
        canEditApp: true,
      }),
    ).toEqual({
      kind: 'app-loopback',
      redirectUri: OWN,
      explanation: STRATEGY_EXPLANATIONS['app-loopback'],
    });
  });

  it('(b) adds a temporary URI when the own port is taken and the app may be changed', () => {
    expect(
      chooseRedirectStrategy({
        ...base,
        appRedirectUris: [OWN],
        freePorts: new Map([[OWN, false]]),
        canEditApp: true,
      }),
    ).toMatchObject({ kind: 'temporary-loopback', redirectUri: undefined });
  });

  it('(c) then (d): an intercepting window if there is one, else pasting the URL', () => {
    const input = { ...base, appRedirectUris: [REMOTE], freePorts: new Map<string, boolean>() };
    expect(chooseRedirectStrategy({ ...input, interceptAvailable: true })).toMatchObject({
      kind: 'intercept-window',
      redirectUri: REMOTE,
    });
    expect(chooseRedirectStrategy(input)).toMatchObject({ kind: 'paste-url', redirectUri: REMOTE });
  });

  it('explains every strategy in one sentence', () => {
    for (const text of Object.values(STRATEGY_EXPLANATIONS)) {
      expect(text.match(/[.!?](\s|$)/g)).toHaveLength(1);
    }
  });

  it('probes only loopback URIs, on their hosts and ports', async () => {
    const probed: string[] = [];
    const result = await probeRedirectPorts(
      [OWN, REMOTE, 'http://localhost/cb', 'http://[::1]:9/cb'],
      (host, port) => {
        probed.push(`${host}:${String(port)}`);
        return Promise.resolve(port !== 9);
      },
    );
    expect(probed).toEqual(['127.0.0.1:8250', 'localhost:80', '::1:9']);
    expect(result.get('http://[::1]:9/cb')).toBe(false);
  });

  it('builds the temporary URI on 127.0.0.1', () => {
    expect(temporaryRedirectUri(4242)).toBe('http://127.0.0.1:4242/sso-console/preview/callback');
  });
});

describe('a pasted callback URL', () => {
  it('is accepted with a code or an error on the expected redirect URI', () => {
    expect(
      parsePastedCallback(`  ${REMOTE}?code=c&state=s `, REMOTE).searchParams.get('code'),
    ).toBe('c');
    expect(parsePastedCallback(`${REMOTE}?error=access_denied&state=s`, REMOTE).href).toContain(
      'error=access_denied',
    );
  });

  it.each([
    ['kestra.example.com/oauth', 'NOT_A_URL'],
    ['https://evil.example/oauth/callback/okta?code=c&state=s', 'WRONG_REDIRECT_URI'],
    [`${REMOTE}/extra?code=c`, 'WRONG_REDIRECT_URI'],
    [REMOTE, 'NO_PARAMETERS'],
    [`${REMOTE}#code=c&state=s`, 'FRAGMENT_RESPONSE'],
  ])('refuses %s with %s', (pasted, code) => {
    expect(() => parsePastedCallback(pasted, REMOTE)).toThrow(expect.objectContaining({ code }));
  });

  it('never repeats the code in its message', () => {
    try {
      parsePastedCallback('https://evil.example/cb?code=secret-code', REMOTE);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-code');
    }
    expect.assertions(1);
  });
});

describe('withdrawing a temporary URI whose add got no answer', () => {
  const target = { appId: '0oa1', uri: 'http://127.0.0.1:50123/callback' };

  /** An org whose app reads with `uris`, recording what is written back (a unit-test fake). */
  function orgReading(uris: string[]) {
    const written: string[][] = [];
    const client = {
      applicationApi: {
        getApplication: () =>
          Promise.resolve({ settings: { oauthClient: { redirect_uris: [...uris] } } }),
        replaceApplication: (request: {
          application: { settings: { oauthClient: { redirect_uris: string[] } } };
        }) => {
          written.push(request.application.settings.oauthClient.redirect_uris);
          return Promise.resolve(request.application);
        },
      },
    } as unknown as OktaClient;
    const lines: TemporaryRedirectEntry[] = [];
    const journal = {
      append: (entry: TemporaryRedirectEntry) => {
        lines.push(entry);
        return Promise.resolve();
      },
      read: () => Promise.resolve(lines),
    };
    return { client, journal, written, lines };
  }

  it('removes it and crosses it off when the app shows it', async () => {
    const org = orgReading([REMOTE, target.uri]);
    await withdrawTemporaryRedirect(org.client, org.journal, target);
    expect(org.written).toEqual([[REMOTE]]);
    expect(org.lines.map((line) => line.phase)).toEqual(['removed']);
  });

  it('leaves the journal entry open when the app does not show it yet (a replica behind)', async () => {
    const org = orgReading([REMOTE]);
    await withdrawTemporaryRedirect(org.client, org.journal, target);
    expect(org.written).toEqual([]);
    expect(org.lines).toEqual([]);
  });
});
