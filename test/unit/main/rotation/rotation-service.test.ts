import { describe, expect, it } from 'vitest';

import {
  clientSecretAccount,
  pendingClientSecretAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { isShownAs } from '../../../../main/rotation/rotation.ts';
import { newSecretFirst } from '../../../../main/rotation/rotation-service.ts';
import { maskedSecret } from '../../../../main/sandbox/routes/app-secrets.ts';
import { InMemorySecretStore } from '../../../support/in-memory-secret-store.ts';

const ORG = 'https://example.okta.com';
const SECRET = 'Zq3v7Xr1pL0aWm8sT2yB6nK4cD9fH5jG1eR7uI0oP3lA8sD2fG6hJ4kL';

describe('isShownAs', () => {
  it('matches Okta’s masked rendering to the secret it masks, and nothing else', () => {
    const shown = maskedSecret(SECRET);
    expect(shown).toContain('......');
    expect(isShownAs(shown, SECRET)).toBe(true);
    expect(isShownAs(shown, `x${SECRET.slice(1)}`)).toBe(false);
    expect(isShownAs(shown, `${SECRET.slice(0, -1)}x`)).toBe(false);
    expect(isShownAs(SECRET, SECRET)).toBe(true);
    expect(isShownAs(undefined, SECRET)).toBe(false);
    expect(isShownAs('......', SECRET)).toBe(false);
  });
});

describe('newSecretFirst', () => {
  it('answers the pending secret where the app’s secret is looked up, while one is pending', async () => {
    const store = new InMemorySecretStore();
    await store.set(clientSecretAccount(ORG, '0oa1'), 'old-secret');
    const view = newSecretFirst(store);
    expect(await view.get(clientSecretAccount(ORG, '0oa1'))).toBe('old-secret');
    await store.set(pendingClientSecretAccount(ORG, '0oa1'), 'new-secret');
    expect(await view.get(clientSecretAccount(ORG, '0oa1'))).toBe('new-secret');
    // Other apps and other kinds of account are read as they are.
    expect(await view.get(clientSecretAccount(ORG, '0oa2'))).toBeNull();
    await store.set('test-user:x', 'password');
    expect(await view.get('test-user:x')).toBe('password');
  });
});
