import { describe, expect, it } from 'vitest';

import type { OrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import { desiredAppFields } from '../../../../main/setup/plan.ts';
import { compareBasis, planBasis } from '../../../../main/setup/plan-basis.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';

function document(): SetupDocument {
  const setup = createSetupDocument({ id: 'basis-1', preset: 'kestra' });
  setup.assignments = {
    users: [{ login: 'alice@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  };
  setup.trustedOrigins = [
    { name: 'Kestra', origin: 'https://kestra.example.com', scopes: ['CORS'] },
  ];
  return setup;
}

function org(setup: SetupDocument): OrgSnapshot {
  return {
    app: {
      id: '0oa1',
      fields: desiredAppFields(setup),
      status: 'ACTIVE',
      lastUpdated: '2026-12-06T10:00:00.000Z',
    },
    usersByLogin: new Map([
      ['alice@example.com', { id: '00u1' }],
      ['ada@example.com', { id: '00u2' }],
    ]),
    groupsByName: new Map([['Kestra Admins', { id: '00g1' }]]),
    appUserIds: new Set(['00u1', '00u9']),
    appGroupIds: new Set(['00g1']),
    trustedOrigins: new Map([
      [
        'https://kestra.example.com',
        { id: 'tos1', scopes: ['CORS'], lastUpdated: '2026-12-01T00:00:00.000Z' },
      ],
    ]),
    authServer: undefined,
  };
}

describe('planBasis and compareBasis', () => {
  it('reads the same twice: no change', () => {
    const setup = document();
    expect(compareBasis(planBasis(setup, org(setup)), planBasis(setup, org(setup)))).toEqual([]);
  });

  it('says which app field another admin changed, with its old and new value', () => {
    const setup = document();
    const later = org(setup);
    if (later.app !== undefined) {
      later.app.fields.redirectUris = ['https://kestra.example.com/oauth/callback/corp'];
      later.app.lastUpdated = '2026-12-06T10:05:00.000Z';
    }
    expect(compareBasis(planBasis(setup, org(setup)), planBasis(setup, later))).toEqual([
      {
        key: 'app',
        title: 'App integration "Kestra"',
        summary: 'changed in the org',
        fields: [
          {
            field: 'lastUpdated',
            before: '2026-12-06T10:00:00.000Z',
            after: '2026-12-06T10:05:00.000Z',
          },
          {
            field: 'redirectUris',
            before: setup.app.redirectUris,
            after: ['https://kestra.example.com/oauth/callback/corp'],
          },
        ],
      },
    ]);
  });

  it('notices an edit that changes only lastUpdated, and objects that came or went', () => {
    const setup = document();
    const later = org(setup);
    later.trustedOrigins.set('https://kestra.example.com', {
      id: 'tos1',
      scopes: ['CORS'],
      lastUpdated: '2026-12-06T11:00:00.000Z',
    });
    later.usersByLogin.delete('alice@example.com');
    later.app = undefined;
    const changes = compareBasis(planBasis(setup, org(setup)), planBasis(setup, later));
    expect(changes.map((change) => [change.key, change.summary])).toEqual([
      ['app', 'no longer in the org'],
      ['user:alice@example.com', 'no longer in the org'],
      ['assigned-users', 'changed in the org'],
      ['trusted-origin:https://kestra.example.com', 'changed in the org'],
    ]);
  });

  it('ignores assignments of people the setup does not name', () => {
    const setup = document();
    const later = org(setup);
    later.appUserIds.add('00u7');
    later.appUserIds.delete('00u9');
    expect(compareBasis(planBasis(setup, org(setup)), planBasis(setup, later))).toEqual([]);
  });

  it('says the plan is another plan when the document itself changed', () => {
    const setup = document();
    const edited = document();
    edited.assignments.groups.push({ name: 'Auditors' });
    const changes = compareBasis(planBasis(setup, org(setup)), planBasis(edited, org(edited)));
    expect(changes).toEqual([
      expect.objectContaining({ key: 'group:Auditors', summary: 'not in the reviewed plan' }),
    ]);
  });
});
