/**
 * The console composed as browser mode composes it (real handlers, the real keytar store, the
 * embedded sandbox org), driven over standard input: one JSON line `{ id, channel, request }` in,
 * one line `{ id, result }` out, the dispatcher's own answer. Prints `ready` first.
 *
 * @remarks
 * For integration tests that need the console in a process of its own — libsecret keeps its
 * D-Bus session per process, so a console with no reachable Secret Service must be started with
 * `DBUS_SESSION_BUS_ADDRESS` leading nowhere, apart from the test's own keyring session.
 * Usage: `node test/support/console-over-stdio.ts DATA_DIR`.
 */
import { createInterface } from 'node:readline';

import { composeConsole } from '../../main/composition/compose.ts';
import { createLogger } from '../../main/platform/logging/logger.ts';
import { KeytarSecretStore } from '../../main/platform/secrets/keytar-secret-store.ts';

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('Usage: node test/support/console-over-stdio.ts DATA_DIR\n');
  process.exit(2);
}
const core = composeConsole({
  mode: 'browser',
  version: '0.0.0-test',
  dataDir,
  secrets: new KeytarSecretStore(),
  logger: createLogger({ write: (line) => process.stderr.write(`${line}\n`) }),
  emit: () => undefined,
});
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { id, channel, request } = JSON.parse(line) as {
    id: string;
    channel: string;
    request: unknown;
  };
  const result = await core.dispatch(channel, request);
  process.stdout.write(`${JSON.stringify({ id, result })}\n`);
}
await core.stop();
