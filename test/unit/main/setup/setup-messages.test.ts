import { describe, expect, it } from 'vitest';

import { toKeychainError } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import {
  ApplyCancelledError,
  SecretsCannotBeKeptError,
} from '../../../../main/setup/apply-errors.ts';
import {
  adminLinksFor,
  cancelledApply,
  cancelledPlan,
  refusedForKeychain,
} from '../../../../main/setup/setup-messages.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';

/** Admin Console links after an apply: built for Okta's hosts only, one per object touched. */
describe('adminLinksFor', () => {
  const applied = {
    appId: '0oa1',
    authServerId: 'aus9',
    objects: { testUserId: '00u7', groups: [{ name: 'Kestra Users', id: '00g3' }] },
  };

  it('links the app, server, test user, groups and trusted origins on the -admin host', () => {
    const document = createSetupDocument({ id: 'links', preset: 'spa', label: 'My SPA' });
    document.assignments.testUser = { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' };
    expect(adminLinksFor('https://dev-123.okta.com', document, applied)).toEqual([
      {
        title: 'App integration “My SPA”',
        url: 'https://dev-123-admin.okta.com/admin/app/oidc_client/instance/0oa1/#tab-general',
      },
      {
        title: 'Authorization server aus9',
        url: 'https://dev-123-admin.okta.com/admin/oauth2/as/aus9',
      },
      {
        title: 'Test user ada@example.com',
        url: 'https://dev-123-admin.okta.com/admin/user/profile/view/00u7',
      },
      { title: 'Group “Kestra Users”', url: 'https://dev-123-admin.okta.com/admin/group/00g3' },
      {
        title: 'Trusted origins',
        url: 'https://dev-123-admin.okta.com/admin/access/api/trusted_origins',
      },
    ]);
  });

  it('links only what the setup has: no server, test user or origins for a plain web app', () => {
    const document = createSetupDocument({ id: 'links', preset: 'web', label: 'Web' });
    const links = adminLinksFor('https://acme.oktapreview.com', document, {
      appId: '0oa2',
      authServerId: undefined,
      objects: { testUserId: undefined, groups: [] },
    });
    expect(links.map((link) => link.url)).toEqual([
      'https://acme-admin.oktapreview.com/admin/app/oidc_client/instance/0oa2/#tab-general',
    ]);
  });

  it('gives no links for an org without a known Admin Console host', () => {
    const document = createSetupDocument({ id: 'links', preset: 'spa' });
    expect(adminLinksFor('http://127.0.0.1:4000', document, applied)).toEqual([]);
    expect(adminLinksFor('https://login.example.com', document, applied)).toEqual([]);
  });
});

describe('refusedForKeychain', () => {
  const keychainDown = toKeychainError(new Error('Could not connect'), 'linux');

  it('names the secrets as they are, says nothing was written, and gives both ways on', () => {
    const refused = refusedForKeychain(
      new SecretsCannotBeKeptError(['client-secret', 'test-user-password'], keychainDown),
    );
    expect(refused.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(refused.message).toBe(
      'The Secret Service could not be used (Could not connect), so the console cannot keep or read secrets there now. This setup makes a client secret and a test user’s password, which no one can read back from Okta later and the console keeps only in the OS keychain, so the apply was refused before its first change: nothing was written to the org.',
    );
    expect(refused.hint).toMatch(/^Start a Secret Service .*dbus-run-session.* Then apply again\./);
    expect(refused.hint).toContain('this session’s memory only');
    expect(`${refused.message} ${refused.hint}`).not.toMatch(/API token|Nothing was saved/);
  });

  it('names only the one secret a setup makes', () => {
    const refused = refusedForKeychain(
      new SecretsCannotBeKeptError(['test-user-password'], keychainDown),
    );
    expect(refused.message).toContain('This setup makes a test user’s password, which');
    expect(refused.message).not.toContain('client secret');
  });
});

/** What a cancelled apply says: what it made, that nothing was made twice, how to finish. */
describe('cancelledApply', () => {
  it('says nothing was written when it stopped before its first change', () => {
    const error = cancelledApply(
      new ApplyCancelledError({ made: [], notMade: ['App integration "Kestra"'], inDoubt: [] }),
    );
    expect(error).toMatchObject({
      code: 'CANCELLED',
      message:
        'The apply was cancelled, as you asked, before its first change: nothing was written to the org.',
    });
  });

  it('counts and names what was made, says what a resumed apply settles, and how to finish', () => {
    const made = Array.from(
      { length: 7 },
      (_, index) => `ada${String(index)}@example.com assigned`,
    );
    const error = cancelledApply(
      new ApplyCancelledError({
        made: ['App integration "Kestra"', ...made],
        notMade: ['Group "Kestra Admins" assigned to the app'],
        inDoubt: ['App integration "Other"'],
      }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toBe(
      'The apply was cancelled, as you asked: it stopped before its next request to Okta, with 8 of 10 changes made (App integration "Kestra", ada0@example.com assigned, ada1@example.com assigned, ada2@example.com assigned, ada3@example.com assigned and 3 more). Not known yet: App integration "Other" — a request of it reached Okta and its outcome was not settled before the cancel; the next apply reads the org to see what is there before it writes anything, so nothing is made twice.',
    );
    expect(error.hint).toMatch(/^Apply again to finish the setup: it continues from the journal/);
  });

  it('says every request was answered only when none is in doubt, and a secret the keychain lost', () => {
    const error = cancelledApply(
      new ApplyCancelledError({
        made: ['App integration "Kestra"'],
        notMade: ['Group "Kestra Admins" assigned to the app'],
        inDoubt: [],
        secrets: [{ kind: 'client-secret', kept: false }],
        keychainFailure: new Error('keychain locked'),
      }),
    );
    expect(error.message).toContain(
      'Nothing was made twice: every request Okta had received was answered and recorded in the journal.',
    );
    expect(error.message).toContain('The keychain could not keep the client secret.');
  });
});

describe('cancelledPlan', () => {
  it('says that nothing changed and how to go on', () => {
    const error = cancelledPlan(new Error('dropped'));
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toMatch(/^Planning was cancelled, as you asked/);
    expect(error.message).toContain('nothing in the org was changed');
    expect(error.hint).toMatch(/^Plan again when you are ready/);
  });
});
