import { parsePastedCallback } from '../sign-in/redirect-strategy.ts';

/**
 * The first pasted line that is the redirect back to `redirectUri`, for the command line's
 * preview and export verification; a wrong line is explained on `warn` (without echoing it: its
 * query may hold a code) and the next one is awaited. `undefined` when the lines end first.
 */
export async function firstPastedCallback(
  lines: AsyncIterable<string> | undefined,
  redirectUri: string,
  warn: (text: string) => void,
): Promise<URL | undefined> {
  if (lines === undefined) {
    return undefined;
  }
  for await (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    try {
      return parsePastedCallback(line, redirectUri);
    } catch (error) {
      warn(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return undefined;
}
