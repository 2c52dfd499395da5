import { spawn } from 'node:child_process';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { cliAgainstSandbox } from '../../../support/cli-sandbox.ts';
import { ROOT } from '../../../support/processes.ts';
import { injectSandboxFault } from '../../../support/sandbox-control.ts';
import { collect } from '../../../support/sandbox-sdk.ts';

/**
 * `sso-console apply`'s question, answered in a real terminal: util-linux's `script` gives the
 * command a pseudo-terminal, so readline asks in raw mode, as it does for an admin, and a Ctrl+C
 * typed there is a keystroke readline reads rather than a signal.
 */

const cli = cliAgainstSandbox('sso-console-terminal-');
const setupFile = () => path.join(cli.folder, 'kestra.json');
/** The demo org's own Kestra-like apps, there before any apply. */
let appsBefore: number;

beforeAll(async () => {
  const init = await cli.run([
    'init',
    '--target',
    'kestra',
    '--base-url',
    'https://kestra.example.com',
    '--out',
    setupFile(),
  ]);
  expect(init.code).toBe(0);
  appsBefore = (await kestraApps()).length;
});

/** Single quotes for `sh`, which `script -c` runs the command with. */
const quoted = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `apply` in a terminal, types `keys` once the question shows (or, while the plan is read,
 * once `whileReading` answers true: it is asked every 50 ms), and waits for the end.
 */
function applyTyping(
  keys: string,
  when: { whileReading: () => Promise<boolean> } | 'at the question' = 'at the question',
): Promise<{ code: number | null; output: string }> {
  const command = [
    process.execPath,
    path.join(ROOT, 'main/cli/sso-console.ts'),
    'apply',
    setupFile(),
    '--org-url',
    cli.sandbox.orgUrl,
    '--user-data-dir',
    path.join(cli.folder, 'data'),
  ]
    .map(quoted)
    .join(' ');
  const terminal = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    env: cli.environment(),
    cwd: ROOT,
  });
  let output = '';
  let typed = false;
  terminal.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!typed && when === 'at the question' && output.includes('Type yes to go on')) {
      typed = true;
      terminal.stdin.write(keys);
    }
  });
  if (when !== 'at the question') {
    const poll = setInterval(() => {
      void when.whileReading().then((reading) => {
        if (reading && !typed) {
          typed = true;
          clearInterval(poll);
          terminal.stdin.write(keys);
        }
      });
    }, 50);
    terminal.on('exit', () => {
      clearInterval(poll);
    });
  }
  return new Promise((resolve) => {
    terminal.on('exit', (code) => {
      resolve({ code, output });
    });
  });
}

async function kestraApps(): Promise<unknown[]> {
  return collect(await cli.sandbox.client.applicationApi.listApplications({ q: 'Kestra' }));
}

describe('sso-console apply, asked in a terminal', () => {
  it('Ctrl+C at the question cancels with 130 and says nothing was changed', async () => {
    const { code, output } = await applyTyping('\u0003');
    expect(output).toContain('Cancelled with Ctrl+C at the question: nothing was changed.');
    expect(output).not.toMatch(/AbortError/);
    expect(code).toBe(130);
    expect(await kestraApps()).toHaveLength(appsBefore);
  });

  it('the end of input (Ctrl+D) is no answer: nothing is changed, exit 1', async () => {
    const { code, output } = await applyTyping('\u0004');
    expect(output).toContain('Nothing was changed.');
    expect(code).toBe(1);
    expect(await kestraApps()).toHaveLength(appsBefore);
  });

  it('Ctrl+C while the plan is read stops it there: no question, 130, nothing changed', async () => {
    // The org is slow to answer the plan's read of its apps.
    await injectSandboxFault(cli.sandbox.orgUrl, cli.sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/apps',
      latencyMs: 3_000,
      times: 10,
    });
    // Typed once the command's first read of the apps has reached the org (the fault has been
    // used once), not after a fixed time: on a slow machine Node may still be loading it.
    const { code, output } = await applyTyping('\u0003', {
      whileReading: async () => {
        const answer = await fetch(`${cli.sandbox.orgUrl}/__sandbox/faults`, {
          headers: { Authorization: `SSWS ${cli.sandbox.apiToken}` },
        });
        const { faults } = (await answer.json()) as { faults: { remaining: number }[] };
        return faults.some((fault) => fault.remaining < 10);
      },
    });
    expect(output).toContain('Planning was cancelled, as you asked');
    expect(output).not.toContain('Type yes to go on');
    expect(code).toBe(130);
    await fetch(`${cli.sandbox.orgUrl}/__sandbox/faults`, {
      method: 'DELETE',
      headers: { Authorization: `SSWS ${cli.sandbox.apiToken}` },
    });
    expect(await kestraApps()).toHaveLength(appsBefore);
  });

  it('yes applies the plan', async () => {
    const { code, output } = await applyTyping('yes\r');
    expect(output).toContain('Kestra');
    expect(code).toBe(0);
    expect(await kestraApps()).toHaveLength(appsBefore + 1);
  });
});
