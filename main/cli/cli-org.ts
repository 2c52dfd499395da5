import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { AppError } from '../../shared/errors.ts';
import { parseOrgUrl } from '../../shared/okta/org-url.ts';
import { connectMethodOf } from '../../shared/profiles/profile.ts';
import { type ActiveOrg, orgFromCredentials } from '../okta/active-org.ts';
import { readPrivateKey } from '../okta/service-app-key.ts';
import { defaultDataDir } from '../platform/data-dir.ts';
import { privateKeySecrets } from '../platform/logging/redact.ts';
import { serviceAppKeyAccount } from '../platform/secrets/keychain-accounts.ts';
import { createFileProfileRepository } from '../profiles/profile-repository.ts';
import { consoleServiceAppScopes, type OrgCredentials } from '../profiles/profile-service.ts';
import { CliError } from './cli-error.ts';
import { keychainStore, redactor, say } from './cli-output.ts';

/*
 * Which org a command acts on, and with what credentials: `--profile` (a profile the console
 * saved, its secret from the keychain), or `--org-url` with an API token (environment or
 * standard input) or a service app (environment). Every secret read here is told to the
 * process's redactor before anything else can print it.
 */

async function readToken(): Promise<string> {
  const fromEnv = process.env.SSO_CONSOLE_API_TOKEN?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    redactor.remember(fromEnv);
    return fromEnv;
  }
  if (process.stdin.isTTY) {
    throw new CliError(
      'No API token: SSO_CONSOLE_API_TOKEN is not set and nothing was piped on standard input.',
      'Set SSO_CONSOLE_API_TOKEN, or pipe the token: `op read … | sso-console plan FILE --org-url URL`. Never pass it as an argument: it would land in your shell history.',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  const token = Buffer.concat(chunks).toString('utf8').trim();
  redactor.remember(token);
  if (token === '') {
    throw new CliError(
      'Standard input was empty: no API token.',
      'Pipe the token, or set SSO_CONSOLE_API_TOKEN.',
    );
  }
  return token;
}

/**
 * The org of a profile the console saved: its URL from the profile file, its token from the OS
 * keychain — the same ones the desktop console uses.
 */
async function profileCredentials(name: string, dataDir: string): Promise<OrgCredentials> {
  const { profiles } = await createFileProfileRepository(dataDir).load();
  const profile = profiles.find(
    (candidate) => candidate.label === name || candidate.id === name || candidate.orgUrl === name,
  );
  if (profile === undefined) {
    throw new CliError(
      `No saved profile is called "${name}" (in ${dataDir}).`,
      profiles.length === 0
        ? 'Connect an org in the console first, or use --org-url URL with SSO_CONSOLE_API_TOKEN.'
        : `Saved profiles: ${profiles.map((candidate) => `"${candidate.label}"`).join(', ')}.`,
    );
  }
  if (profile.kind === 'sandbox') {
    throw new CliError(
      `"${profile.label}" is the console's built-in sandbox, which lives inside the running console.`,
      'Run `npm run sandbox` and use --org-url with the URL it prints.',
    );
  }
  const method = connectMethodOf(profile);
  if (method.type === 'service-app') {
    const privateKey = await keychainStore().get(
      serviceAppKeyAccount(profile.orgUrl, method.keyId),
    );
    if (privateKey === null) {
      throw new CliError(
        `The keychain holds no private key for the service app ${method.clientId} of ${profile.orgUrl}.`,
        'Connect the org again in the console, or use --org-url with SSO_CONSOLE_CLIENT_ID and SSO_CONSOLE_PRIVATE_KEY_FILE.',
      );
    }
    privateKeySecrets(privateKey).forEach((part) => {
      redactor.remember(part);
    });
    const { clientId, keyId, scopes } = method;
    return { orgUrl: profile.orgUrl, token: privateKey, serviceApp: { clientId, keyId, scopes } };
  }
  const token = await keychainStore().get(profile.orgUrl);
  if (token === null) {
    throw new CliError(
      `The keychain holds no API token for ${profile.orgUrl}.`,
      'Connect the org again in the console, or use --org-url with SSO_CONSOLE_API_TOKEN.',
    );
  }
  return { orgUrl: profile.orgUrl, token };
}

/**
 * The flags' org, on a scheduler of its own whose long waits for Okta's rate limits are said on
 * standard error (standard output stays the command's answer, `--json` included).
 */
function orgOf(credentials: OrgCredentials): ActiveOrg {
  return orgFromCredentials(credentials, {
    onRateLimitWait: (wait) => {
      say(`… ${wait.message}\n`);
    },
  });
}

export async function connect(values: {
  'org-url'?: string;
  profile?: string;
  'user-data-dir'?: string;
}): Promise<ActiveOrg> {
  if (values.profile !== undefined) {
    if (values['org-url'] !== undefined) {
      throw new CliError('Both --profile and --org-url were given.', 'Pick one of them.');
    }
    return orgOf(
      await profileCredentials(
        values.profile,
        path.resolve(values['user-data-dir'] ?? defaultDataDir()),
      ),
    );
  }
  if (values['org-url'] === undefined) {
    throw new CliError(
      'Which org? No --org-url given.',
      'Add --org-url https://your-org.okta.com (or the sandbox URL `npm run sandbox` prints).',
    );
  }
  const parsed = parseOrgUrl(values['org-url']);
  if (!parsed.ok) {
    throw new CliError(parsed.error.message, parsed.error.hint);
  }
  const serviceApp = await readServiceApp();
  if (serviceApp !== undefined) {
    return orgOf({ orgUrl: parsed.value.orgUrl, ...serviceApp });
  }
  return orgOf({ orgUrl: parsed.value.orgUrl, token: await readToken() });
}

/**
 * A service app from the environment, for CI without a keychain: `SSO_CONSOLE_CLIENT_ID` and
 * `SSO_CONSOLE_PRIVATE_KEY_FILE` (a PEM block or a private JWK), with `SSO_CONSOLE_SCOPES` to
 * ask for fewer scopes than the planner's full list. `undefined` when neither is set.
 *
 * @remarks
 * The key file's content is known to the redactor before anything else reads it, so no message
 * can carry it; an error about the file names the file, never its content.
 */
async function readServiceApp(): Promise<Pick<OrgCredentials, 'token' | 'serviceApp'> | undefined> {
  const clientId = process.env.SSO_CONSOLE_CLIENT_ID?.trim() ?? '';
  const keyFile = process.env.SSO_CONSOLE_PRIVATE_KEY_FILE?.trim() ?? '';
  if (clientId === '' && keyFile === '') {
    return undefined;
  }
  if (clientId === '' || keyFile === '') {
    throw new CliError(
      `A service app needs both SSO_CONSOLE_CLIENT_ID and SSO_CONSOLE_PRIVATE_KEY_FILE; only ${clientId === '' ? 'SSO_CONSOLE_PRIVATE_KEY_FILE' : 'SSO_CONSOLE_CLIENT_ID'} is set.`,
      'Set both (the app’s client id, and the file holding the private key whose public half is registered on the app), or neither to use an API token.',
    );
  }
  let text: string;
  try {
    text = await readFile(keyFile, 'utf8');
  } catch (error) {
    throw new CliError(
      `SSO_CONSOLE_PRIVATE_KEY_FILE names ${keyFile}, which could not be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`,
      'Point it at the PEM or JWK file of the service app’s private key.',
    );
  }
  privateKeySecrets(text).forEach((part) => {
    redactor.remember(part);
  });
  let key: ReturnType<typeof readPrivateKey>;
  try {
    key = readPrivateKey(text, keyFile, process.env.SSO_CONSOLE_KEY_ID?.trim());
  } catch (error) {
    const appError = error as AppError;
    throw new CliError(appError.message, appError.hint);
  }
  privateKeySecrets(key.privateKey).forEach((part) => {
    redactor.remember(part);
  });
  const fromEnv = process.env.SSO_CONSOLE_SCOPES?.trim() ?? '';
  const scopes = fromEnv === '' ? consoleServiceAppScopes() : fromEnv.split(/[\s,]+/u);
  return { token: key.privateKey, serviceApp: { clientId, keyId: key.keyId, scopes } };
}

/**
 * What every service the CLI builds shares: the flags' org, the data folder and the keychain.
 *
 * @remarks
 * The services are the console window's; only where their org comes from differs, so it is
 * decided here once for plan, apply, preview and export.
 */
export async function serviceContext(values: {
  'org-url'?: string;
  profile?: string;
  'user-data-dir'?: string;
}) {
  const org = await connect(values);
  const keychain = keychainStore();
  return {
    org,
    activeOrg: () => Promise.resolve(org),
    dataDir: path.resolve(values['user-data-dir'] ?? defaultDataDir()),
    keychain,
    /** A kept secret: a keychain that cannot be reached only means none is kept. */
    readKeptSecret: (account: string) => keychain.get(account).catch(() => null),
  };
}
