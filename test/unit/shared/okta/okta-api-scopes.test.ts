import { describe, expect, it } from 'vitest';

import { MANAGEMENT_OPERATIONS } from '../../../../shared/okta/management-scopes.ts';
import { OKTA_API_SCOPES } from '../../../../shared/okta/okta-api-scopes.ts';
import { loadManagementSpec } from '../../../support/conformance/management-spec.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The scopes the spec's `oauth2` security scheme defines, under any of its flows. */
function specScopes(): string[] {
  const at = (value: Json | undefined, key: string): Json | undefined =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? value[key] : undefined;
  const flows = at(
    at(at(at(loadManagementSpec(), 'components'), 'securitySchemes'), 'oauth2'),
    'flows',
  );
  const scopes = new Set<string>();
  for (const flow of Object.values((flows ?? {}) as Record<string, Json>)) {
    for (const scope of Object.keys((at(flow, 'scopes') ?? {}) as Record<string, Json>)) {
      scopes.add(scope);
    }
  }
  return [...scopes].sort();
}

describe('the okta.* scopes a service app may be granted', () => {
  it('are the scopes management.yaml defines, less the .self ones a user acts with', () => {
    // `ssf.*` (Shared Signals) scopes are not Okta API scopes a setup would ever hold.
    const expected = specScopes().filter(
      (scope) => scope.startsWith('okta.') && !scope.endsWith('.self'),
    );
    expect(expected.length).toBeGreaterThan(50);
    expect([...OKTA_API_SCOPES].sort()).toEqual(expected);
  });

  it('hold every scope the console’s own calls need', () => {
    const needed = Object.values(MANAGEMENT_OPERATIONS).flatMap(({ scopes }) => [...scopes]);
    expect(
      needed.filter((scope) => !(OKTA_API_SCOPES as readonly string[]).includes(scope)),
    ).toEqual([]);
  });
});
