import { randomUUID } from 'node:crypto';

import type { OktaClient } from '../../main/okta/okta-client.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../main/platform/secrets/keytar-secret-store.ts';
import {
  type ApplyJournal,
  type ApplyResult,
  applySetup,
  type JournalEntry,
} from '../../main/setup/apply.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';

/** A journal in memory, with its entries to look at. */
export function memoryJournal(): ApplyJournal & { entries: JournalEntry[] } {
  const entries: JournalEntry[] = [];
  return {
    entries,
    append: (entry) => Promise.resolve(void entries.push(entry)),
    read: () => Promise.resolve([...entries]),
  };
}

/**
 * The real keychain under a service name of the test's own, so tests never meet each other's
 * secrets (nor a developer's): what the apply engine's secrets go to in integration tests.
 */
export function testKeychain(): KeytarSecretStore {
  return new KeytarSecretStore({ service: `sso-setup-console-test-${randomUUID()}` });
}

/**
 * Applies a setup with the product's engine, its secrets kept in the real keychain and read
 * back from there — for tests that go on to use them (a sign-in, an export).
 */
export async function applyAndKeep(
  options: Omit<Parameters<typeof applySetup>[0], 'journal' | 'secrets'> & {
    client: OktaClient;
    orgUrl: string;
    document: SetupDocument;
    journal?: ApplyJournal;
    keychain?: KeytarSecretStore;
  },
): Promise<
  ApplyResult & { clientSecret: string | undefined; testUserPassword: string | undefined }
> {
  const keychain = options.keychain ?? testKeychain();
  const { orgUrl, document } = options;
  const result = await applySetup({
    ...options,
    journal: options.journal ?? memoryJournal(),
    secrets: {
      check: () => keychain.checkAvailable(),
      keep: (secret) =>
        keychain.set(
          secret.kind === 'client-secret'
            ? clientSecretAccount(orgUrl, secret.clientId)
            : testUserPasswordAccount(orgUrl, secret.login),
          secret.value,
        ),
    },
  });
  const testUser = document.assignments.testUser;
  return {
    ...result,
    clientSecret: (await keychain.get(clientSecretAccount(orgUrl, result.clientId))) ?? undefined,
    testUserPassword:
      testUser === undefined
        ? undefined
        : ((await keychain.get(testUserPasswordAccount(orgUrl, testUser.email))) ?? undefined),
  };
}
