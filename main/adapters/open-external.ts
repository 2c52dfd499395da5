import { shell } from 'electron';

import type { Logger } from '../services/logging/logger.ts';
import { isSafeExternalUrl } from '../windows/navigation-policy.ts';

/**
 * Opens a URL in the system browser if, and only if, the URL policy allows it.
 *
 * @remarks
 * Electron checklist #15: the one call site of `shell.openExternal` (lint bans it elsewhere).
 */
export function openExternalSafe(
  url: string,
  allowedOrigins: () => readonly string[],
  logger: Logger,
): void {
  if (!isSafeExternalUrl(url, allowedOrigins())) {
    logger.log('warn', 'Refused to open a URL outside the allowlist', { url });
    return;
  }
  // eslint-disable-next-line no-restricted-properties -- the allowlisted wrapper itself
  void shell.openExternal(url);
}
