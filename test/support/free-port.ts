import { createServer } from 'node:net';

/**
 * A loopback port nobody listens on right now: for a base URL or redirect URI a test's listener
 * takes next (another process could take it first; the tests' own never do).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
