import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { ROOT } from './processes.ts';

/** The password of the throwaway keyring: it unlocks nothing but this test's own. */
const KEYRING_PASSWORD = 'private-test-keyring';

/** A D-Bus session of its own with a gnome-keyring in it, for tests that lock the keychain. */
export interface PrivateKeyring {
  /** The environment a child process needs to use this keyring (and only this one). */
  env: NodeJS.ProcessEnv;
  /** Locks the keyring's login collection: reads then answer nothing, writes are refused. */
  lock(): void;
  /** Unlocks it again, as an admin who types their password would (a new daemon, same files). */
  unlock(): void;
  /** A secret the console kept in it, read by a process of its own (libsecret is per process). */
  get(account: string): Promise<string | null>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): void {
  const result = spawnSync(command, args, { env, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  }
}

/**
 * Starts a real Secret Service that only this test's child processes see.
 *
 * @remarks
 * The integration tests share one keyring session (test/support/with-keyring.ts), and files run
 * side by side: locking that keyring would fail other tests' secrets. This one has its own bus
 * and its own keyring files, so a test can lock and unlock it — a real locked collection, as an
 * admin's desktop has after a screen lock — without touching anyone else's. Processes that use
 * it must be started after a lock or unlock: libsecret keeps its session per process, and an
 * unlock starts a new daemon.
 */
export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-private-keyring-'));
  const bus: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    if (bus.stdout === null) {
      reject(new Error('dbus-daemon has no standard output'));
      return;
    }
    createInterface({ input: bus.stdout }).once('line', resolve);
    bus.once('exit', (code) => {
      reject(new Error(`dbus-daemon exited (${String(code)}) before giving its address`));
    });
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: address,
    XDG_DATA_HOME: path.join(folder, 'data'),
    XDG_RUNTIME_DIR: folder,
    SSO_CONSOLE_KEYRING_SESSION: '1',
  };
  const unlock = (replace: boolean) => {
    run(
      'gnome-keyring-daemon',
      [...(replace ? ['--replace'] : []), '--unlock', '--components=secrets'],
      env,
      KEYRING_PASSWORD,
    );
  };
  unlock(false);
  return {
    env,
    lock() {
      run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.secrets',
          '/org/freedesktop/secrets',
          'org.freedesktop.Secret.Service.Lock',
          'array:objpath:/org/freedesktop/secrets/collection/login',
        ],
        env,
      );
    },
    unlock() {
      unlock(true);
    },
    get(account) {
      const script = `
        import { KeytarSecretStore } from ${JSON.stringify(path.join(ROOT, 'main/platform/secrets/keytar-secret-store.ts'))};
        process.stdout.write(JSON.stringify(await new KeytarSecretStore().get(${JSON.stringify(account)})));`;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env,
        encoding: 'utf8',
      });
      if (result.status !== 0) {
        return Promise.reject(new Error(`Reading the private keyring failed: ${result.stderr}`));
      }
      return Promise.resolve(JSON.parse(result.stdout) as string | null);
    },
    async stop() {
      // The keyring daemon leaves with its bus.
      const exited = new Promise((resolve) => bus.once('exit', resolve));
      bus.kill('SIGTERM');
      await exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
