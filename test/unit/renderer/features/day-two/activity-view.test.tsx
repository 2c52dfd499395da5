import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ActivityView } from '../../../../../renderer/features/day-two/activity-view.tsx';
import { createActivityStore } from '../../../../../renderer/stores/activity-store.ts';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createManagedAppsStore } from '../../../../../renderer/stores/managed-apps-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import type { ActivityEntry } from '../../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const NOW = new Date('2026-12-07T12:00:00.000Z');
const APP = { id: '0oa1', label: 'Kestra', clientId: '0oa1client' };

const NOT_ASSIGNED: ActivityEntry = {
  uuid: 'u1',
  published: '2026-12-07T11:00:00.000Z',
  eventType: 'app.oauth2.authorize',
  login: 'grace@example.com',
  displayName: 'Grace Hopper',
  outcome: 'FAILURE',
  reason: 'access_denied',
  diagnosis: {
    code: 'USER_NOT_ASSIGNED',
    oktaText: 'User is not assigned to the client application.',
    cause: 'grace@example.com is not assigned to the app.',
    fix: 'Assign grace@example.com to the app.',
  },
};

function success(index: number): ActivityEntry {
  return {
    uuid: `s${String(index)}`,
    published: new Date(NOW.getTime() - 3_600_000 - index * 1000).toISOString(),
    eventType: 'user.authentication.sso',
    login: `user${String(index)}@example.com`,
    displayName: null,
    outcome: 'SUCCESS',
    reason: null,
    diagnosis: null,
  };
}

/** jsdom lays nothing out: the scrolling box is given 400 pixels and each row 40. */
function layOut() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('virtual-list') ? 400 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('virtual-list__row') ? 40 : 0;
  });
}

function renderView(entries: ActivityEntry[]) {
  const fake = createFakeBridge({
    'activity:list': () => ({ ok: true, data: { app: APP, entries, cursor: 'more' } }),
    'activity:page': () => ({ ok: true, data: { entries: [success(999_999)], cursor: null } }),
  });
  const activity = createActivityStore(fake.api, {
    now: () => NOW,
    schedule: () => () => undefined,
  });
  const consoleView = createConsoleViewStore({ kind: 'activity', appId: '0oa1' });
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      consoleView={consoleView}
      managedApps={createManagedAppsStore(fake.api)}
      activity={activity}
    >
      <ActivityView appId="0oa1" />
    </StoreProvider>,
  );
  return { fake, activity, consoleView };
}

describe('ActivityView', () => {
  it('explains each failure with its diagnosis code, Okta’s words, the cause and the fix', async () => {
    renderView([NOT_ASSIGNED, success(1)]);
    const list = await screen.findByRole('list', { name: 'Sign-ins and failures' });
    const [failure, signedIn] = within(list).getAllByRole('listitem');
    expect(failure?.textContent).toContain('USER_NOT_ASSIGNED');
    expect(failure?.textContent).toContain('(Okta: access_denied)');
    expect(failure?.textContent).toContain(
      'Okta said: “User is not assigned to the client application.”',
    );
    expect(failure?.textContent).toContain('grace@example.com is not assigned to the app.');
    expect(failure?.textContent).toContain('Fix: Assign grace@example.com to the app.');
    expect(signedIn?.textContent).toContain('Signed in');
    expect(signedIn?.textContent).not.toContain('Fix:');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign-in activity: Kestra');
    expect(screen.getByText(/2 shown: 1 sign-ins, 1 failures/)).toBeTruthy();
  });

  it('renders only the rows in view of 50,000 entries', async () => {
    layOut();
    const many = [NOT_ASSIGNED, ...Array.from({ length: 49_999 }, (_, index) => success(index))];
    renderView(many);
    const box = await screen.findByRole('group', { name: 'Sign-ins and failures, 50,000 in all' });
    const rows = within(box).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('50000');
  });

  it('applies the filters on submit and reads older pages on request', async () => {
    const { fake } = renderView([NOT_ASSIGNED]);
    await screen.findByRole('list', { name: 'Sign-ins and failures' });
    const form = screen.getByRole('form', { name: 'Filter sign-ins' });
    fireEvent.change(within(form).getByLabelText('User (part of the login)'), {
      target: { value: 'grace' },
    });
    fireEvent.change(within(form).getByLabelText('Outcome'), { target: { value: 'FAILURE' } });
    fireEvent.change(within(form).getByLabelText('Since'), { target: { value: '1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => {
      expect(fake.calls.filter((call) => call.channel === 'activity:list')).toHaveLength(2);
    });
    expect(fake.calls.at(-1)?.request).toEqual({
      appId: '0oa1',
      user: 'grace',
      outcome: 'FAILURE',
      since: '2026-12-07T11:00:00.000Z',
      limit: 200,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Load older sign-ins' }));
    await waitFor(() => {
      expect(screen.getByText(/2 shown/)).toBeTruthy();
    });
    expect(screen.queryByRole('button', { name: 'Load older sign-ins' })).toBeNull();
  });

  it('says in place why the activity could not be read', async () => {
    const fake = createFakeBridge({
      'activity:list': () => ({
        ok: false,
        error: {
          code: 'PERMISSION_DENIED',
          message: 'The token may not read the System Log.',
          hint: 'Use a token of an admin who may.',
        },
      }),
    });
    render(
      <StoreProvider
        profiles={createProfilesStore(fake.api)}
        consoleView={createConsoleViewStore()}
        managedApps={createManagedAppsStore(fake.api)}
        activity={createActivityStore(fake.api, { schedule: () => () => undefined })}
      >
        <ActivityView appId="0oa1" />
      </StoreProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The token may not read the System Log.',
    );
  });

  it('stops following when the view closes', async () => {
    const cancel = vi.fn();
    const fake = createFakeBridge({
      'activity:list': () => ({ ok: true, data: { app: APP, entries: [], cursor: null } }),
    });
    const { unmount } = render(
      <StoreProvider
        profiles={createProfilesStore(fake.api)}
        consoleView={createConsoleViewStore()}
        managedApps={createManagedAppsStore(fake.api)}
        activity={createActivityStore(fake.api, { schedule: () => cancel })}
      >
        <ActivityView appId="0oa1" />
      </StoreProvider>,
    );
    expect(
      await screen.findByText('No sign-ins match the filters in this window yet.'),
    ).toBeTruthy();
    unmount();
    expect(cancel).toHaveBeenCalled();
  });
});
