import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import { explainClaim } from '../../shared/preview/claims.ts';
import type { PreviewReport } from '../../shared/preview/preview-schemas.ts';
import type { PreviewService } from '../preview/preview-service.ts';
import { CliError } from './cli-error.ts';
import { firstPastedCallback } from './pasted-address.ts';

// Where `sso-console export` finds its app too.
export { type AppRecord, findApp } from '../preview/preview-app.ts';

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
 * The preview service runs it, as it does for the console window; this command passes the flags
 * to it and prints what it answers. The client secret comes from `SSO_CONSOLE_CLIENT_SECRET` or,
 * for an app the console created on this computer, the keychain; it is never printed. With
 * `--json`, stdout carries exactly two kinds of lines: an `authorize` event when the browser
 * should open, and the final `result`.
 */
export async function runPreviewCommand(options: {
  /** The console window's preview service, acting on the flags' org. */
  previews: PreviewService;
  app: string;
  issuer?: string;
  user?: string;
  open: boolean;
  json: boolean;
  write: (text: string) => void;
  /** `--no-app-change`: never add a temporary redirect URI; the admin pastes the address. */
  allowAppChange?: boolean;
  /** Where the client secret may be given (`SSO_CONSOLE_CLIENT_SECRET`). */
  env: NodeJS.ProcessEnv;
  /**
   * Opens where pasted addresses come from (standard input's lines), only when the strategy is
   * pasting; closed when the preview ends, so the process can exit.
   */
  openPastedLines?: () => { lines: AsyncIterable<string>; close(): void };
  /** Where a refused paste is explained (standard error). */
  warn?: (text: string) => void;
}): Promise<number> {
  let run;
  try {
    run = await options.previews.startForApp({
      app: options.app,
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      login: options.user ?? null,
      ...(options.env.SSO_CONSOLE_CLIENT_SECRET === undefined
        ? {}
        : { suppliedSecret: options.env.SSO_CONSOLE_CLIENT_SECRET }),
      operationId: randomUUID(),
      allowAppChange: options.allowAppChange ?? true,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'SECRET_NOT_FOUND') {
      // Said in the command line's terms: where to put the secret.
      throw new CliError(
        error.message,
        'Put it in SSO_CONSOLE_CLIENT_SECRET; the console keeps secrets in the keychain only for apps it created on this computer.',
      );
    }
    throw error;
  }
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
