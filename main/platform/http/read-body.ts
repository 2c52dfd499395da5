import type { IncomingMessage } from 'node:http';

/** Thrown by {@link readRequestBody} when a body exceeds its limit. */
export class BodyTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(`The request body is larger than ${String(limitBytes)} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body as UTF-8 text, refusing more than `limitBytes`.
 *
 * @remarks
 * Shared by browser mode and the sandbox org: both face requests they did not write, so neither
 * may buffer an unbounded body.
 */
export async function readRequestBody(
  request: IncomingMessage,
  limitBytes: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
