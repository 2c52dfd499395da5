import { randomUUID } from 'node:crypto';

import { AppError } from '../../../shared/errors.ts';
import { KEYCHAIN_SERVICE, type SecretStore, type SecretStoreInfo } from './secret-store.ts';

/** The slice of keytar's API the adapter uses; injectable so tests can run the edge cases. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

/**
 * Windows Credential Manager's limit on one secret: `CRED_MAX_CREDENTIAL_BLOB_SIZE` = 5 × 512 bytes.
 *
 * @remarks
 * Over it, Windows fails with the opaque "The stub received bad data" (node-keytar#112), so the
 * adapter refuses first, with a clear error (security.md §2).
 */
export const WINDOWS_SECRET_LIMIT_BYTES = 2560;

/**
 * The prefix of the throwaway entries {@link KeytarSecretStore.checkAvailable} writes and removes:
 * each check names its own, so two consoles (or the console and the command line) checking at
 * once never read or delete each other's probe.
 */
const AVAILABILITY_CHECK_PREFIX = '__availability-check__';

const KEYCHAIN_NAMES: Record<string, string> = {
  darwin: 'macOS Keychain',
  win32: 'Windows Credential Manager',
  linux: 'Secret Service',
};

/** The name of the OS keychain the console uses on `platform`, as the admin knows it. */
export function keychainNameOf(platform: NodeJS.Platform): string {
  return KEYCHAIN_NAMES[platform] ?? 'OS keychain';
}

/**
 * The one command that runs the console on a headless Linux machine with a Secret Service: its
 * own D-Bus session, a gnome-keyring unlocked with a password typed once, and browser mode.
 *
 * @remarks
 * The password is read without echo and piped, never passed as an argument (it would show in
 * `ps`). gnome-keyring keeps the keyring encrypted with it under `~/.local/share/keyrings`, so
 * the secrets outlive the session and the next run unlocks them with the same password; an
 * empty password would keep that file unencrypted.
 */
export const HEADLESS_LINUX_COMMAND =
  'dbus-run-session -- bash -c \'read -rsp "Keyring password? " pw; echo; printf %s "$pw" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; unset pw; npm start -- --browser\'';

/**
 * How to get a keychain the console can use on `platform`: what to install, start or unlock.
 *
 * @remarks
 * One text for every place that says it (an error's hint, the console's notice at start), so
 * they cannot disagree. The Linux trouble is the usual one: no `org.freedesktop.secrets`
 * provider, no D-Bus session (headless, SSH, containers), or a locked collection whose unlock
 * prompt cannot show without a display.
 */
export function keychainHelp(platform: NodeJS.Platform): { text: string; command: string | null } {
  switch (platform) {
    case 'linux':
      return {
        text: 'Start a Secret Service in your D-Bus session: gnome-keyring (on Debian or Ubuntu, `sudo apt install gnome-keyring`), or KWallet or KeePassXC with Secret Service enabled; signing in to a desktop session usually starts and unlocks it. On a headless machine, start the console inside its own D-Bus session with an unlocked keyring:',
        command: HEADLESS_LINUX_COMMAND,
      };
    case 'darwin':
      return {
        text: 'The console uses your login keychain in the macOS Keychain: unlock it in Keychain Access, and allow SSO Setup Console to use it when macOS asks.',
        command: null,
      };
    case 'win32':
      return {
        text: 'The console uses Windows Credential Manager: sign in to Windows with an account that has it (some service and restricted accounts do not), and check that the Credential Manager service is running.',
        command: null,
      };
    default:
      return {
        text: 'The console uses the OS keychain through keytar (macOS Keychain, Windows Credential Manager or a Secret Service); start the one this system has.',
        command: null,
      };
  }
}

/** {@link keychainHelp} as one line, for an error's hint or the command line. */
export function keychainHint(platform: NodeJS.Platform): string {
  const help = keychainHelp(platform);
  return help.command === null ? help.text : `${help.text} \`${help.command}\``;
}

/**
 * Turns a keytar failure into an error that says what to install or start.
 *
 * @remarks
 * keytar's messages come from libsecret, the macOS Security framework or Win32; the Linux ones
 * (no `org.freedesktop.secrets` provider, no D-Bus session, a locked or dismissed prompt) are the
 * usual trouble on headless and minimal desktops. The message says only what happened: the
 * caller knows whether anything was kept, written or changed before, and says so itself.
 */
export function toKeychainError(error: unknown, platform: NodeJS.Platform): AppError {
  const detail = error instanceof Error ? error.message : String(error);
  return new AppError(
    {
      code: 'KEYCHAIN_UNAVAILABLE',
      message: `The ${keychainNameOf(platform)} could not be used (${detail.trim()}), so the console cannot keep or read secrets there now.`,
      hint: keychainHint(platform),
    },
    { cause: error },
  );
}

/**
 * Loads keytar's native module, turning a load failure into `KEYCHAIN_UNAVAILABLE`.
 *
 * @remarks
 * Loaded lazily so the console still starts (and the sandbox still works) on a machine where the
 * native module or libsecret is missing; the failure then surfaces where a secret is needed.
 */
