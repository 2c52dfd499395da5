import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { unimplementedQueryParameter } from '../../../../main/sandbox/query-parameters.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';

/**
 * The refusal of a query parameter a route does not implement: Okta's validation error, naming
 * the parameter and the operation and saying what to do — answered before the handler runs, so
 * a refused write changes nothing.
 */

const listUsers = { operationId: 'listUsers', queryParameters: ['q', 'limit'] };

describe('unimplementedQueryParameter', () => {
  it('lets a request through when the route implements each of its parameters', () => {
    expect(unimplementedQueryParameter(listUsers, new URLSearchParams(''))).toBeUndefined();
    expect(
      unimplementedQueryParameter(listUsers, new URLSearchParams('q=ada&limit=5')),
    ).toBeUndefined();
  });

  it.each([
    // Declared by management.yaml for listUsers, not implemented by this route.
    ['q=ada&fields=id&expand=classification', 'fields'],
    // Declared by no operation at all.
    ['pageSize=5', 'pageSize'],
    // Names are case-sensitive, as in Okta's URLs.
    ['Limit=5', 'Limit'],
  ])('refuses %s with E0000001 naming %s', (query, name) => {
    const refusal = unimplementedQueryParameter(listUsers, new URLSearchParams(query));
    expect(refusal).toMatchObject({
      status: 400,
      body: {
        errorCode: 'E0000001',
        errorSummary: `Api validation failed: ${name}`,
        errorLink: 'E0000001',
      },
    });
    const [cause, ...others] = refusal?.body.errorCauses ?? [];
    expect(others).toEqual([]);
    // What happened, why, and what to do.
    expect(cause?.errorSummary).toMatch(
      new RegExp(
        `^${name}: The sandbox org does not implement the query parameter "${name}" of listUsers \\(it implements q, limit only\\), so it refuses the request rather than answer as if the parameter had been honoured`,
      ),
    );
    expect(cause?.errorSummary).toContain(
      `Leave "${name}" out, or implement it in the sandbox's route for listUsers (main/sandbox/routes/)`,
    );
  });

  it('says so when the operation has no query parameters at all', () => {
    const refusal = unimplementedQueryParameter(
      { operationId: 'getOrgSettings', queryParameters: [] },
      new URLSearchParams('expand=contacts'),
    );
    expect(refusal?.body.errorCauses[0]?.errorSummary).toContain(
      'it implements no query parameters for this operation',
    );
  });
});

describe('the server', () => {
  let sandbox: RunningSandbox;
  const request = (method: string, pathAndQuery: string, body?: unknown) =>
    fetch(`${sandbox.orgUrl}${pathAndQuery}`, {
      method,
      headers: {
        Authorization: `SSWS ${sandbox.apiToken}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    // No exchange recorder: these requests carry parameters on purpose that the conformance
    // check would rightly call meaningless.
    sandbox = await startSandbox({ recordDir: '', rateLimits: 'unlimited' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('refuses a parameter the route does not implement, with the route’s own operationId', async () => {
    const answer = await request('GET', '/api/v1/users?fields=id');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: fields',
      errorCauses: [{ errorSummary: expect.stringContaining('"fields" of listUsers') as string }],
    });
  });

  it('refuses before the handler runs: a refused create creates nothing', async () => {
    const before = sandbox.org.users.size;
    const answer = await request('POST', '/api/v1/users?activate=true&provider=true', {
      profile: {
        login: 'refused@example.com',
        email: 'refused@example.com',
        firstName: 'Re',
        lastName: 'Fused',
      },
    });
    expect(answer.status).toBe(400);
    expect(sandbox.org.users.size).toBe(before);
  });

  it('answers the parameters a route implements', async () => {
    const answer = await request('GET', '/api/v1/users?limit=1&search=status%20eq%20%22ACTIVE%22');
    expect(answer.status).toBe(200);
  });

  it('checks the caller first: no token is still E0000011, whatever the query', async () => {
    const answer = await fetch(`${sandbox.orgUrl}/api/v1/users?fields=id`);
    expect(answer.status).toBe(401);
  });
});
