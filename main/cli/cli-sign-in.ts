import { CliError } from './cli-error.ts';
import { firstPastedCallback } from './pasted-address.ts';

/** A started sign-in with what the files say, as export, rotation and drift start one. */
export interface StartedCliSignIn {
  verificationId: string;
  authorizeUrl: string;
  strategy: { kind: string; redirectUri: string };
}

/**
 * Prompts for and completes a sign-in that export's verification started, the same way for
 * `export --verify`, `rotate-secret` and `drift --sign-in`: the address to sign in at (or one
 * JSON line), then the console listens on the files' own loopback redirect URI, or the admin
 * pastes the address the browser ends on.
 *
 * @remarks
 * `wait` is called once the prompt is printed and before the paste is read, as the service expects
 * its waiter in place when the callback arrives. A cancel while the paste is read must not surface
 * as an unhandled rejection, hence the early catch.
 */
export async function completeCliSignIn<Result>(
  started: StartedCliSignIn,
  options: {
    /** What precedes " as <user> at", e.g. `Verify: sign in`. */
    lead: string;
    /** Whose redirect URI the console listens on: `the files'` or `the file's`. */
    owner: string;
    user: string | undefined;
    json: boolean;
  },
  io: {
    write(text: string): void;
    warn(text: string): void;
    openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
  },
  service: {
    wait(verificationId: string): Promise<Result>;
    cancel(verificationId: string): Promise<unknown>;
    paste(verificationId: string, url: string): void;
  },
): Promise<Result> {
  const { verificationId, strategy, authorizeUrl } = started;
  const { user } = options;
  const listening = strategy.kind === 'app-loopback';
  io.write(
    options.json
      ? `${JSON.stringify({ event: 'authorize', url: authorizeUrl, redirectUri: strategy.redirectUri, listening })}\n`
      : `${options.lead}${user === undefined ? '' : ` as ${user}`} at\n  ${authorizeUrl}\n${
          listening
            ? `The console listens on ${strategy.redirectUri}, ${options.owner} own redirect URI.\n`
            : `then paste the address the browser ends on (${strategy.redirectUri}?…) and press Enter.\n`
        }`,
  );
  const waiting = service.wait(verificationId);
  waiting.catch(() => undefined);
  if (!listening) {
    const pasting = io.openPastedLines?.();
    try {
      const callback = await firstPastedCallback(pasting?.lines, strategy.redirectUri, (text) => {
        io.warn(text);
      });
      if (callback === undefined) {
        await service.cancel(verificationId);
        throw new CliError(
          'Standard input ended before the address was pasted.',
          'Run the command in a terminal and paste the address the browser ends on.',
        );
      }
      service.paste(verificationId, callback.href);
    } finally {
      pasting?.close();
    }
  }
  return await waiting;
}

/** One line per check of a verification, `ok ` or `FAIL` first, as every command prints them. */
export function printChecks(
  checks: readonly { ok: boolean; name: string; detail: string }[],
  print: (text: string) => void,
): void {
  for (const check of checks) {
    print(`${check.ok ? 'ok ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
  }
}
