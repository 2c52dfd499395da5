import { parseArgs } from 'node:util';

import { startSandbox } from './sandbox-server.ts';

const USAGE = `Usage: npm run sandbox -- [--json] [--port N]

Starts a local Okta-compatible org on 127.0.0.1 and runs until stopped (Ctrl+C).
  --json     print exactly one JSON line {"orgUrl": "...", "apiToken": "..."} once ready
  --port N   listen on port N (0, the default, picks a free port)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values: { json?: boolean; port?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
}
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = Number(values.port ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`sandbox: --port must be a whole number from 0 to 65535, not "${values.port ?? ''}".`);
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
try {
  sandbox = await startSandbox({ port });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  fail(
    code === 'EADDRINUSE'
      ? `sandbox: port ${String(port)} is already in use. Pick another with --port, or --port 0 for any free port.`
      : `sandbox: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
}

if (values.json === true) {
  process.stdout.write(
    `${JSON.stringify({ orgUrl: sandbox.orgUrl, apiToken: sandbox.apiToken })}\n`,
  );
} else {
  process.stdout.write(
    [
      'Sandbox org running — a local emulation of an Okta org, not a real one.',
      `  Org URL:   ${sandbox.orgUrl}`,
      `  API token: ${sandbox.apiToken}  (super admin; also the /__sandbox/ admin token)`,
      'Connect the console to it with these values. Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
