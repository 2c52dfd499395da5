import { describe, expect, it } from 'vitest';

import { createDirectoryStore } from '../../../../renderer/stores/directory-store.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const wait = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** A group search whose answers the test releases one by one, by query, in any order. */
function scriptedGroupSearch() {
  const pending = new Map<string, () => void>();
  const fake = createFakeBridge({
    'directory:search-groups': (request) => {
      const { query } = request as { query: string };
      return new Promise((resolve) => {
        pending.set(query, () => {
          resolve({
            ok: true,
            data: { matches: [{ id: `g-${query}`, name: query, description: '' }], more: false },
          });
        });
      });
    },
  });
  return {
    fake,
    sent: () => fake.calls.map((call) => (call.request as { query: string }).query),
    release(query: string) {
      const answer = pending.get(query);
      if (answer === undefined) {
        throw new Error(`No search for "${query}" was sent.`);
      }
      answer();
    },
  };
}

describe('createDirectoryStore', () => {
  it('merges a burst of keystrokes: its first query at once, its last once input is quiet', async () => {
    const fake = createFakeBridge({
      'directory:search-users': (request) => ({
        ok: true,
        data: {
          matches: [
            {
              id: '00u1',
              login: `${(request as { query: string }).query}@example.com`,
              displayName: 'Ada',
              status: 'ACTIVE',
            },
          ],
          more: false,
        },
      }),
    });
    const store = createDirectoryStore(fake.api, { debounceMs: 10 });
    for (const query of ['a', 'ad', 'adal', 'ada']) {
      store.getState().searchUsers(query);
    }
    expect(store.getState().users.status).toBe('searching');
    expect(fake.calls).toEqual([{ channel: 'directory:search-users', request: { query: 'a' } }]);
    await wait(40);
    expect(fake.calls).toEqual([
      { channel: 'directory:search-users', request: { query: 'a' } },
      { channel: 'directory:search-users', request: { query: 'ada' } },
    ]);
    expect(store.getState().users).toMatchObject({
      status: 'done',
      query: 'ada',
      more: false,
      matches: [{ login: 'ada@example.com' }],
    });
  });

  it('sends a keystroke that follows a pause at once, with no wait', async () => {
    const fake = createFakeBridge({
      'directory:search-users': () => ({ ok: true, data: { matches: [], more: false } }),
    });
    const store = createDirectoryStore(fake.api, { debounceMs: 10 });
    for (const query of ['a', 'ad', 'ada']) {
      store.getState().searchUsers(query);
      // Sent before any timer could run: nothing waits for a debounce.
      expect(fake.calls.at(-1)).toEqual({
        channel: 'directory:search-users',
        request: { query },
      });
      await wait(25);
    }
    expect(fake.calls).toHaveLength(3);
    expect(store.getState().users).toMatchObject({ status: 'done', query: 'ada' });
  });

  it('never shows an older search’s answer once a newer keystroke was made', async () => {
    const answers = scriptedGroupSearch();
    const store = createDirectoryStore(answers.fake.api, { debounceMs: 0 });
    store.getState().searchGroups('Eng');
    await wait(5);
    store.getState().searchGroups('Engineering');
    await wait(5);
    // "Eng" answers after "Engineering" was typed: it is stale, so the box keeps searching.
    answers.release('Eng');
    await wait(5);
    expect(store.getState().groups).toMatchObject({ status: 'searching', query: 'Engineering' });
    expect(store.getState().groups.matches).toEqual([]);
    answers.release('Engineering');
    await wait(5);
    expect(store.getState().groups).toMatchObject({ status: 'done', query: 'Engineering' });
    expect(store.getState().groups.matches.map((group) => group.name)).toEqual(['Engineering']);
  });

  it('keeps only the newest search’s answer when answers arrive out of order', async () => {
    const answers = scriptedGroupSearch();
    const store = createDirectoryStore(answers.fake.api, { debounceMs: 0 });
    store.getState().searchGroups('Eng');
    await wait(5);
    store.getState().searchGroups('Engineering');
    await wait(5);
    answers.release('Engineering');
    await wait(5);
    answers.release('Eng');
    await wait(5);
    expect(store.getState().groups.matches.map((group) => group.name)).toEqual(['Engineering']);
  });

  it('shows a failed search as an error with main’s explanation', async () => {
    const fake = createFakeBridge({
      'setup:list-apps': () => ({
        ok: false,
        error: { code: 'NO_ORG_CONNECTED', message: 'No org', hint: 'Connect one' },
      }),
    });
    const store = createDirectoryStore(fake.api, { debounceMs: 0 });
    store.getState().searchApps('Kes');
    await wait(10);
    expect(store.getState().apps).toMatchObject({
      status: 'error',
      error: { code: 'NO_ORG_CONNECTED' },
    });
  });
});
