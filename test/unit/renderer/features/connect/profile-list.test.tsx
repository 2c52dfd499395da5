import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ProfileList } from '../../../../../renderer/features/connect/profile-list.tsx';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import type { ProfileSummary } from '../../../../../shared/profiles/profile.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const PROFILE: ProfileSummary = {
  id: 'p1',
  kind: 'okta',
  label: 'Acme',
  orgUrl: 'https://acme.okta.com',
  orgName: 'Acme',
  owner: { id: '00u1', login: 'admin@acme.com', displayName: 'Admin' },
  adminRoles: ['SUPER_ADMIN'],
  tokenHint: 'abcd',
  verifiedAt: '2026-12-07T10:00:00.000Z',
};

function renderList() {
  const fake = createFakeBridge({});
  const profiles = createProfilesStore(fake.api);
  profiles.setState({ status: 'ready', profiles: [PROFILE], activeProfileId: PROFILE.id });
  render(
    <StoreProvider profiles={profiles}>
      <ProfileList />
    </StoreProvider>,
  );
  return fake;
}

describe('ProfileList: removing an org', () => {
  it('asks with Cancel focused, so a stray Enter keeps the org, and Escape cancels', () => {
    const fake = renderList();
    const item = screen.getByRole('listitem', { name: /Acme/ });
    const remove = within(item).getByRole('button', { name: 'Remove…' });
    remove.focus();
    fireEvent.click(remove);

    const question = within(item).getByRole('group', { name: 'Confirm removing Acme' });
    const cancel = within(question).getByRole('button', { name: 'Cancel' });
    expect(document.activeElement).toBe(cancel);
    // Cancel comes first, the destructive answer after it.
    const buttons = within(question).getAllByRole('button');
    expect(buttons.map((button) => button.textContent)).toEqual(['Cancel', 'Remove Acme']);

    act(() => {
      fireEvent.keyDown(cancel, { key: 'Escape' });
    });
    expect(within(item).queryByRole('group', { name: 'Confirm removing Acme' })).toBeNull();
    // The keyboard is back where the admin started, not on the page body.
    expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Remove…' }));
    expect(fake.calls.filter((call) => call.channel === 'profiles:remove')).toEqual([]);
  });
});
