/**
 * Runs a command with a real, unlocked Secret Service: `node test/support/with-keyring.ts <cmd…>`.
 *
 * @remarks
 * keytar needs a Secret Service on Linux, and the tests use the real one (gnome-keyring), never a
 * fake store. On a headless machine there is no D-Bus session, so this starts one with
 * `dbus-run-session`, unlocks a throwaway gnome-keyring inside it (its files in a temp folder, so
 * the developer's own keyring is never touched), and runs the command there. Where a session bus
 * already answers (a desktop session) or the OS has its own keychain (macOS, Windows), the
 * command runs as it is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const command = process.argv.slice(2);
if (command.length === 0) {
  process.stderr.write('Usage: node test/support/with-keyring.ts <command> [args…]\n');
  process.exit(2);
}

function run(argv: string[], env: NodeJS.ProcessEnv): void {
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, { stdio: 'inherit', env });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === null ? 1 : 128));
  });
}

// Every Node process the tests start (the console, the command line, the sandbox) loads the
// project's TypeScript from source. Node's on-disk compile cache keeps what it compiled, keyed by
// each file's contents, so the second start and every one after skips that work: about a
// quarter of `sso-console --help`'s 2 s on a slow machine. A cache the developer set is kept.
process.env.NODE_COMPILE_CACHE ??= path.join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'node-compile-cache',
);

const isInsideKeyringSession = process.env.SSO_CONSOLE_KEYRING_SESSION === '1';
if (process.platform !== 'linux' || isInsideKeyringSession) {
  run(command, process.env);
} else {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  if (missing.length > 0) {
    process.stderr.write(
      `The tests need a real Secret Service for keytar, but ${missing.join(' and ')} is not installed.\n` +
        'On Debian or Ubuntu: sudo apt-get install dbus dbus-x11 gnome-keyring libsecret-1-dev\n',
    );
    process.exit(1);
  }
  const keyringHome = mkdtempSync(path.join(os.tmpdir(), 'sso-console-keyring-'));
  // The password only unlocks this throwaway keyring, which lives and dies with the session.
  const script =
    'printf "test-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  run(['dbus-run-session', '--', 'sh', '-c', script, 'sh', ...command], {
    ...process.env,
    SSO_CONSOLE_KEYRING_SESSION: '1',
    XDG_DATA_HOME: path.join(keyringHome, 'data'),
    XDG_RUNTIME_DIR: keyringHome,
  });
}
