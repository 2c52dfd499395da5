import { describe, expect, it } from 'vitest';

import {
  createSetupDocumentStore,
  SETUP_DOCUMENT_STORAGE_KEY,
  UNRESTORED_DOCUMENT_STORAGE_KEY,
} from '../../../../renderer/stores/setup-document-store.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      items.set(key, value);
    },
  };
}

let counter = 0;
const newId = () => `setup-${String((counter += 1))}`;

describe('createSetupDocumentStore', () => {
  it('starts from the Kestra preset and keeps every change in storage', () => {
    const storage = memoryStorage();
    const store = createSetupDocumentStore({ storage, newId });
    expect(store.getState().document.target.preset).toBe('kestra');
    store.getState().update((draft) => {
      draft.app.label = 'Kestra (prod)';
    });
    const kept = JSON.parse(storage.items.get(SETUP_DOCUMENT_STORAGE_KEY) ?? '{}') as {
      app: { label: string };
    };
    expect(kept.app.label).toBe('Kestra (prod)');

    // A second run restores it.
    const again = createSetupDocumentStore({ storage, newId });
    expect(again.getState().document.app.label).toBe('Kestra (prod)');
    expect(again.getState().restoreProblem).toBeNull();
  });

  it('says why a kept document could not be restored instead of dropping it silently', () => {
    const storage = memoryStorage({
      [SETUP_DOCUMENT_STORAGE_KEY]: JSON.stringify({ formatVersion: 9 }),
    });
    const store = createSetupDocumentStore({ storage, newId });
    expect(store.getState().restoreProblem).toMatch(
      /could not be restored \(This setup document is format 9, newer than this console reads/,
    );
    expect(store.getState().document.formatVersion).toBe(1);
    // The old one is set aside as it was, not overwritten by the fresh one.
    expect(storage.items.get(UNRESTORED_DOCUMENT_STORAGE_KEY)).toBe('{"formatVersion":9}');
    store.getState().update((draft) => {
      draft.app.label = 'Fresh';
    });
    expect(storage.items.get(UNRESTORED_DOCUMENT_STORAGE_KEY)).toBe('{"formatVersion":9}');
    store.getState().dismissRestoreProblem();
    expect(store.getState().restoreProblem).toBeNull();
  });

  it('restores a half-filled setup as it was kept, blanks and unfinished addresses included', () => {
    const storage = memoryStorage();
    const store = createSetupDocumentStore({ storage, newId });
    store.getState().setTarget({ baseUrl: 'localhost:8080/' });
    store.getState().update((draft) => {
      draft.app.label = '';
      draft.app.grantTypes = [];
      draft.assignments.testUser = { firstName: 'Ada', lastName: '', email: 'ada@' };
    });

    // The reload.
    const again = createSetupDocumentStore({ storage, newId });
    expect(again.getState().restoreProblem).toBeNull();
    expect(again.getState().document).toEqual(store.getState().document);
    expect(again.getState().document.target.baseUrl).toBe('localhost:8080/');
  });

  it('does not take a kept value of the wrong shape for a draft', () => {
    const storage = memoryStorage();
    const store = createSetupDocumentStore({ storage, newId });
    const kept = { ...store.getState().document, target: { preset: 'nope', baseUrl: 1 } };
    storage.items.set(SETUP_DOCUMENT_STORAGE_KEY, JSON.stringify(kept));
    const again = createSetupDocumentStore({ storage, newId });
    expect(again.getState().restoreProblem).toMatch(/could not be restored/);
    expect(again.getState().document.target.preset).toBe('kestra');
  });

  it('moves derived URIs with the base URL and client key, but leaves hand-edited ones alone', () => {
    const store = createSetupDocumentStore({ storage: memoryStorage(), newId });
    store.getState().startFromPreset('kestra');
    store.getState().update((draft) => {
      draft.app.redirectUris.push('https://kestra.example.com/oauth/callback/okta');
    });
    store.getState().setTarget({ baseUrl: 'http://127.0.0.1:9000/' });
    store.getState().setTarget({ clientKey: 'corp' });
    const { app, target } = store.getState().document;
    expect(target).toMatchObject({ baseUrl: 'http://127.0.0.1:9000/', clientKey: 'corp' });
    expect(app.redirectUris).toEqual([
      'http://127.0.0.1:9000/oauth/callback/corp',
      'https://kestra.example.com/oauth/callback/okta',
    ]);
    expect(app.postLogoutRedirectUris).toEqual(['http://127.0.0.1:9000/logout']);
  });

  it('moves a single-page app’s trusted origin with its base URL', () => {
    const store = createSetupDocumentStore({ storage: memoryStorage(), newId });
    store.getState().startFromPreset('spa');
    store.getState().setTarget({ baseUrl: 'https://app.example.com' });
    expect(store.getState().document.trustedOrigins).toEqual([
      {
        name: 'Single-page app (https://app.example.com)',
        origin: 'https://app.example.com',
        scopes: ['CORS', 'REDIRECT'],
      },
    ]);
  });

  it('gives every new setup its own id, so two setups never share the console’s mark', () => {
    const store = createSetupDocumentStore({ storage: memoryStorage(), newId });
    const first = store.getState().document.id;
    store.getState().startFromPreset('kaimu');
    expect(store.getState().document.id).not.toBe(first);
  });
});
