import type { OrgSnapshot } from '../../main/okta/org-snapshot.ts';

/**
 * A reading of an org for unit tests of the planner and the engines: nothing of the document's
 * in the org, then whatever `overrides` says is there. Fresh collections each call, so a test
 * that adds to one leaves the next test's alone.
 */
export function orgSnapshot(overrides: Partial<OrgSnapshot> = {}): OrgSnapshot {
  return {
    app: undefined,
    usersByLogin: new Map(),
    groupsByName: new Map(),
    appUserIds: new Set(),
    appGroupIds: new Set(),
    trustedOrigins: new Map(),
    authServer: undefined,
    ...overrides,
  };
}
