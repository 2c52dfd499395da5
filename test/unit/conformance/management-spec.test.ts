import { describe, expect, it } from 'vitest';

import {
  createConformanceChecker,
  splitDiscriminatedBases,
  toJsonSchema,
} from '../../support/conformance/management-spec.ts';

const checker = createConformanceChecker();
const okta401 = {
  errorCode: 'E0000011',
  errorSummary: 'Invalid token provided',
  errorLink: 'E0000011',
  errorId: 'oaeAbc',
  errorCauses: [],
};

describe('the conformance checker (management.yaml)', () => {
  it('matches the most literal template and accepts a body that fits the declared schema', () => {
    const verdict = checker.check({
      method: 'GET',
      path: '/api/v1/org',
      status: 200,
      body: { id: '00o1', companyName: 'Acme' },
    });
    expect(verdict).toEqual({
      operationId: 'getOrgSettings',
      template: '/api/v1/org',
      statusMatch: 'declared',
      errors: [],
      queryParameters: [],
    });
  });

  it('holds the request to the spec too: every query parameter must be declared by the operation', () => {
    const list = (query: string) =>
      checker.check({
        method: 'GET',
        path: '/api/v1/apps/0oa1/users',
        query,
        status: 200,
        body: [],
      });
    expect(list('?q=ada&limit=50&after=x&expand=user').errors).toEqual([]);
    expect(list('?q=ada').queryParameters).toEqual(['q']);
    expect(list('?search=profile.email%20sw%20%22a%22&q=a').errors).toEqual([
      'the request\'s query parameter "search" is not declared by listApplicationUsers',
    ]);
    // A parameter declared at the path level counts as the operation's.
    expect(
      checker.check({
        method: 'GET',
        path: '/api/v1/authorizationServers/aus1/scopes',
        query: '?q=k&filter=name%20eq%20%22k%22',
        status: 200,
        body: [],
      }).errors,
    ).toEqual([]);
  });

  it('reports a body that breaks the schema', () => {
    const verdict = checker.check({
      method: 'GET',
      path: '/api/v1/org',
      status: 200,
      body: { companyName: 42 },
    });
    expect(verdict.errors).toEqual([expect.stringContaining('/companyName must be string')]);
  });

  it('refuses a status the operation does not declare, except Okta’s global errors', () => {
    expect(
      checker.check({ method: 'GET', path: '/api/v1/org', status: 418, body: {} }).statusMatch,
    ).toBe('undeclared');
    expect(
      checker.check({ method: 'GET', path: '/api/v1/users/me', status: 401, body: okta401 }),
    ).toMatchObject({
      operationId: 'getUser',
      statusMatch: 'global-error',
      errors: [],
    });
    expect(
      checker.check({ method: 'GET', path: '/api/v1/users/me', status: 401, body: { error: 'x' } })
        .errors,
    ).not.toEqual([]);
  });

  it('accepts Okta’s 404 error object on a path Okta does not have, and nothing else there', () => {
    expect(
      checker.check({ method: 'GET', path: '/api/v1/nope', status: 404, body: okta401 }).errors,
    ).toEqual([]);
    expect(
      checker.check({ method: 'GET', path: '/api/v1/nope', status: 200, body: {} }).errors,
    ).not.toEqual([]);
  });

  it('translates nullable and discriminator mappings into JSON Schema', () => {
    expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ $ref: '#/x', nullable: true })).toEqual({
      anyOf: [{ $ref: '#/x' }, { type: 'null' }],
    });
    expect(
      toJsonSchema({
        oneOf: [{ $ref: '#/a' }, { $ref: '#/b' }],
        discriminator: { propertyName: 'type', mapping: { A: '#/a' } },
      }),
    ).toEqual({
      anyOf: [{ $ref: '#/a' }, { $ref: '#/b' }],
      allOf: [
        { if: { properties: { type: { const: 'A' } }, required: ['type'] }, then: { $ref: '#/a' } },
      ],
    });
  });

  it('breaks the base ↔ subtype cycle of a discriminated base schema', () => {
    const schemas = toJsonSchema({
      App: {
        type: 'object',
        properties: { mode: { type: 'string' } },
        discriminator: { propertyName: 'mode', mapping: { OIDC: '#/components/schemas/OidcApp' } },
      },
      OidcApp: { allOf: [{ $ref: '#/components/schemas/App' }, { type: 'object' }] },
    }) as Record<string, never>;
    splitDiscriminatedBases(schemas);
    expect(schemas.OidcApp).toEqual({
      allOf: [{ $ref: '#/components/schemas/App__base' }, { type: 'object' }],
    });
    expect(JSON.stringify(schemas.App)).toContain('"then":{"$ref":"#/components/schemas/OidcApp"}');
    expect(JSON.stringify(schemas.App__base)).not.toContain('then');
  });

  it('validates an OIDC app typed as the discriminated Application base by its subtype', () => {
    const verdict = checker.check({
      method: 'GET',
      path: '/api/v1/apps/0oa1',
      status: 200,
      body: {
        label: 'x',
        signOnMode: 'OPENID_CONNECT',
        settings: { oauthClient: { grant_types: 'not-an-array' } },
      },
    });
    expect(verdict.errors.join('\n')).toContain('grant_types');
  });
});
