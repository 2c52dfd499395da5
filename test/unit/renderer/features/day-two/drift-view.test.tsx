import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { DriftView } from '../../../../../renderer/features/day-two/drift-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createDriftStore } from '../../../../../renderer/stores/drift-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import {
  bridgeListing,
  CHECKED,
  CLEAN,
  DRIFTED,
  managedApp,
  NOT_SIGNED_IN,
  ok,
  SIGNED_IN,
  TARGET,
  TARGET_SIGN_IN,
} from '../../../../support/day-two-fixtures.ts';
import { deferred } from '../../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const APP = managedApp({ drift: true });

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
  const { fake, managedApps } = await bridgeListing(APP, answers);
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
      'drift:target-sign-in-start': () => ok({ report: CHECKED, signIn: TARGET_SIGN_IN }),
      'drift:target-sign-in-paste': () => ok({}),
      'drift:target-sign-in-wait': () => wait.promise,
    });
    const form = await fillTargetForm('ada@example.com');
    fireEvent.click(within(form).getByRole('button', { name: 'Sign in with this file' }));
    const link = await screen.findByRole('link', { name: 'Open the sign-in page' });
    expect(link.getAttribute('href')).toBe(TARGET_SIGN_IN.authorizeUrl);
    expect(screen.getByText(TARGET_SIGN_IN.strategy.explanation)).toBeTruthy();
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
    let starts = 0;
    await renderView({
      'drift:check': () => ok(CLEAN),
      'drift:target-sign-in-start': () =>
        (starts += 1) === 1
          ? ok({ report: NOT_SIGNED_IN, signIn: null })
          : ok({ report: CHECKED, signIn: TARGET_SIGN_IN }),
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
      'drift:target-sign-in-start': () => ok({ report: CHECKED, signIn: TARGET_SIGN_IN }),
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
