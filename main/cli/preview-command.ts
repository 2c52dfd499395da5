import { spawn } from 'node:child_process';
import path from 'node:path';

import { explainClaim } from '../../shared/preview/claims.ts';
import type { PreviewReport } from '../../shared/preview/preview-schemas.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { appFieldsOf } from '../okta/org-snapshot.ts';
import { clientSecretAccount } from '../platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../platform/secrets/keytar-secret-store.ts';
import {
  cleanUpEarlierPreviews,
  previewJournals,
  startPreviewRun,
} from '../preview/preview-run.ts';
import { CliError } from './cli-error.ts';
import { firstPastedCallback } from './pasted-address.ts';

export interface AppRecord {
  id?: string;
  label?: string;
  signOnMode?: string;
  credentials?: { oauthClient?: { client_id?: string } };
}

/** The app by id, or by exact label among OIDC apps (labels are not unique: say so). */
export async function findApp(client: OktaClient, app: string): Promise<AppRecord> {
  if (/^0oa[0-9A-Za-z]{10,}$/.test(app)) {
    return await client.applicationApi.getApplication({ appId: app });
  }
  const found: AppRecord[] = [];
  for await (const candidate of await client.applicationApi.listApplications({
    q: app,
    limit: 200,
  })) {
    const record = candidate as unknown as AppRecord;
    if (record.label === app && record.signOnMode === 'OPENID_CONNECT') {
      found.push(record);
    }
  }
  const [only, ...others] = found;
  if (only === undefined) {
    throw new CliError(
      `No OIDC app integration is labelled "${app}".`,
      'Give the app id (0oa…) or its exact label, as the Admin Console shows it.',
    );
  }
  if (others.length > 0) {
    throw new CliError(
      `${String(found.length)} OIDC app integrations are labelled "${app}": ${found.map((record) => record.id ?? '').join(', ')}.`,
      'Okta labels are not unique; give the app id with --app.',
    );
  }
  return only;
}

/** Opens the system browser (RFC 8252) without a shell: the URL is one argument. */
function openSystemBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

