import path from 'node:path';

import type { VerificationResult } from '../../shared/export/export-targets.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';

/**
 * The record of verifications in the data folder, one JSON line each: what was verified
 * (target, issuer, client id), when, which files (their names) and the SHA-256 of exactly the
 * files that signed in — so "verified" can be checked later against the files on disk. Shared by the wizard and
 * `sso-console export --verify`; it holds no secret. Written by the console's one JSON-lines
 * writer: 0600 in a 0700 folder, never through a symbolic link.
 */
export async function recordVerification(
  dataDir: string,
  result: VerificationResult,
  fileNames: readonly string[],
): Promise<void> {
  await createJsonLinesJournal<VerificationRecord>(verificationsFile(dataDir)).append({
    target: result.target,
    ok: result.ok,
    contentHash: result.contentHash,
    files: [...fileNames],
    verifiedAt: result.verifiedAt,
    issuer: result.reading?.issuer ?? null,
    clientId: result.reading?.clientId ?? null,
  });
}

/** One line of the record of verifications; see {@link recordVerification}. */
export interface VerificationRecord {
  target: string;
  ok: boolean;
  /** SHA-256 over the verified files' names and contents. */
  contentHash: string;
  /** The verified files' names; absent in lines written before the record kept them. */
  files?: string[];
  /** `null` when the sign-in failed. */
  verifiedAt: string | null;
  issuer: string | null;
  clientId: string | null;
}

function verificationsFile(dataDir: string): string {
  return path.join(dataDir, 'exports', 'verifications.jsonl');
}

/** Every verification recorded in the data folder, oldest first (none: `[]`). */
export async function readVerifications(dataDir: string): Promise<VerificationRecord[]> {
  return createJsonLinesJournal<VerificationRecord>(verificationsFile(dataDir)).read();
}
