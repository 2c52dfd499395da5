import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { DriftView } from '../../../../../renderer/features/day-two/drift-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createDriftStore } from '../../../../../renderer/stores/drift-store.ts';
import { createManagedAppsStore } from '../../../../../renderer/stores/managed-apps-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import type {
  ManagedAppView,
  OrgDriftReportView,
  TargetDriftReportView,
} from '../../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const APP: ManagedAppView = {
  id: '0oa1',
  label: 'Kestra',
  status: 'ACTIVE',
  clientId: '0oa1client',
  managedAs: 'created',
  issuer: 'https://acme.okta.com',
  target: 'kestra',
  users: 1,
  groups: 0,
  secretAgeDays: 0,
  lastVerifiedExport: null,
  drift: true,
  document: { id: 'setup-1', file: '/data/setups/setup-1.json' },
};

const CLEAN: OrgDriftReportView = {
  orgUrl: 'https://acme.okta.com',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client', status: 'ACTIVE' },
  document: { id: 'setup-1', keptFile: '/data/setups/setup-1.json', file: null },
  drift: { drifted: false, fields: [], blockers: [] },
};

const DRIFTED: OrgDriftReportView = {
  ...CLEAN,
  drift: {
    drifted: true,
    fields: [
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.redirectUris',
        documentValue: ['https://kestra.example.com/cb'],
        oktaValue: ['https://kestra.example.com/cb', 'https://elsewhere.example.com/cb'],
        adoptable: true,
        adoptNote: null,
      },
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.status',
        documentValue: 'ACTIVE',
        oktaValue: 'INACTIVE',
        adoptable: false,
        adoptNote: 'An inactive app cannot be written into a setup document.',
      },
    ],
    blockers: [],
  },
};

const TARGET: TargetDriftReportView = {
  target: 'kestra',
  file: '/etc/kestra/application.yml',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client' },
  ok: false,
  findings: [
    { check: 'read', ok: true, detail: 'Read as kestra.', fix: null, at: null },
    {
      check: 'client-id',
      ok: false,
      detail: 'The file’s client id 0oaWRONG is no app’s in the org.',
      fix: 'Replace the client id 0oaWRONG with 0oa1client in /etc/kestra/application.yml line 6, and redeploy the target.',
      at: { file: '/etc/kestra/application.yml', line: 6 },
    },
  ],
};

const ok = <T,>(data: T) => ({ ok: true, data });

/** The deployed file's static checks, all passed, before its sign-in. */
const CHECKED: TargetDriftReportView = {
  ...TARGET,
  ok: true,
  findings: [{ check: 'client-id', ok: true, detail: 'The app’s client id.', fix: null, at: null }],
};

/** The same file once Ada signed in with it. */
const SIGNED_IN: TargetDriftReportView = {
  ...CHECKED,
  findings: [
    ...CHECKED.findings,
    {
      check: 'sign-in',
      ok: true,
      detail: 'Signed in with exactly the file as ada@example.com.',
      fix: null,
      at: null,
    },
  ],
  signIn: {
    ok: true,
    checks: [
      { name: 'discovery', ok: true, detail: 'The issuer’s discovery document was read.' },
      { name: 'token', ok: true, detail: 'The code was exchanged with the file’s secret.' },
    ],
    verifiedAt: '2026-12-07T01:00:00.000Z',
    contentHash: 'c'.repeat(64),
  },
};

const STARTED = {
  verificationId: 'v-1',
  authorizeUrl: 'https://acme.okta.com/oauth2/v1/authorize?client_id=0oa1client',
  strategy: {
    kind: 'paste-url',
    redirectUri: 'https://kestra.example.com/oauth/callback/okta',
    explanation: 'The console cannot listen on the file’s redirect URI: paste the address.',
  },
  user: { login: 'ada@example.com', passwordInKeychain: false },
};

/** An answer the test gives when it chooses. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Fills the target check's form with a path (and who signs in). */
async function fillTargetForm(login = '') {
  await screen.findByText('No drift: the app matches its setup document.');
  const form = screen.getByRole('form', { name: 'Check a deployed config file' });
  fireEvent.change(within(form).getByLabelText('Path of the config file'), {
    target: { value: '/etc/kestra/application.yml' },
  });
  fireEvent.change(within(form).getByLabelText('Who signs in with the file (login)'), {
    target: { value: login },
  });
  return form;
}

