import { describe, expect, it } from 'vitest';

import type { OrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import type { SetupObjects } from '../../../../main/okta/setup-objects.ts';
import {
  createdByJournal,
  type JournalLine,
  planTeardown,
  renderTeardownPlan,
} from '../../../../main/teardown/teardown-plan.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { orgSnapshot } from '../../../support/org-snapshots.ts';

const PREFIX = 'sso-console-preview-';

function kestra(): SetupDocument {
  const document = createSetupDocument({ id: 'setup-1', preset: 'kestra', label: 'Kestra' });
  document.assignments = {
    users: [{ login: 'alice@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' },
  };
  document.trustedOrigins = [
    { name: 'New', origin: 'https://new.example.com', scopes: ['CORS'] },
    { name: 'Old', origin: 'https://old.example.com', scopes: ['CORS'] },
  ];
  return document;
}

function kaimuOnNewServer(): SetupDocument {
  const document = createSetupDocument({ id: 'setup-2', preset: 'kaimu', label: 'Kaimu' });
  document.issuer = {
    kind: 'custom',
    server: { kind: 'new', name: 'Kaimu AS', audience: 'api://kaimu', description: '' },
    issuerMode: 'ORG_URL',
    scopes: ['openid', 'kaimu.read'],
    groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
  };
  return document;
}

const snapshot = orgSnapshot;

const APP: NonNullable<OrgSnapshot['app']> = {
  id: '0oaAPP',
  clientId: '0oaAPP',
  status: 'ACTIVE',
  fields: {
    label: 'Kestra',
    applicationType: 'web',
    grantTypes: ['authorization_code'],
    redirectUris: [],
    postLogoutRedirectUris: [],
    initiateLoginUri: undefined,
    pkceRequired: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    consentMethod: 'TRUSTED',
    issuerMode: 'ORG_URL',
    implicitAssignment: false,
  },
};

function line(stepKey: string, phase: string, extra: Partial<JournalLine> = {}): JournalLine {
  return { setupId: 'setup-1', stepKey, phase, at: '2026-01-01T00:00:00Z', ...extra };
}

function created(stepKey: string, objectId?: string): JournalLine[] {
  return [
    line(stepKey, 'started', { action: 'create' }),
    line(stepKey, 'done', objectId === undefined ? {} : { objectId }),
  ];
}

function objects(overrides: Partial<SetupObjects> = {}): SetupObjects {
  return { snapshot: snapshot(), authServer: undefined, users: new Map(), ...overrides };
}

describe('createdByJournal', () => {
  it.each([
    ['a create Okta confirmed', created('app', '0oa1'), '0oa1'],
    [
      'a create settled by reading (found)',
      [line('scope:x', 'started', { action: 'create' }), line('scope:x', 'found')],
      undefined,
    ],
    ['a create still in doubt', [line('scope:x', 'started', { action: 'create' })], undefined],
  ])('counts %s', (_name, lines, id) => {
    const map = createdByJournal(lines);
    expect(map.has(lines[0]?.stepKey ?? '')).toBe(true);
    expect(map.get(lines[0]?.stepKey ?? '')).toBe(id);
  });

  it.each([
    ['an update', [line('app', 'started', { action: 'update' }), line('app', 'done')]],
    [
      'a refused create',
      [line('app', 'started', { action: 'create' }), line('app', 'failed', { detail: '400' })],
    ],
    [
      'a create never made',
      [line('app', 'started', { action: 'create' }), line('app', 'not-found')],
    ],
    [
      'a create cancelled before it was sent',
      [line('app', 'started', { action: 'create' }), line('app', 'not-sent')],
    ],
    ['an old journal without actions', [line('app', 'started'), line('app', 'done')]],
  ])('does not count %s', (_name, lines) => {
    expect(createdByJournal(lines).has('app')).toBe(false);
  });
});

describe('planTeardown', () => {
  it('removes the marked app, the journaled test user and origin; leaves what existed', () => {
    const document = kestra();
    const plan = planTeardown({
      document,
      journal: [
        ...created('app', '0oaAPP'),
        ...created('client-secret'),
        ...created('test-user:ada@example.com', '00uADA'),
        ...created('trusted-origin:https://new.example.com', 'tosNEW'),
      ],
      throwaways: [
        { phase: 'creating', login: `${PREFIX}a@example.com`, appId: '0oaAPP' },
        { phase: 'created', login: `${PREFIX}a@example.com`, appId: '0oaAPP', userId: '00uT' },
        { phase: 'created', login: `${PREFIX}b@example.com`, appId: '0oaAPP', userId: '00uB' },
        { phase: 'removed', login: `${PREFIX}b@example.com`, appId: '0oaAPP' },
        { phase: 'created', login: `${PREFIX}c@example.com`, appId: '0oaOTHER' },
      ],
      throwawayPrefix: PREFIX,
      objects: objects({
        snapshot: snapshot({
          app: APP,
          usersByLogin: new Map([
            ['alice@example.com', { id: '00uALICE' }],
            ['ada@example.com', { id: '00uADA' }],
          ]),
          groupsByName: new Map([['Kestra Admins', { id: '00gADMINS' }]]),
          trustedOrigins: new Map([
            ['https://new.example.com', { id: 'tosNEW', scopes: ['CORS'] }],
            ['https://old.example.com', { id: 'tosOLD', scopes: ['CORS'] }],
          ]),
        }),
        users: new Map([
          ['ada@example.com', { id: '00uADA', status: 'ACTIVE' }],
          [`${PREFIX}a@example.com`, { id: '00uT', status: 'ACTIVE' }],
          [`${PREFIX}c@example.com`, { id: '00uC', status: 'ACTIVE' }],
        ]),
      }),
    });
    expect(plan.removals.map(({ key, objectId, isActive }) => [key, objectId, isActive])).toEqual([
      ['destroy:app', '0oaAPP', true],
      ['destroy:test-user:ada@example.com', '00uADA', true],
      [`destroy:throwaway-user:${PREFIX}a@example.com`, '00uT', true],
      ['destroy:trusted-origin:https://new.example.com', 'tosNEW', false],
    ]);
    expect(plan.removals[0]?.why).toMatch(/mark x-sso-console: setup-1; and its journal/);
    expect(plan.leftAlone.map(({ title }) => title)).toEqual([
      'User "alice@example.com"',
      'Group "Kestra Admins"',
      'Trusted origin "Old" (https://old.example.com)',
    ]);
    expect(plan.secrets).toEqual([
      { kind: 'client-secret', id: '0oaAPP', after: 'destroy:app' },
      {
        kind: 'test-user-password',
        id: 'ada@example.com',
        after: 'destroy:test-user:ada@example.com',
      },
    ]);
    const text = renderTeardownPlan(plan, 'https://org.example.com');
    expect(text).toContain('- App integration "Kestra" (0oaAPP): delete — made by this setup');
    expect(text).toContain(
      '= Group "Kestra Admins": left alone — it existed before (the setup only assigned it)',
    );
  });

  it('never deletes an app the document edits, nor a test user someone else made', () => {
    const document = kestra();
    document.app.existingAppId = '0oaAPP';
    const plan = planTeardown({
      document,
      journal: [...created('test-user:ada@example.com', '00uEARLIER')],
      throwaways: [],
      throwawayPrefix: PREFIX,
      objects: objects({
        snapshot: snapshot({ app: APP }),
        users: new Map([['ada@example.com', { id: '00uADA', status: 'ACTIVE' }]]),
      }),
    });
    expect(plan.removals).toEqual([]);
    expect(plan.leftAlone.map(({ why }) => why)).toEqual([
      'the document edits an existing app (existingAppId): it is never deleted, nor its assignments',
      'it existed before: this setup’s journal did not create it',
    ]);
    expect(plan.secrets).toEqual([]);
  });

  it('forgets the secrets of objects already gone, and finds throwaways of a deleted app', () => {
    const plan = planTeardown({
      document: kestra(),
      journal: [...created('app', '0oaGONE'), ...created('test-user:ada@example.com', '00uGONE')],
      throwaways: [{ phase: 'created', login: `${PREFIX}a@example.com`, appId: '0oaGONE' }],
      throwawayPrefix: PREFIX,
      objects: objects({
        users: new Map([[`${PREFIX}a@example.com`, { id: '00uT', status: 'DEPROVISIONED' }]]),
      }),
    });
    expect(plan.removals.map(({ key, isActive }) => [key, isActive])).toEqual([
      [`destroy:throwaway-user:${PREFIX}a@example.com`, false],
    ]);
    expect(plan.secrets).toEqual([
      { kind: 'client-secret', id: '0oaGONE', after: undefined },
      { kind: 'test-user-password', id: 'ada@example.com', after: undefined },
    ]);
  });

  const server = {
    id: 'ausKAIMU',
    name: 'Kaimu AS',
    status: 'ACTIVE',
    scopes: [
      { id: 'scpOPENID', name: 'openid' },
      { id: 'scpREAD', name: 'kaimu.read' },
    ],
    claims: [{ id: 'oclGROUPS', name: 'groups' }],
    policies: [
      {
        id: '00pMINE',
        name: 'Kaimu access',
        description: 'Lets Kaimu get tokens. [sso-console setup-2]',
      },
      { id: '00pOTHER', name: 'Other', description: 'Someone else’s' },
    ],
  };

  it('removes a server it created whole', () => {
    const document = kaimuOnNewServer();
    const plan = planTeardown({
      document,
      journal: [...created('auth-server', 'ausKAIMU'), ...created('scope:kaimu.read')],
      throwaways: [],
      throwawayPrefix: PREFIX,
      objects: objects({ authServer: server }),
    });
    expect(plan.removals.map(({ key, why }) => [key, why])).toEqual([
      [
        'destroy:auth-server',
        'created by this setup, as its journal records; its scopes, claims and policies go with it',
      ],
    ]);
  });

  it.each([
    [
      'an existing server',
      { kind: 'existing', id: 'ausKAIMU' } as const,
      [...created('scope:kaimu.read'), ...created('claim:groups', 'oclGROUPS')],
      ['destroy:access-policy:00pMINE', 'destroy:claim:groups', 'destroy:scope:kaimu.read'],
      ['Authorization server "Kaimu AS" (ausKAIMU)', 'Scope "openid"'],
    ],
    [
      'a server that existed before, with a claim it did not make',
      { kind: 'new', name: 'Kaimu AS', audience: 'api://kaimu', description: '' } as const,
      [...created('scope:kaimu.read', 'scpREAD')],
      ['destroy:access-policy:00pMINE', 'destroy:scope:kaimu.read'],
      ['Authorization server "Kaimu AS" (ausKAIMU)', 'Claim "groups"', 'Scope "openid"'],
    ],
  ])(
    'on %s, removes only its marked policy and journaled scopes and claims',
    (_n, kind, journal, keys, left) => {
      const document = kaimuOnNewServer();
      if (document.issuer.kind === 'custom') {
        document.issuer.server = kind;
      }
      const plan = planTeardown({
        document,
        journal,
        throwaways: [],
        throwawayPrefix: PREFIX,
        objects: objects({ authServer: server }),
      });
      expect(plan.removals.map(({ key }) => key)).toEqual(keys);
      expect(plan.removals.every((removal) => removal.authServerId === 'ausKAIMU')).toBe(true);
      expect(plan.leftAlone.map(({ title }) => title)).toEqual(left);
    },
  );

  it('has nothing to remove when the org holds nothing of the setup', () => {
    const plan = planTeardown({
      document: kestra(),
      journal: [],
      throwaways: [],
      throwawayPrefix: PREFIX,
      objects: objects(),
    });
    expect(plan).toEqual({ removals: [], leftAlone: [], secrets: [] });
    expect(renderTeardownPlan(plan, 'https://org.example.com')).toContain('Nothing to remove');
  });
});
