import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { VIRTUALIZE_FROM } from '../../../../../renderer/components/virtual-list.tsx';
import { PeopleStep } from '../../../../../renderer/features/setup/people-step.tsx';
import { createDirectoryStore } from '../../../../../renderer/stores/directory-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../../renderer/stores/wizard-store.ts';
import { createSetupDocument } from '../../../../../shared/setup/presets.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/**
 * jsdom lays nothing out, so every box is 0 pixels tall; the virtualized list is given the
 * sizes a browser would: a 256-pixel scrolling box and 34-pixel rows.
 */
function layOutVirtualLists() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('virtual-list') ? 256 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('virtual-list__row') ? 34 : 0;
  });
}

/** Lets pending answers, timers and the renders they cause settle. */
async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
}

/**
 * The people step with a group search whose answers the test releases by query, and a document
 * naming `userCount` users.
 */
function renderPeopleStep(options: { userCount?: number } = {}) {
  const pending = new Map<string, () => void>();
  const fake = createFakeBridge({
    'setup:assignments': () => ({
      ok: true,
      data: { appId: null, users: [], groups: [], more: false },
    }),
    'directory:search-groups': (request) => {
      const { query } = request as { query: string };
      return new Promise((resolve) => {
        pending.set(query, () => {
          resolve({
            ok: true,
            data: {
              matches: [{ id: `g-${query}`, name: `${query} team`, description: '' }],
              more: false,
            },
          });
        });
      });
    },
  });
  const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });
  document.assignments.users = Array.from({ length: options.userCount ?? 0 }, (_, index) => ({
    login: `user${String(index)}@example.com`,
  }));
  const setupDocument = createSetupDocumentStore({
    storage: { getItem: () => null, setItem: () => undefined },
    newId: () => 'setup-1',
  });
  setupDocument.getState().replace(document);
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      setupDocument={setupDocument}
      wizard={createWizardStore('people')}
      directory={createDirectoryStore(fake.api, { debounceMs: 0 })}
    >
      <PeopleStep />
    </StoreProvider>,
  );
  return {
    async answer(query: string) {
      const release = pending.get(query);
      if (release === undefined) {
        throw new Error(`No group search for "${query}" was sent.`);
      }
      release();
      await settle();
    },
  };
}

describe('PeopleStep', () => {
  it('never lets an older search’s late answer replace what the admin typed since', async () => {
    const search = renderPeopleStep();
    const box = screen.getByLabelText('Search groups');
    fireEvent.change(box, { target: { value: 'Eng' } });
    await settle();
    fireEvent.change(box, { target: { value: 'Engineering' } });
    await settle();

    // "Eng" answers late, after "Engineering" was typed: nothing of it reaches the screen.
    await search.answer('Eng');
    expect(screen.queryByRole('button', { name: 'Assign Eng team' })).toBeNull();
    expect(screen.queryByRole('list', { name: 'Matching groups' })).toBeNull();
    expect(screen.getByText('Searching…')).toBeTruthy();

    await search.answer('Engineering');
    const matches = screen.getByRole('list', { name: 'Matching groups' });
    expect(within(matches).getByRole('button', { name: 'Assign Engineering team' })).toBeTruthy();
    expect(screen.getByText('1 group found.')).toBeTruthy();
  });

  it('renders a short list whole', async () => {
    renderPeopleStep({ userCount: 3 });
    await settle();
    const list = screen.getByRole('list', { name: 'Users to assign' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(within(list).getByRole('button', { name: 'Remove user2@example.com' })).toBeTruthy();
  });

  it('virtualizes 10,000 users to assign, each row saying where it stands in the whole', async () => {
    layOutVirtualLists();
    renderPeopleStep({ userCount: 10_000 });
    await settle();
    const list = screen.getByRole('list', { name: 'Users to assign' });
    const rows = within(list).getAllByRole('listitem');
    // Only the rows in view and a few beyond are in the DOM, not 10,000.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(VIRTUALIZE_FROM);
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('10000');
    expect(rows.map((row) => row.getAttribute('aria-posinset'))).toEqual(
      rows.map((_, index) => String(index + 1)),
    );
    expect(within(list).getByRole('button', { name: 'Remove user0@example.com' })).toBeTruthy();
    // The scrolling box is reachable by keyboard and says how long the list is.
    const box = screen.getByRole('group', { name: 'Users to assign, 10,000 in all' });
    expect(box.tabIndex).toBe(0);
    expect(box.contains(list)).toBe(true);
  });

  it('keeps the row with the keyboard focus while the list scrolls far from it', async () => {
    layOutVirtualLists();
    renderPeopleStep({ userCount: 10_000 });
    await settle();
    const list = screen.getByRole('list', { name: 'Users to assign' });
    const remove = within(list).getByRole('button', { name: 'Remove user1@example.com' });
    act(() => {
      remove.focus();
    });
    const box = screen.getByRole('group', { name: 'Users to assign, 10,000 in all' });
    vi.spyOn(box, 'scrollTop', 'get').mockReturnValue(200_000);
    await act(async () => {
      box.dispatchEvent(new Event('scroll'));
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    // The view is thousands of rows further on, and the focused row is still there, focused.
    expect(within(list).queryByRole('button', { name: 'Remove user2@example.com' })).toBeNull();
    expect(document.activeElement).toBe(remove);
    expect(remove.isConnected).toBe(true);
  });

  it('hands the keyboard to the next row when a row is removed, then to "None yet."', async () => {
    renderPeopleStep({ userCount: 2 });
    await settle();
    const first = screen.getByRole('button', { name: 'Remove user0@example.com' });
    act(() => {
      first.focus();
    });
    fireEvent.click(first);
    await settle();
    const second = screen.getByRole('button', { name: 'Remove user1@example.com' });
    expect(document.activeElement).toBe(second);
    fireEvent.click(second);
    await settle();
    expect(document.activeElement?.textContent).toBe('None yet.');
  });
});
