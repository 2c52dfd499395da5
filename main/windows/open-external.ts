import type { Shell } from 'electron';

import type { Logger } from '../platform/logging/logger.ts';
import { isSafeExternalUrl } from './navigation-policy.ts';

/**
 * Opens a URL in the system browser if, and only if, the URL policy allows it.
 *
 * @remarks
 * Electron checklist #15: the one call site of `shell.openExternal` (lint bans it elsewhere).
 */
export function openExternalSafe(
  url: string,
  options: {
    shell: Pick<Shell, 'openExternal'>;
    allowedOrigins: readonly string[];
    logger: Logger;
  },
): boolean {
  if (!isSafeExternalUrl(url, options.allowedOrigins)) {
    options.logger.log('warn', 'Refused to open a URL outside the allowlist', { url });
    return false;
  }
  // eslint-disable-next-line no-restricted-syntax -- the allowlisted wrapper itself
  void options.shell.openExternal(url);
  return true;
}
