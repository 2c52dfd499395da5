import { AppError } from '../../shared/errors.ts';
import type { OrgCredentials, SandboxLauncher } from '../profiles/profile-service.ts';
import { type RunningSandbox, startSandbox } from '../sandbox/sandbox-server.ts';

/**
 * Runs the sandbox org inside the console's own process, started on first use.
 *
 * @remarks
 * The default org for a newcomer: no Okta account, no second command. It listens on a free
 * loopback port, and its token lives only in memory, so it never needs the keychain. It starts
 * with the demo seed (a few users, and groups such as Kestra Admins), so the wizard's searches
 * and assignments have something to find.
 */
export function createEmbeddedSandbox(): SandboxLauncher & { stop(): Promise<void> } {
  let running: Promise<RunningSandbox> | undefined;
  return {
    async ensureRunning(): Promise<OrgCredentials> {
      running ??= startSandbox({ seed: { kind: 'demo' } });
      try {
        const sandbox = await running;
        return { orgUrl: sandbox.orgUrl, token: sandbox.apiToken };
      } catch (error) {
        running = undefined;
        throw new AppError(
          {
            code: 'SANDBOX_FAILED',
            message: `The local sandbox org could not start: ${error instanceof Error ? error.message : String(error)}`,
            hint: 'Check that this machine allows listening on 127.0.0.1, then try again.',
          },
          { cause: error },
        );
      }
    },
    async stop() {
      const current = running;
      running = undefined;
      if (current !== undefined) {
        await (await current).close();
      }
    },
  };
}