async function renderView(answers: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge({
    'managed-apps:list': () => ok({ orgUrl: 'https://acme.okta.com', apps: [APP] }),
    ...answers,
  });
  const managedApps = createManagedAppsStore(fake.api);
  await managedApps.getState().load();
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      consoleView={createConsoleViewStore({ kind: 'drift', appId: '0oa1' })}
      managedApps={managedApps}
      drift={createDriftStore(fake.api)}
    >
      <DriftView appId="0oa1" />
    </StoreProvider>,
  );
  return { fake };
}

describe('DriftView', () => {
  it('shows each differing field with the document’s and Okta’s value, and marks Restore-only ones', async () => {
    await renderView({ 'drift:check': () => ok(DRIFTED) });
    const table = await screen.findByRole('table', { name: 'Field-level differences' });
    const redirects = within(table).getByRole('row', { name: /app\.redirectUris/ });
    expect(redirects.textContent).toContain('["https://kestra.example.com/cb"]');
    expect(redirects.textContent).toContain('https://elsewhere.example.com/cb');
    expect(redirects.textContent).toContain('Can be adopted');
    const status = within(table).getByRole('row', { name: /app\.status/ });
    expect(status.textContent).toContain('Restore only');
    expect(status.textContent).toContain('An inactive app cannot be written');
    expect(screen.getByRole('status').textContent).toBe(
      'Drift: 2 fields differ, 1 of them adoptable.',
    );
  });

  it('restores after showing what goes back, and then shows no drift', async () => {
    const { fake } = await renderView({
      'drift:check': () => ok(DRIFTED),
      'drift:restore': () => ok(CLEAN),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Restore…' }));
    const changes = screen.getByRole('list', { name: 'Restore changes' });
    expect(changes.textContent).toContain('app.redirectUris');
    const confirm = screen.getByRole('button', { name: 'Restore the document' });
    expect(document.activeElement).toBe(confirm);
    expect(fake.calls.map((made) => made.channel)).not.toContain('drift:restore');
    fireEvent.click(confirm);
    expect(
      await screen.findByText('Restored: the setup document was applied, and the app matches it.'),
    ).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Field-level differences' })).toBeNull();
  });

  it('checks a config file by its path and shows each finding with its fix', async () => {
    const { fake } = await renderView({
      'drift:check': () => ok(CLEAN),
      'drift:check-target': () => ok(TARGET),
    });
    await screen.findByText('No drift: the app matches its setup document.');
    const form = screen.getByRole('form', { name: 'Check a deployed config file' });
    const check = within(form).getByRole('button', { name: 'Check the file' });
    expect(check).toHaveProperty('disabled', true);
    fireEvent.change(within(form).getByLabelText('Path of the config file'), {
      target: { value: '/etc/kestra/application.yml' },
    });
    fireEvent.click(check);
    const findings = await screen.findByRole('list', { name: 'Findings' });
    const wrong = within(findings).getAllByRole('listitem')[1];
    expect(wrong?.textContent).toContain('Failed: client-id');
    expect(wrong?.textContent).toContain(
      'Fix: Replace the client id 0oaWRONG with 0oa1client in /etc/kestra/application.yml line 6',
    );
    expect(fake.calls.at(-1)).toEqual({
      channel: 'drift:check-target',
      request: { appId: '0oa1', path: '/etc/kestra/application.yml' },
    });
  });

  it('names the targets by their titles, the document’s first', async () => {
    await renderView({ 'drift:check': () => ok(CLEAN) });
    const form = await fillTargetForm();
    const options = within(within(form).getByRole('combobox', { name: 'Target' })).getAllByRole(
      'option',
    );
    expect(options[0]?.textContent).toBe('The setup document’s (Kestra)');
    expect(options.map((option) => option.textContent)).toContain('Spring Boot');
  });

  it('signs in with the file: where to sign in, the address pasted, then each check of the sign-in', async () => {
    const wait = deferred<unknown>();
    const { fake } = await renderView({
      'drift:check': () => ok(CLEAN),
      'drift:target-sign-in-start': () => ok({ report: CHECKED, signIn: STARTED }),
      'drift:target-sign-in-paste': () => ok({}),
      'drift:target-sign-in-wait': () => wait.promise,
    });
    const form = await fillTargetForm('ada@example.com');
    fireEvent.click(within(form).getByRole('button', { name: 'Sign in with this file' }));
    const link = await screen.findByRole('link', { name: 'Open the sign-in page' });
    expect(link.getAttribute('href')).toBe(STARTED.authorizeUrl);
    expect(screen.getByText(STARTED.strategy.explanation)).toBeTruthy();
    expect(screen.getByText('Waiting for the sign-in with the file…')).toBeTruthy();
    expect(screen.getByText(/Sign in as/).textContent).toContain('ada@example.com');
    expect(within(form).getByRole('button', { name: 'Check the file' })).toHaveProperty(
      'disabled',
      true,
    );
    fireEvent.change(screen.getByLabelText('Or paste the address the browser ended on'), {
      target: { value: 'https://kestra.example.com/oauth/callback/okta?code=c&state=s' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Use this address' }));
    await vi.waitFor(() => {
      expect(fake.calls.map((made) => made.channel)).toContain('drift:target-sign-in-paste');
    });
    wait.resolve(ok(SIGNED_IN));

    const checks = await screen.findByRole('list', { name: 'Sign-in checks' });
    expect(
      within(checks)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '✓Passed: discovery — The issuer’s discovery document was read.',
      '✓Passed: token — The code was exchanged with the file’s secret.',
    ]);
    expect(screen.getByText(/matches Okta and signed in .* · sha256 cccccccccccc\.$/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Open the sign-in page' })).toBeNull();
    expect(fake.calls.find((made) => made.channel === 'drift:target-sign-in-start')).toEqual({
      channel: 'drift:target-sign-in-start',
      request: { appId: '0oa1', path: '/etc/kestra/application.yml', login: 'ada@example.com' },
    });
  });

  it('says why no sign-in was made, with the fix, and a failed one’s error in place', async () => {
    const notAttempted: TargetDriftReportView = {
      ...TARGET,
      findings: [
        ...TARGET.findings,
        {
          check: 'sign-in',
          ok: false,
          detail: 'Not attempted: Okta would refuse it for the findings above.',
          fix: 'Fix the findings above, redeploy, then sign in with the file again.',
          at: null,
        },
      ],
    };
    let starts = 0;
    await renderView({
      'drift:check': () => ok(CLEAN),
      'drift:target-sign-in-start': () =>
        (starts += 1) === 1
          ? ok({ report: notAttempted, signIn: null })
          : ok({ report: CHECKED, signIn: STARTED }),
      'drift:target-sign-in-wait': () => ({
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: 'That sign-in with the target’s file has ended.',
          hint: 'Check the target’s file with the sign-in again.',
        },
      }),
    });
    const form = await fillTargetForm();
    fireEvent.click(within(form).getByRole('button', { name: 'Sign in with this file' }));
    const findings = await screen.findByRole('list', { name: 'Findings' });
    const signIn = within(findings)
      .getAllByRole('listitem')
      .find((item) => item.getAttribute('data-check') === 'sign-in');
    expect(signIn?.textContent).toContain('Failed: sign-in');
    expect(signIn?.textContent).toContain('Fix: Fix the findings above');
    expect(screen.queryByRole('link', { name: 'Open the sign-in page' })).toBeNull();

    fireEvent.click(within(form).getByRole('button', { name: 'Sign in with this file' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('That sign-in with the target’s file has ended.');
    expect(screen.queryByRole('list', { name: 'Findings' })).toBeNull();
  });

  it('cancels a sign-in waiting for the admin', async () => {
    const { fake } = await renderView({
      'drift:check': () => ok(CLEAN),
      'drift:target-sign-in-start': () => ok({ report: CHECKED, signIn: STARTED }),
      'drift:target-sign-in-wait': () => new Promise(() => undefined),
      'drift:target-sign-in-cancel': () => ok({}),
    });
    const form = await fillTargetForm();
    fireEvent.click(within(form).getByRole('button', { name: 'Sign in with this file' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel the sign-in' }));
    await vi.waitFor(() => {
      expect(fake.calls.at(-1)).toEqual({
        channel: 'drift:target-sign-in-cancel',
        request: { verificationId: 'v-1' },
      });
    });
    expect(screen.queryByRole('link', { name: 'Open the sign-in page' })).toBeNull();
    expect(within(form).getByRole('button', { name: 'Sign in with this file' })).toHaveProperty(
      'disabled',
      false,
    );
  });
});
