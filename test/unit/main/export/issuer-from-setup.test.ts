import { describe, expect, it } from 'vitest';

import { readServerGroupsClaim, scopesOfRules } from '../../../../main/export/issuer-candidates.ts';
import { issuerOfSetup, keptDocumentOfApp } from '../../../../main/export/issuer-from-setup.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';

function kept(id: string, adjust: (document: SetupDocument) => void = () => undefined) {
  const document = createSetupDocument({ id, preset: 'web', label: id });
  adjust(document);
  return { file: `/data/setups/${id}.json`, document };
}

const SERVERS = [
  {
    authServerId: 'aus1',
    name: 'Grafana',
    issuer: 'https://acme.okta.com/oauth2/aus1',
    namingPolicies: [],
    allClientsPolicies: [],
  },
];

describe('keptDocumentOfApp', () => {
  it('takes the document the app’s mark names, else one that adopts the app', () => {
    const created = kept('s-created');
    const adopting = kept('s-adopt', (document) => {
      document.app.existingAppId = '0oa1';
    });
    const documents = [adopting, created];
    expect(keptDocumentOfApp(documents, { id: '0oa2', setupId: 's-created' })?.id).toBe(
      's-created',
    );
    expect(keptDocumentOfApp(documents, { id: '0oa1', setupId: 's-adopt' })?.id).toBe('s-adopt');
    // The mark removed: the adopting document still names the app.
    expect(keptDocumentOfApp(documents, { id: '0oa1', setupId: undefined })?.id).toBe('s-adopt');
    expect(keptDocumentOfApp(documents, { id: '0oa3', setupId: undefined })).toBeUndefined();
    expect(keptDocumentOfApp(documents, { id: '0oa3', setupId: 's-unknown' })).toBeUndefined();
  });

  it('does not take a marked document that adopts another app', () => {
    const adopting = kept('s-adopt', (document) => {
      document.app.existingAppId = '0oa1';
    });
    expect(keptDocumentOfApp([adopting], { id: '0oa9', setupId: 's-adopt' })).toBeUndefined();
  });
});

describe('issuerOfSetup', () => {
  it('reads the org server, an existing server by id and a new one by name', () => {
    expect(issuerOfSetup(kept('s1').document, SERVERS)).toEqual({
      setupId: 's1',
      issuer: { kind: 'org' },
    });
    const existing = kept('s2', (document) => {
      document.issuer = {
        kind: 'custom',
        server: { kind: 'existing', id: 'default' },
        issuerMode: 'ORG_URL',
        scopes: ['openid'],
      };
    }).document;
    expect(issuerOfSetup(existing, SERVERS).issuer).toEqual({
      kind: 'custom',
      authServerId: 'default',
    });
    const fresh = (name: string) =>
      kept('s3', (document) => {
        document.issuer = {
          kind: 'custom',
          server: { kind: 'new', name, audience: 'api://x', description: '' },
          issuerMode: 'ORG_URL',
          scopes: ['openid'],
        };
      }).document;
    expect(issuerOfSetup(fresh('Grafana'), SERVERS).issuer).toEqual({
      kind: 'custom',
      authServerId: 'aus1',
    });
    expect(issuerOfSetup(fresh('Gone'), SERVERS).issuer).toEqual({
      kind: 'missing',
      serverName: 'Gone',
    });
  });
});

describe('scopesOfRules', () => {
  it('lists the active rules’ scopes once each, openid first, without *', () => {
    expect(
      scopesOfRules([
        { status: 'ACTIVE', scopes: ['profile', 'openid', 'groups'] },
        { status: 'ACTIVE', scopes: ['groups', 'email', '*'] },
        { status: 'INACTIVE', scopes: ['admin'] },
      ]),
    ).toEqual(['openid', 'profile', 'groups', 'email']);
    expect(scopesOfRules([{ status: 'ACTIVE', scopes: ['*'] }])).toBeUndefined();
    expect(scopesOfRules([])).toBeUndefined();
    expect(scopesOfRules([{ status: 'ACTIVE', scopes: ['email'] }])).toEqual(['openid', 'email']);
  });
});

describe('readServerGroupsClaim', () => {
  const claim = {
    name: 'groups',
    status: 'ACTIVE',
    claimType: 'IDENTITY',
    valueType: 'GROUPS',
    group_filter_type: 'STARTS_WITH',
    value: 'grafana-',
  };

  it('reads the groups claim the apply creates, filter or expression', () => {
    expect(readServerGroupsClaim(claim)).toEqual({
      type: 'FILTER',
      name: 'groups',
      filterType: 'STARTS_WITH',
      value: 'grafana-',
    });
    expect(
      readServerGroupsClaim({
        ...claim,
        valueType: 'EXPRESSION',
        value: 'Groups.startsWith("OKTA", "argo-", 100)',
      }),
    ).toEqual({
      type: 'EXPRESSION',
      name: 'groups',
      value: 'Groups.startsWith("OKTA", "argo-", 100)',
    });
  });

  it('leaves out claims that are not groups in the ID token, or not active', () => {
    expect(readServerGroupsClaim({ ...claim, status: 'INACTIVE' })).toBeUndefined();
    expect(readServerGroupsClaim({ ...claim, claimType: 'RESOURCE' })).toBeUndefined();
    expect(
      readServerGroupsClaim({ ...claim, valueType: 'EXPRESSION', value: 'user.department' }),
    ).toBeUndefined();
    expect(readServerGroupsClaim({ ...claim, name: '' })).toBeUndefined();
  });
});
