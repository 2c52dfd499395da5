import { describe, expect, it } from 'vitest';

import {
  TRUSTED_ORIGIN_ROUTES,
  trustedOriginMatches,
} from '../../../../../main/sandbox/routes/trusted-origins.ts';
import { createSandboxOrg } from '../../../../../main/sandbox/sandbox-org.ts';

const now = new Date('2026-03-01T00:00:00.000Z');
const orgUrl = 'http://127.0.0.1:4000';
const { org, adminToken } = createSandboxOrg(() => now);
const admin = (() => {
  const user = org.users.get(org.tokens.get(adminToken) ?? '');
  if (user === undefined) {
    throw new Error('no admin');
  }
  return user;
})();

function call(method: string, path: string, body: unknown = {}) {
  const url = new URL(path, orgUrl);
  const route = TRUSTED_ORIGIN_ROUTES.find(
    (candidate) => candidate.method === method && candidate.pattern.test(url.pathname),
  );
  if (route === undefined) {
    throw new Error(`no route for ${method} ${path}`);
  }
  return route.handle({
    org,
    orgUrl,
    url,
    caller: admin,
    params: url.pathname.match(route.pattern)?.groups ?? {},
    query: url.searchParams,
    body,
    now,
  });
}

function create(name: string, origin: string, types: string[]) {
  return call('POST', '/api/v1/trustedOrigins', {
    name,
    origin,
    scopes: types.map((type) => ({ type })),
  });
}

function listed(filter: string) {
  const answer = call('GET', `/api/v1/trustedOrigins?filter=${encodeURIComponent(filter)}`);
  return answer.status === 200
    ? (answer.body as { name: string }[]).map((origin) => origin.name)
    : answer.body;
}

describe('trusted origins kept as sent', () => {
  it('stores the origin exactly as it was sent, and refuses anything but scheme, host and port', () => {
    expect(create('Slash', 'https://kept.example/', ['CORS'])).toMatchObject({
      status: 200,
      body: { origin: 'https://kept.example/' },
    });
    expect(create('Port', 'HTTPS://Kept.Example:8443', ['CORS'])).toMatchObject({
      status: 200,
      body: { origin: 'HTTPS://Kept.Example:8443' },
    });
    for (const origin of [
      'https://kept.example/a',
      'https://kept.example/.',
      'https://kept.example?a',
      'https://kept.example#a',
      'https://user@kept.example',
      ' https://kept.example',
      'kept.example',
      'app://kept',
    ]) {
      expect(create(`Bad ${origin}`, origin, ['CORS'])).toMatchObject({
        status: 400,
        body: { errorCode: 'E0000001', errorSummary: 'Api validation failed: origin' },
      });
    }
  });

  it.each([
    ['https://a.example/', 'https://a.example', true],
    ['https://a.example', 'https://a.example', true],
    ['https://A.example:443/', 'https://a.example', true],
    ['capacitor://localhost/', 'capacitor://localhost', true],
    ['https://a.example/', 'http://a.example', false],
    ['https://a.example:8443/', 'https://a.example', false],
    ['not an origin', 'not an origin', false],
  ])('%s serves the browser origin %s: %s', (stored, request, matches) => {
    expect(trustedOriginMatches(stored, request)).toBe(matches);
  });
});

describe('filtering trusted origins', () => {
  it('filters with eq on name, origin, status and type, and refuses anything else with E0000031', () => {
    create('F cors', 'https://f-cors.example', ['CORS']);
    create('F redirect', 'https://f-redirect.example/', ['REDIRECT']);
    create('F both', 'https://f-both.example', ['CORS', 'REDIRECT']);
    const both = [...org.trustedOrigins.values()].find((origin) => origin.name === 'F both');
    call('POST', `/api/v1/trustedOrigins/${both?.id ?? ''}/lifecycle/deactivate`);

    expect(listed('type eq "REDIRECT" and name sw "F"')).toMatchObject({ errorCode: 'E0000031' });
    expect(listed('type eq "redirect"')).toEqual(['F redirect', 'F both']);
    expect(listed('status eq "INACTIVE"')).toEqual(['F both']);
    expect(listed('name eq "F cors" or origin eq "https://f-redirect.example/"')).toEqual([
      'F cors',
      'F redirect',
    ]);
    for (const filter of ['id eq "x"', 'type ne "CORS"', 'name pr', 'scopes.type eq "CORS"']) {
      expect(listed(filter)).toEqual({
        errorCode: 'E0000031',
        errorSummary: 'Bad request. Invalid filter parameter.',
        errorLink: 'E0000031',
        errorId: expect.any(String) as unknown,
        errorCauses: [],
      });
    }
  });
});
