import { describe, expect, it } from 'vitest';

import {
  applyFixToDocument,
  FixNotApplicableError,
} from '../../../../../main/preview/diagnosis/one-click-fix.ts';
import { desiredAppFields, planSetup } from '../../../../../main/setup/plan.ts';
import { createSetupDocument } from '../../../../../shared/setup/presets.ts';
import { parseSetupDocument } from '../../../../../shared/setup/setup-document.ts';
import { orgSnapshot } from '../../../../support/org-snapshots.ts';

/**
 * Each one-click fix as a change of the setup document: exactly the change, a valid document,
 * the original untouched — and, for the fixes the document already expresses, a plan that
 * shows the repair.
 */

const kestra = () => createSetupDocument({ id: 'k1', preset: 'kestra' });
const kaimu = () => createSetupDocument({ id: 'k2', preset: 'kaimu' });

describe('applyFixToDocument', () => {
  it('replaces a near-miss redirect URI in place, or adds a new one at the end', () => {
    const document = kestra();
    document.app.redirectUris = ['http://a/cb', 'http://localhost:8080/oauth/callback/okta'];
    const replaced = applyFixToDocument(
      {
        kind: 'add-redirect-uri',
        uri: 'http://localhost:8080/oauth/callback/okta-sso',
        replaces: 'http://localhost:8080/oauth/callback/okta',
      },
      document,
    );
    expect(replaced.app.redirectUris).toEqual([
      'http://a/cb',
      'http://localhost:8080/oauth/callback/okta-sso',
    ]);
    expect(document.app.redirectUris[1]).toBe('http://localhost:8080/oauth/callback/okta');
    const added = applyFixToDocument({ kind: 'add-redirect-uri', uri: 'http://b/cb' }, document);
    expect(added.app.redirectUris).toEqual([...document.app.redirectUris, 'http://b/cb']);
    expect(
      applyFixToDocument({ kind: 'add-redirect-uri', uri: 'http://a/cb' }, document).app
        .redirectUris,
    ).toEqual(['http://localhost:8080/oauth/callback/okta', 'http://a/cb']);
  });

  it('assigns a user once', () => {
    const once = applyFixToDocument({ kind: 'assign-user', login: 'ada@example.com' }, kestra());
    const twice = applyFixToDocument({ kind: 'assign-user', login: 'ada@example.com' }, once);
    expect(twice.assignments.users).toEqual([{ login: 'ada@example.com' }]);
  });

  it('adds a scope on a custom server, and refuses on the org server', () => {
    expect(
      applyFixToDocument({ kind: 'add-scope', scope: 'groups' }, kaimu()).issuer,
    ).toMatchObject({ kind: 'custom', scopes: ['openid', 'email', 'profile', 'groups'] });
    expect(() => applyFixToDocument({ kind: 'add-scope', scope: 'groups' }, kestra())).toThrow(
      FixNotApplicableError,
    );
  });

  it('sets PKCE and the auth method; a client without a secret gets PKCE too', () => {
    expect(
      applyFixToDocument({ kind: 'set-pkce-required', value: true }, kestra()).app.pkceRequired,
    ).toBe(true);
    const none = applyFixToDocument(
      { kind: 'set-token-endpoint-auth-method', method: 'none' },
      kestra(),
    );
    expect(none.app).toMatchObject({ tokenEndpointAuthMethod: 'none', pkceRequired: true });
  });

  it('switches the issuer between the org server and the default custom server', () => {
    const toOrg = applyFixToDocument(
      { kind: 'set-issuer', issuer: 'org', issuerMode: 'CUSTOM_URL' },
      kaimu(),
    );
    expect(toOrg.issuer).toEqual({ kind: 'org', issuerMode: 'CUSTOM_URL' });
    const toDefault = applyFixToDocument({ kind: 'set-issuer', issuer: 'default' }, kestra());
    expect(toDefault.issuer).toEqual({
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'email', 'profile'],
    });
  });

  it('adds a groups claim on either server: the org server sets it on the app', () => {
    for (const document of [kaimu(), kestra()]) {
      expect(
        applyFixToDocument({ kind: 'add-groups-claim', name: 'groups' }, document).issuer,
      ).toMatchObject({
        kind: document.issuer.kind,
        groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
      });
    }
  });

  it('renames an existing groups claim and keeps its filter', () => {
    const document = kestra();
    document.issuer.groupsClaim = {
      type: 'EXPRESSION',
      name: 'groups',
      value: 'Groups.startsWith("OKTA", "Kestra", 100)',
    };
    expect(
      applyFixToDocument({ kind: 'add-groups-claim', name: 'roles' }, document).issuer.groupsClaim,
    ).toEqual({
      type: 'EXPRESSION',
      name: 'roles',
      value: 'Groups.startsWith("OKTA", "Kestra", 100)',
    });
  });

  it('adds a trusted origin with CORS, or CORS to an origin that lacks it', () => {
    const document = kestra();
    const added = applyFixToDocument(
      { kind: 'add-trusted-origin', origin: 'http://localhost:5173' },
      document,
    );
    expect(added.trustedOrigins).toEqual([
      {
        name: 'Kestra (http://localhost:5173)',
        origin: 'http://localhost:5173',
        scopes: ['CORS', 'REDIRECT'],
      },
    ]);
    const redirectOnly = structuredClone(added);
    redirectOnly.trustedOrigins = redirectOnly.trustedOrigins.map((origin) => ({
      ...origin,
      scopes: ['REDIRECT'],
    }));
    expect(
      applyFixToDocument(
        { kind: 'add-trusted-origin', origin: 'http://localhost:5173' },
        redirectOnly,
      ).trustedOrigins[0]?.scopes,
    ).toEqual(['REDIRECT', 'CORS']);
  });

  it('keeps every fixed document valid', () => {
    const fixes = [
      { kind: 'add-redirect-uri', uri: 'http://localhost:3000/cb' },
      { kind: 'assign-user', login: 'ada@example.com' },
      { kind: 'add-scope', scope: 'groups' },
      { kind: 'set-pkce-required', value: true },
      { kind: 'set-token-endpoint-auth-method', method: 'client_secret_post' },
      { kind: 'allow-client-in-policy' },
      { kind: 'activate-app' },
      { kind: 'set-issuer', issuer: 'default', issuerMode: 'DYNAMIC' },
      { kind: 'add-groups-claim', name: 'groups' },
      { kind: 'add-trusted-origin', origin: 'http://localhost:3000' },
    ] as const;
    for (const fix of fixes) {
      expect(() => parseSetupDocument(applyFixToDocument(fix, kaimu()))).not.toThrow();
    }
  });

  it('leaves the document as it is for activate-app and allow-client-in-policy: the plan repairs them', () => {
    const document = kaimu();
    expect(applyFixToDocument({ kind: 'activate-app' }, document)).toEqual(document);
    expect(applyFixToDocument({ kind: 'allow-client-in-policy' }, document)).toEqual(document);
    expect(() => applyFixToDocument({ kind: 'allow-client-in-policy' }, kestra())).toThrow(
      FixNotApplicableError,
    );
    const org = orgSnapshot({
      app: { id: '0oa1', fields: desiredAppFields(document), status: 'INACTIVE' },
      authServer: {
        id: 'default',
        scopeNames: new Set(['openid', 'email', 'profile']),
        claims: [],
        admitsClient: false,
      },
    });
    const changed = planSetup(document, org).steps.filter((step) => step.action !== 'unchanged');
    expect(changed.map((step) => [step.key, step.action])).toEqual([
      ['app', 'update'],
      ['access-policy', 'create'],
    ]);
  });
});
