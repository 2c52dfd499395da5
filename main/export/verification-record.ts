import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

import type { VerificationResult } from '../../shared/export/export-targets.ts';

/**
 * The record of verifications in the data folder, one JSON line each: what was verified
 * (target, issuer, client id), when, and the SHA-256 of exactly the files that signed in — so
 * "verified" can be checked later against the files on disk. Shared by the wizard and
 * `sso-console export --verify`; it holds no secret, and is 0600 like the rest of the folder.
 */
export async function recordVerification(
  dataDir: string,
  result: VerificationResult,
): Promise<void> {
  const folder = path.join(dataDir, 'exports');
  await mkdir(folder, { recursive: true });
  await appendFile(
    path.join(folder, 'verifications.jsonl'),
    `${JSON.stringify({
      target: result.target,
      ok: result.ok,
      contentHash: result.contentHash,
      verifiedAt: result.verifiedAt,
      issuer: result.reading?.issuer ?? null,
      clientId: result.reading?.clientId ?? null,
    })}\n`,
    { mode: 0o600 },
  );
}
