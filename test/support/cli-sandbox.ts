import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll } from 'vitest';

import { startNodeScript } from './processes.ts';
import { startSandboxWithClient } from './sandbox-sdk.ts';

/**
 * The command line against `npm run sandbox` (seeded with the demo org) for one test file: the
 * sandbox and a scratch folder live for the file (registered as `beforeAll`/`afterAll`), and
 * every command runs with the API token and no client secret in its environment, so a command
 * that finds one found it where the console keeps it (the keychain), not in a variable.
 *
 * @param prefix - The scratch folder's name prefix, to tell the files' leftovers apart.
 * @param command - Arguments put before every command's own (e.g. `['rotate-secret']`).
 */
export function cliAgainstSandbox(prefix: string, command: string[] = []) {
  let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>> | undefined;
  let folder: string | undefined;

  beforeAll(async () => {
    sandbox = await startSandboxWithClient(['--seed', 'demo']);
    folder = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await sandbox?.sandbox.stop();
    if (folder !== undefined) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  function started() {
    if (sandbox === undefined || folder === undefined) {
      throw new Error('The sandbox is not started: use it inside a test, after beforeAll.');
    }
    return { sandbox, folder };
  }

  /** The environment of every command: the API token, and no client secret. */
  function environment(): NodeJS.ProcessEnv {
    const secretNames = new Set(['SSO_CONSOLE_CLIENT_SECRET', 'OKTA_CLIENT_SECRET']);
    return {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !secretNames.has(name))),
      SSO_CONSOLE_API_TOKEN: started().sandbox.apiToken,
    };
  }

  function start(args: string[]) {
    const { sandbox: running, folder: scratch } = started();
    return startNodeScript(
      'main/cli/sso-console.ts',
      [
        ...command,
        ...args,
        '--org-url',
        running.orgUrl,
        '--user-data-dir',
        path.join(scratch, 'data'),
      ],
      environment(),
    );
  }

  async function run(args: string[]) {
    const cli = start(args);
    const code = await cli.waitForExit();
    return {
      code,
      stdout: cli.stdout.join('\n'),
      stderr: cli.stderr.join('\n'),
      lines: cli.stdout,
    };
  }

  return {
    get sandbox() {
      return started().sandbox;
    },
    get folder() {
      return started().folder;
    },
    environment,
    start,
    run,
  };
}
