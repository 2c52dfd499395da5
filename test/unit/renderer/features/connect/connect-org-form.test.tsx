import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ConnectOrgForm } from '../../../../../renderer/features/connect/connect-org-form.tsx';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

function renderForm(answers: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge(answers);
  render(
    <StoreProvider profiles={createProfilesStore(fake.api)}>
      <ConnectOrgForm />
    </StoreProvider>,
  );
  return fake;
}

describe('ConnectOrgForm', () => {
  it('explains a malformed org URL next to the field and sends nothing', async () => {
    const fake = renderForm({});
    fireEvent.change(screen.getByLabelText('Org URL'), {
      target: { value: 'https://acme-admin.okta.com' },
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Verify and connect' }));
      await Promise.resolve();
    });
    const field = screen.getByLabelText('Org URL');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const description = document.getElementById(field.getAttribute('aria-describedby') ?? '');
    expect(description?.textContent).toContain('https://acme.okta.com');
    expect(document.activeElement).toBe(field);
    expect(fake.calls).toEqual([]);
  });

  it('shows a token error from main next to the token field and clears the token', async () => {
    renderForm({
      'profiles:add': () => ({
        ok: false,
        error: {
          code: 'TOKEN_INVALID',
          message: 'Okta refused the API token',
          hint: 'Create a new one',
          field: 'apiToken',
        },
      }),
    });
    fireEvent.change(screen.getByLabelText('Org URL'), {
      target: { value: 'https://acme.okta.com' },
    });
    fireEvent.change(screen.getByLabelText('API token'), { target: { value: 'wrong' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Verify and connect' }));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const token = screen.getByLabelText<HTMLInputElement>('API token');
    expect(token.value).toBe('');
    expect(token.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toContain('Okta refused the API token');
    expect(document.activeElement).toBe(token);
  });

  it('says where a token comes from in place, and the rest on request', () => {
    renderForm({});
    const token = screen.getByLabelText('API token');
    const description = () =>
      (token.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ');
    expect(description()).toBe('Create one in the Admin Console under Security › API › Tokens.');
    const about = screen.getByRole('button', { name: 'About API token' });
    expect(about.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(about);
    expect(about.getAttribute('aria-expanded')).toBe('true');
    expect(description()).toBe(
      'Create one in the Admin Console under Security › API › Tokens. A token acts with the permissions of the admin who created it. It is checked against the org, then kept in your OS keychain, never in a file.',
    );
  });
});
