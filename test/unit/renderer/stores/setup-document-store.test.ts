import { describe, expect, it } from 'vitest';

import {
  createSetupDocumentStore,
  SETUP_DOCUMENT_STORAGE_KEY,
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
      /could not be read \(This setup document is format 9, newer than this console reads/,
    );
    expect(store.getState().document.formatVersion).toBe(1);
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