function printHuman(report: PreviewReport): string {
  const lines = [
    '',
    report.ok ? `Signed in at ${report.issuer}.` : `The sign-in failed at ${report.issuer}.`,
    '',
    'Timeline:',
    ...report.timeline.map(
      (entry) =>
        `  ${entry.step.padEnd(10)} ${String(entry.status ?? '—').padEnd(4)} ${entry.method} ${entry.url} (${String(Math.round(entry.durationMs))} ms)`,
    ),
  ];
  if (report.idTokenDecoded !== undefined) {
    lines.push('', 'ID token claims:');
    for (const [name, value] of Object.entries(report.idTokenDecoded.claims)) {
      const meaning = explainClaim(name);
      lines.push(
        `  ${name}: ${JSON.stringify(value)}${meaning === undefined ? '' : `  — ${meaning}`}`,
      );
    }
  }
  if (report.accessTokenView?.kind === 'opaque') {
    lines.push('', `Access token: ${report.accessTokenView.reason}`);
  }
  for (const diagnosis of report.diagnosis) {
    lines.push(
      '',
      `${diagnosis.code}${diagnosis.oktaText === null ? '' : `: Okta said "${diagnosis.oktaText}"`}`,
      `  Why: ${diagnosis.cause}`,
      `  Fix: ${diagnosis.fix}`,
    );
  }
  if (report.cleanUp.length > 0) {
    lines.push('', ...report.cleanUp);
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * `sso-console preview`: signs in to an app with its real settings and reports what happened.
 *
 * @remarks
 * The same run as the wizard's preview (`main/preview/preview-run.ts`). The client secret comes
 * from `SSO_CONSOLE_CLIENT_SECRET` or, for an app the console created on this computer, the
 * keychain; it is never printed. With `--json`, stdout carries exactly two kinds of lines: an
 * `authorize` event when the browser should open, and the final `result`.
 */
export async function runPreviewCommand(options: {
  client: OktaClient;
  orgUrl: string;
  app: string;
  issuer?: string;
  user?: string;
  open: boolean;
  json: boolean;
  dataDir: string;
  write: (text: string) => void;
  /** `--no-app-change`: never add a temporary redirect URI; the admin pastes the address. */
  allowAppChange?: boolean;
  /**
   * Opens where pasted addresses come from (standard input's lines), only when the strategy is
   * pasting; closed when the preview ends, so the process can exit.
   */
  openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
  /** Where a refused paste is explained (standard error). */
  warn?: (text: string) => void;
}): Promise<number> {
  const { client, orgUrl } = options;
  const record = await findApp(client, options.app);
  if (record.signOnMode !== 'OPENID_CONNECT') {
    throw new CliError(
      `The app ${record.id ?? options.app} is not an OIDC app integration (${record.signOnMode ?? 'unknown sign-on mode'}).`,
      'The preview signs in with OpenID Connect; pick an OIDC app.',
    );
  }
  const fields = appFieldsOf(record);
  const appId = record.id ?? '';
  const clientId = record.credentials?.oauthClient?.client_id ?? appId;
  const method = fields.tokenEndpointAuthMethod as
    'client_secret_basic' | 'client_secret_post' | 'none';
  let clientSecret = process.env.SSO_CONSOLE_CLIENT_SECRET;
  if (method !== 'none' && (clientSecret === undefined || clientSecret === '')) {
    clientSecret =
      (await new KeytarSecretStore()
        .get(clientSecretAccount(orgUrl, clientId))
        .catch(() => null)) ?? undefined;
    if (clientSecret === undefined) {
      throw new CliError(
        `The app ${appId} authenticates with ${method}, and no client secret was given.`,
        'Put it in SSO_CONSOLE_CLIENT_SECRET; the console keeps secrets in the keychain only for apps it created on this computer.',
      );
    }
  }
  const issuer = (options.issuer ?? orgUrl).replace(/\/+$/, '');
  const authServerId = /\/oauth2\/([^/]+)$/.exec(issuer)?.[1] ?? null;
  const journals = previewJournals(path.join(options.dataDir, 'journals'));
  const cleanUp = await cleanUpEarlierPreviews(client, journals);
  const run = await startPreviewRun({
    client,
    journals,
    app: {
      id: appId,
      clientId,
      redirectUris: fields.redirectUris,
      tokenEndpointAuthMethod: method,
    },
    issuer,
    authServerId,
    ...(clientSecret === undefined || method === 'none' ? {} : { clientSecret }),
    scopes: ['openid', 'profile', 'email'],
    login: options.user ?? null,
    diagnosisContext: {},
    cleanUp,
    allowAppChange: options.allowAppChange ?? true,
  });
  let pasting: { lines: AsyncIterable<string>; close(): void } | undefined;
  if (run.authorizeUrl !== null) {
    if (options.json) {
      options.write(`${JSON.stringify({ event: 'authorize', url: run.authorizeUrl })}\n`);
    } else {
      options.write(
        `${run.strategy.explanation}\nSign in${options.user === undefined ? '' : ` as ${options.user}`} at:\n  ${run.authorizeUrl}\nWaiting for the sign-in…\n`,
      );
    }
    if (options.open) {
      openSystemBrowser(run.authorizeUrl);
    }
    if (run.strategy.kind === 'paste-url') {
      if (!options.json) {
        options.write(
          `After signing in, paste the address the browser ended on (${run.strategy.redirectUri}?…) and press Enter:\n`,
        );
      }
      pasting = options.openPastedLines?.();
      void firstPastedCallback(
        pasting?.lines,
        run.strategy.redirectUri,
        options.warn ?? (() => undefined),
      ).then((callback) => {
        if (callback !== undefined) {
          run.paste(callback.toString());
        }
      });
    }
  }
  let report: PreviewReport;
  try {
    report = await run.report;
  } finally {
    pasting?.close();
  }
  if (options.json) {
    options.write(
      `${JSON.stringify({
        event: 'result',
        ok: report.ok,
        issuer: report.issuer,
        clientId: report.clientId,
        diagnosis: report.diagnosis,
        ...(report.idTokenDecoded === undefined
          ? {}
          : { idToken: { claims: report.idTokenDecoded.claims } }),
        timeline: report.timeline,
        cleanUp: report.cleanUp,
      })}\n`,
    );
  } else {
    options.write(printHuman(report));
  }
  return report.ok ? 0 : 1;
}
