import { describe, expect, it } from 'vitest';

import { satisfies } from '../../../../main/sandbox/management-auth.ts';
import { MANAGEMENT_ROUTES } from '../../../../main/sandbox/management-routes.ts';
import {
  OKTA_API_SCOPES,
  OPERATION_SCOPES,
  scopesRequiredBy,
} from '../../../../main/sandbox/operation-scopes.ts';
import { loadManagementSpec } from '../../../support/conformance/management-spec.ts';

/**
 * The sandbox's table of the scopes each management operation requires, held to management.yaml
 * (each operation's `security` block) and to the route registry, so that neither can drift.
 */

interface SpecOperation {
  operationId?: string;
  security?: Record<string, string[]>[];
}

const spec = loadManagementSpec() as unknown as {
  paths: Record<string, Record<string, SpecOperation>>;
  security?: Record<string, string[]>[];
  components: {
    securitySchemes: {
      oauth2: { flows: { authorizationCode: { scopes: Record<string, string> } } };
    };
  };
};

/** operationId → the scopes of its `oauth2` security alternative ([] when it has none). */
const specScopes = new Map<string, string[]>();
for (const item of Object.values(spec.paths)) {
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const operation = item[method];
    if (operation?.operationId === undefined) {
      continue;
    }
    const security = operation.security ?? spec.security ?? [];
    specScopes.set(
      operation.operationId,
      security.flatMap((requirement) => requirement.oauth2 ?? []),
    );
  }
}

describe('the operation → scope table', () => {
  it('has an entry for every route the sandbox answers, and none for an operation it does not', () => {
    expect(Object.keys(OPERATION_SCOPES).sort()).toEqual(
      MANAGEMENT_ROUTES.map((route) => route.operationId).sort(),
    );
  });

  it.each(
    MANAGEMENT_ROUTES.filter((route) => specScopes.has(route.operationId)).map(
      (route) => [route.operationId] as const,
    ),
  )('%s requires exactly the scopes management.yaml declares for it', (operationId) => {
    expect(scopesRequiredBy(operationId)).toEqual(specScopes.get(operationId));
  });

  it('lets no OAuth token reach the internal groups-claim endpoint, which is outside the spec', () => {
    const internal = MANAGEMENT_ROUTES.filter((route) => !specScopes.has(route.operationId));
    expect(internal.map((route) => route.operationId).sort()).toEqual([
      'getAppOauthGroupsClaim',
      'updateAppOauthGroupsClaim',
    ]);
    for (const route of internal) {
      expect(scopesRequiredBy(route.operationId)).toEqual([]);
    }
  });

  it('knows no scope for an unknown operation, nor for inherited object keys', () => {
    expect(scopesRequiredBy('listWidgets')).toBeUndefined();
    expect(scopesRequiredBy('toString')).toBeUndefined();
  });
});

describe('the Okta API scopes an app may be granted', () => {
  it('are the spec’s oauth2 scopes but the .self ones, which act for a signed-in user', () => {
    const declared = Object.keys(
      spec.components.securitySchemes.oauth2.flows.authorizationCode.scopes,
    );
    expect([...OKTA_API_SCOPES].sort()).toEqual(
      declared.filter((scope) => !scope.endsWith('.self')).sort(),
    );
  });

  it('include every scope an operation of the sandbox requires', () => {
    const required = Object.values(OPERATION_SCOPES).flat();
    expect(required.filter((scope) => !OKTA_API_SCOPES.has(scope))).toEqual([]);
  });
});

describe('whether granted scopes cover a required one', () => {
  it('takes the scope itself, or the manage scope for a read', () => {
    expect(satisfies(new Set(['okta.users.read']), 'okta.users.read')).toBe(true);
    expect(satisfies(new Set(['okta.users.manage']), 'okta.users.read')).toBe(true);
    expect(satisfies(new Set(['okta.users.read']), 'okta.users.manage')).toBe(false);
    expect(satisfies(new Set(['okta.groups.manage']), 'okta.users.read')).toBe(false);
    expect(satisfies(new Set(), 'okta.logs.read')).toBe(false);
  });
});
