import { AppError } from '../../../shared/errors.ts';
import type { KeychainStatus } from '../../../shared/ipc/contract.ts';
import { keychainHelp, keychainNameOf } from './keytar-secret-store.ts';
import type { SecretStore } from './secret-store.ts';
import { SessionMemorySecretStore } from './session-memory-secret-store.ts';

/** The console's secret store, with where it keeps secrets said and chosen by the admin. */
export interface KeychainChoice extends SecretStore {
  /** Checks the keychain now and says where secrets go; see {@link KeychainStatus}. */
  status(): Promise<KeychainStatus>;
  /**
   * From now until the console quits, secrets go to this session's memory — only while the
   * keychain cannot keep one; a keychain that works now stays the store, and the status says so.
   */
  keepInSessionMemory(): Promise<KeychainStatus>;
}

/**
 * The OS keychain, until the admin, with no keychain reachable, chooses this session's memory.
 *
 * @remarks
 * - **Never silent.** Every secret goes to `keychain` (and each of its failures reaches the
 *   caller, which refuses before writing what it could not keep) until
 *   {@link KeychainChoice.keepInSessionMemory} is called, which the console does only on the
 *   admin's request, after the window stated what it costs. The choice is for this process only:
 *   the next start asks the keychain again.
 * - **One store at a time.** After the choice every read, write and check goes to memory: a
 *   keychain that cannot be reached holds nothing this session can read, and a secret must not
 *   be kept in one place and looked for in another. Secrets an earlier run kept in the keychain
 *   are read again once the console starts with the keychain reachable.
 * - `info()` names the store in use, so `app:get-info` says where secrets are.
 */
export function createKeychainChoice(
  keychain: SecretStore,
  platform: NodeJS.Platform = process.platform,
): KeychainChoice {
  let memory: SessionMemorySecretStore | undefined;
  const current = (): SecretStore => memory ?? keychain;

  async function status(): Promise<KeychainStatus> {
    let problem: string | null = null;
    try {
      await keychain.checkAvailable();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    return {
      store: memory === undefined ? 'keychain' : 'session-memory',
      keychainName: keychainNameOf(platform),
      isReachable: problem === null,
      problem,
      help: keychainHelp(platform),
      secretsInMemory: memory?.size ?? 0,
    };
  }

  return {
    status,
    async keepInSessionMemory() {
      const now = await status();
      if (now.isReachable || memory !== undefined) {
        return now;
      }
      memory = new SessionMemorySecretStore();
      return { ...now, store: 'session-memory' };
    },
    checkAvailable: () => current().checkAvailable(),
    get: (account) => current().get(account),
    set: (account, secret) => current().set(account, secret),
    delete: (account) => current().delete(account),
    listAccounts: () => current().listAccounts(),
    info: () => current().info(),
  };
}

/**
 * Checks that `store` keeps a secret now, before something that makes one is written; when it
 * cannot, the store's own error, with `notDone` (what was not started) and the way on added.
 *
 * @remarks
 * For the writes outside an apply that make a secret (the login preview's throwaway user and
 * its password): the check comes first, so a refusal can truly say that nothing was made.
 */
export async function checkBeforeMaking(
  store: Pick<SecretStore, 'checkAvailable'>,
  notDone: string,
): Promise<void> {
  try {
    await store.checkAvailable();
  } catch (error) {
    if (!(error instanceof AppError)) {
      throw error;
    }
    throw new AppError(
      {
        code: error.code,
        message: `${error.message} ${notDone}`,
        hint: `${error.hint} Then try again. Or keep secrets in this session’s memory only, from the keychain notice at the top of the console window (they are lost when the console quits).`,
      },
      { cause: error },
    );
  }
}
