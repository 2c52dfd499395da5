import { createRedactor } from '../platform/logging/redact.ts';
import { KeytarSecretStore } from '../platform/secrets/keytar-secret-store.ts';
import { rememberingSecretStore } from '../platform/secrets/remembering-secret-store.ts';

/**
 * The process's one redactor: it knows the API token and every secret read from or kept in the
 * keychain, and every message on standard error passes through it. Standard output is the
 * command's answer, which holds a secret only when the admin asks (`--show-secrets`,
 * `--inline-secret`).
 */
export const redactor = createRedactor([process.env.SSO_CONSOLE_CLIENT_SECRET ?? '']);

/** Writes a message to standard error, redacted. */
export function say(text: string): void {
  process.stderr.write(redactor.text(text));
}

/** The OS keychain, telling the redactor every secret that passes through it. */
export function keychainStore() {
  return rememberingSecretStore(new KeytarSecretStore(), redactor);
}