export async function loadKeytar(platform: NodeJS.Platform = process.platform): Promise<KeytarApi> {
  try {
    const module = (await import('keytar')) as { default?: KeytarApi } & KeytarApi;
    return module.default ?? module;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      // keytar is an optional dependency: npm skips it when its native build fails.
      throw new AppError(
        {
          code: 'KEYCHAIN_UNAVAILABLE',
          message:
            'The keychain module (keytar) is not installed (its native build failed or was skipped during npm install), so the console cannot keep or read secrets in the OS keychain.',
          hint:
            platform === 'linux'
              ? 'Install its build dependencies (`sudo apt-get install libsecret-1-dev python3 make g++`), then run `npm rebuild keytar` or `npm ci` again. The local sandbox org works without it.'
              : 'Run `npm ci` again and check its output for keytar. The local sandbox org works without it.',
        },
        { cause: error },
      );
    }
    throw toKeychainError(error, platform);
  }
}

/**
 * The OS keychain, through keytar: macOS Keychain, Windows Credential Manager, Secret Service.
 *
 * @remarks
 * keytar has been archived since December 2022 (atom/node-keytar); it is N-API and stable, and
 * this adapter is the only file that knows it, so a successor can replace it without touching
 * callers.
 */
export class KeytarSecretStore implements SecretStore {
  readonly #load: () => Promise<KeytarApi>;
  readonly #platform: NodeJS.Platform;
  readonly #service: string;
  #keytar: Promise<KeytarApi> | undefined;

  constructor(
    options: {
      load?: () => Promise<KeytarApi>;
      platform?: NodeJS.Platform;
      service?: string;
    } = {},
  ) {
    this.#platform = options.platform ?? process.platform;
    this.#load = options.load ?? (() => loadKeytar(this.#platform));
    this.#service = options.service ?? KEYCHAIN_SERVICE;
  }

  info(): SecretStoreInfo {
    return {
      kind: `keytar (${keychainNameOf(this.#platform)})`,
      isPersistent: true,
      isOsProtected: true,
    };
  }

  /**
   * Writes, reads back and removes a throwaway entry.
   *
   * @remarks
   * A read alone proves nothing: a locked Secret Service collection answers a read with "no
   * such secret" (its unlock prompt fails without a display) and refuses only writes, with
   * "Cannot create an item in a locked collection".
   */
  async checkAvailable(): Promise<void> {
    const probe = `probe-${randomUUID()}`;
    const account = `${AVAILABILITY_CHECK_PREFIX}:${randomUUID()}`;
    await this.#call(async (keytar) => {
      await keytar.setPassword(this.#service, account, probe);
      const readBack = await keytar.getPassword(this.#service, account);
      await keytar.deletePassword(this.#service, account);
      if (readBack !== probe) {
        throw new Error('a secret written to it could not be read back');
      }
    });
  }

  get(account: string): Promise<string | null> {
    return this.#call((keytar) => keytar.getPassword(this.#service, account));
  }

  async set(account: string, secret: string): Promise<void> {
    const size = Buffer.byteLength(secret, 'utf8');
    if (this.#platform === 'win32' && size > WINDOWS_SECRET_LIMIT_BYTES) {
      throw new AppError({
        code: 'KEYCHAIN_VALUE_TOO_LARGE',
        message: `The secret is ${String(size)} bytes; Windows Credential Manager keeps at most ${String(WINDOWS_SECRET_LIMIT_BYTES)} bytes per entry, so it was not kept.`,
        hint: 'Only a service app’s private key gets this large: make the key pair again as EC P-256 or RSA-2048 instead of RSA-4096.',
      });
    }
    await this.#call((keytar) => keytar.setPassword(this.#service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.#call((keytar) => keytar.deletePassword(this.#service, account));
  }

  /**
   * Every account of this service but the availability checks' probes.
   *
   * @remarks
   * libsecret's search fails with "No such secret item" when an entry it found is deleted
   * before it reads it (another console, or the command line, removing a secret at that
   * moment): the search is made again, up to three times, before that is reported.
   */
  async listAccounts(): Promise<string[]> {
    let credentials: { account: string }[] = [];
    for (let attempt = 1; ; attempt += 1) {
      try {
        credentials = await this.#call((keytar) => keytar.findCredentials(this.#service));
        break;
      } catch (error) {
        const vanished = /No such secret item/i.test(String((error as { cause?: unknown }).cause));
        if (!vanished || attempt === 3) {
          throw error;
        }
      }
    }
    return credentials
      .map((credential) => credential.account)
      .filter((account) => !account.startsWith(AVAILABILITY_CHECK_PREFIX));
  }

  async #call<T>(operation: (keytar: KeytarApi) => Promise<T>): Promise<T> {
    this.#keytar ??= this.#load();
    let keytar: KeytarApi;
    try {
      keytar = await this.#keytar;
    } catch (error) {
      // Let a later call try again: the admin may install or unlock the keychain meanwhile.
      this.#keytar = undefined;
      throw error;
    }
    try {
      return await operation(keytar);
    } catch (error) {
      throw toKeychainError(error, this.#platform);
    }
  }
}
