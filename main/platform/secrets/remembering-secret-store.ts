import { privateKeySecrets, type Redactor } from '../logging/redact.ts';
import type { SecretStore } from './secret-store.ts';

/**
 * `store`, telling `redactor` every secret that passes through it.
 *
 * @remarks
 * Whatever the console keeps or reads back — an API token, a client secret, a test user's
 * password, a service app's private key and each secret member of it — is from then on a known secret to the process's one redactor, so a log line or an
 * error message that happens to carry it (an SDK error echoing a request, a pasted config file)
 * shows `[redacted]` instead. Remembering on `set` covers secrets the console creates before any
 * read; remembering on `get` covers those kept by an earlier run or by the command line.
 */
export function rememberingSecretStore(store: SecretStore, redactor: Redactor): SecretStore {
  return {
    checkAvailable: () => store.checkAvailable(),
    async get(account) {
      const secret = await store.get(account);
      if (secret !== null) {
        privateKeySecrets(secret).forEach((part) => {
          redactor.remember(part);
        });
      }
      return secret;
    },
    async set(account, secret) {
      privateKeySecrets(secret).forEach((part) => {
        redactor.remember(part);
      });
      await store.set(account, secret);
    },
    delete: (account) => store.delete(account),
    listAccounts: () => store.listAccounts(),
    info: () => store.info(),
  };
}
