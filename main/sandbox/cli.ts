import { parseArgs } from 'node:util';

import {
  DEFAULT_RATE_LIMIT_TIER,
  RATE_LIMIT_TIERS,
  type RateLimitSettings,
  type RateLimitTier,
} from './rate-limits.ts';
import { startSandbox } from './sandbox-server.ts';

const TIERS = [...RATE_LIMIT_TIERS, 'unlimited'].join(', ');

const USAGE = `Usage: npm run sandbox -- [--json] [--port N] [--rate-limits TIER] [--concurrency N]

Starts a local Okta-compatible org on 127.0.0.1 and runs until stopped (Ctrl+C).
  --json               print exactly one JSON line {"orgUrl": "...", "apiToken": "..."} once ready
  --port N             listen on port N (0, the default, picks a free port)
  --rate-limits TIER   Okta's per-bucket limits of TIER: ${TIERS}
                       (default ${DEFAULT_RATE_LIMIT_TIER}); change them later with PUT /__sandbox/rate-limits
  --concurrency N      requests in flight before a concurrency 429 (default: the tier's, 75 for enterprise)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values: {
  json?: boolean;
  port?: string;
  'rate-limits'?: string;
  concurrency?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      port: { type: 'string' },
      'rate-limits': { type: 'string' },
      concurrency: { type: 'string' },
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

const tier = values['rate-limits'] ?? DEFAULT_RATE_LIMIT_TIER;
if (!TIERS.split(', ').includes(tier)) {
  fail(`sandbox: --rate-limits must be one of ${TIERS}, not "${tier}".`);
}
const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
  fail(
    `sandbox: --concurrency must be a whole number of requests from 1, not "${values.concurrency ?? ''}".`,
  );
}
const rateLimits: RateLimitSettings = {
  tier: tier as RateLimitTier | 'unlimited',
  ...(concurrency === undefined ? {} : { concurrency }),
};

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
try {
  sandbox = await startSandbox({ port, rateLimits });
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
