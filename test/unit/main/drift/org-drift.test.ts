import { describe, expect, it } from 'vitest';

import { adoptOrgValues, AdoptRefusedError, orgDrift } from '../../../../main/drift/org-drift.ts';
import type { OrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import { desiredAppFields, hasChanges, planSetup } from '../../../../main/setup/plan.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';

function kestra(): SetupDocument {
  const document = createSetupDocument({
    id: 'setup-1',
    preset: 'kestra',
    baseUrl: 'https://kestra.example.com',
  });
  document.trustedOrigins = [
    { name: 'Kestra', origin: 'https://kestra.example.com', scopes: ['CORS', 'REDIRECT'] },
  ];
  document.assignments = {
    users: [{ login: 'grace@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  };
  return document;
}

/** The org as it is once `document` has been applied: its plan is empty. */
function appliedOrg(document: SetupDocument): OrgSnapshot {
  return {
    app: { id: '0oa1', fields: desiredAppFields(document), status: 'ACTIVE' },
    usersByLogin: new Map([
      ['ada@example.com', { id: '00u1' }],
      ['grace@example.com', { id: '00u2' }],
    ]),
    groupsByName: new Map([['Kestra Admins', { id: '00g1' }]]),
    appUserIds: new Set(['00u1', '00u2']),
    appGroupIds: new Set(['00g1']),
    trustedOrigins: new Map([
      ['https://kestra.example.com', { id: 'tos1', scopes: ['CORS', 'REDIRECT'] }],
    ]),
    authServer: undefined,
  };
}

describe('orgDrift', () => {
  it('finds no drift when the plan is empty', () => {
    const document = kestra();
    expect(orgDrift(planSetup(document, appliedOrg(document)), document)).toEqual({
      drifted: false,
      fields: [],
      blockers: [],
    });
  });

  it('shows each changed field with its document path, the document’s value and Okta’s', () => {
    const document = kestra();
    const org = appliedOrg(document);
    const fields = desiredAppFields(document);
    org.app = {
      id: '0oa1',
      status: 'INACTIVE',
      fields: {
        ...fields,
        label: 'Renamed',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [...fields.redirectUris, 'https://evil.example.com/cb'],
        issuerMode: 'DYNAMIC',
      },
    };
    org.appGroupIds = new Set();
    org.trustedOrigins = new Map();
    const drift = orgDrift(planSetup(document, org), document);
    expect(drift.drifted).toBe(true);
    expect(
      drift.fields.map(({ path, documentValue, oktaValue, adoptable }) => [
        path,
        documentValue,
        oktaValue,
        adoptable,
      ]),
    ).toEqual([
      ['app.label', 'Kestra', 'Renamed', true],
      ['app.grantTypes', ['authorization_code'], ['authorization_code', 'refresh_token'], true],
      [
        'app.redirectUris',
        fields.redirectUris,
        [...fields.redirectUris, 'https://evil.example.com/cb'],
        true,
      ],
      ['issuer.issuerMode', 'ORG_URL', 'DYNAMIC', true],
      ['app.status', 'ACTIVE', 'INACTIVE', false],
      ['trustedOrigins[origin=https://kestra.example.com]', document.trustedOrigins[0], null, true],
      ['assignments.groups[name=Kestra Admins]', 'assigned', 'not assigned', true],
    ]);
    expect(drift.fields.find((field) => field.path === 'app.status')?.adoptNote).toMatch(
      /^Restore only: the document has no status/,
    );
  });

  it('counts a plan that cannot be applied as drift, with its blockers', () => {
    const document = kestra();
    const org = appliedOrg(document);
    org.groupsByName = new Map();
    const drift = orgDrift(planSetup(document, org), document);
    expect(drift.drifted).toBe(true);
    expect(drift.blockers).toEqual([
      'No group is named "Kestra Admins". Check the spelling; the console assigns existing groups.',
    ]);
  });

  it('marks a deleted app and an unassigned test user as Restore only', () => {
    const document = kestra();
    const org = appliedOrg(document);
    org.appUserIds = new Set(['00u2']);
    const unassigned = orgDrift(planSetup(document, org), document);
    expect(unassigned.fields).toMatchObject([
      { path: 'assignments.testUser', adoptable: false, oktaValue: 'not assigned' },
    ]);
    org.app = undefined;
    const gone = orgDrift(planSetup(document, org), document).fields.find(
      (field) => field.key === 'app',
    );
    expect(gone).toMatchObject({ path: 'app', documentValue: 'Kestra', oktaValue: null });
    expect(gone?.adoptable).toBe(false);
  });
});

describe('adoptOrgValues', () => {
  it('writes Okta’s values in, keeps everything the org does not hold, and the plan is empty after', () => {
    const document = kestra();
    const org = appliedOrg(document);
    const fields = desiredAppFields(document);
    org.app = {
      id: '0oa1',
      status: 'ACTIVE',
      fields: {
        ...fields,
        label: 'Kestra (prod)',
        redirectUris: [...fields.redirectUris, 'https://kestra2.example.com/oauth/callback/okta'],
        initiateLoginUri: undefined,
      },
    };
    org.appUserIds = new Set(['00u1']);
    org.trustedOrigins = new Map([
      ['https://kestra.example.com', { id: 'tos1', scopes: ['CORS'] }],
    ]);
    const { document: adopted, adopted: paths } = adoptOrgValues(document, org);
    expect(paths).toEqual([
      'app.label',
      'app.redirectUris',
      ...(fields.initiateLoginUri === undefined ? [] : ['app.initiateLoginUri']),
      'trustedOrigins[origin=https://kestra.example.com].scopes',
      'assignments.users[login=grace@example.com]',
    ]);
    expect(adopted).toEqual({
      ...document,
      app: {
        ...document.app,
        label: 'Kestra (prod)',
        redirectUris: [...fields.redirectUris, 'https://kestra2.example.com/oauth/callback/okta'],
        initiateLoginUri: undefined,
      },
      trustedOrigins: [{ ...document.trustedOrigins[0], scopes: ['CORS'] }],
      assignments: { ...document.assignments, users: [] },
    });
    expect(hasChanges(planSetup(adopted, org))).toBe(false);
    // The input is not changed.
    expect(document.app.label).toBe('Kestra');
  });

  it('adopts the groups claim of the app’s Sign On tab, and its removal', () => {
    const document = kestra();
    document.issuer = {
      kind: 'org',
      issuerMode: 'ORG_URL',
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
    };
    const org = appliedOrg(document);
    org.appGroupsClaim = { type: 'FILTER', name: 'groups', filterType: 'STARTS_WITH', value: 'K' };
    const changed = adoptOrgValues(document, org);
    expect(changed.document.issuer.groupsClaim).toEqual(org.appGroupsClaim);
    expect(hasChanges(planSetup(changed.document, org))).toBe(false);
    org.appGroupsClaim = undefined;
    const removed = adoptOrgValues(document, org);
    expect(removed.adopted).toEqual(['issuer.groupsClaim']);
    expect(removed.document.issuer.groupsClaim).toBeUndefined();
  });

  it('refuses, naming the field, a value the document format cannot hold', () => {
    const document = kestra();
    const org = appliedOrg(document);
    org.app = {
      id: '0oa1',
      status: 'ACTIVE',
      fields: { ...desiredAppFields(document), grantTypes: ['client_credentials'] },
    };
    expect(() => adoptOrgValues(document, org)).toThrow(AdoptRefusedError);
    expect(() => adoptOrgValues(document, org)).toThrow(/^Okta's value of app\.grantTypes\.0/);
  });

  it('adopts nothing when the org matches', () => {
    const document = kestra();
    expect(adoptOrgValues(document, appliedOrg(document))).toEqual({ document, adopted: [] });
  });
});
