import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import { EXPORT_TARGET_IDS, type VerificationResult } from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { issuerUrl } from '../okta/issuer.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { type OktaApp, readOktaApp } from '../okta/okta-json.ts';
import { type OrgSnapshot, readOrgSnapshot } from '../okta/org-snapshot.ts';
import {
  keepSetupDocument,
  keptSetupDocumentFile,
  readKeptSetupDocuments,
} from '../platform/kept-setup-documents.ts';
import {
  adoptOrgValues,
  AdoptRefusedError,
  type DriftPlan,
  type OrgDrift,
  orgDrift,
} from './org-drift.ts';
import {
  checkTargetValues,
  signInFinding,
  signInNotAttempted,
  type TargetFile,
  type TargetFinding,
  type TargetValues,
  unreadableFinding,
} from './target-drift.ts';

/**
 * Drift, both ways, as a service the console window's handlers and `sso-console drift` call
 * alike: the org against the setup document (check, Adopt, Restore), and a deployed target's
 * config file against the org — statically, and by signing in with exactly that file.
 *
 * @remarks
 * The setup domain's planner and applier, the export domain's target readers and its
 * verification (the sign-in with a file) arrive as functions (a domain never imports a
 * sibling); the command line and the composition wire them. The sign-in runs in two steps, as
 * the export's verification does, because a person signs in between: start, then finish (with a
 * pasted address when the console cannot listen on the file's redirect URI). Every answer names the document it compared — the one kept in the data folder by the
 * last apply, or a file the admin gave — so Adopt writes back exactly where it read.
 */

/** The document drift compares: the kept one (no `file`), or one the admin gave. */
export interface DocumentSource {
  document: SetupDocument;
  /** Where the admin's document is; Adopt writes it back there too. */
  file: string;
}

/** What the drift service needs from the rest of the console. */
export interface DriftServiceDeps {
  /** The org the service acts on: the connected profile's in the console, the flags' on the CLI. */
  activeOrg: () => Promise<ActiveOrg>;
  dataDir: string;
  /**
   * The setup's plan of `document` against `snapshot`, with what this computer owes (its
   * journal): the setup domain's planner, so drift is exactly "the plan is not empty".
   */
  plan(org: ActiveOrg, document: SetupDocument, snapshot: OrgSnapshot): Promise<DriftPlan>;
  /** Plans and applies `document` (the setup service's apply: journaled, keychain, lock). */
  apply(document: SetupDocument): Promise<void>;
  /**
   * The values `target` takes from `file`, read by the export's reader for it; throws with the
   * reader's message when the file does not hold what the target needs.
   */
  readTarget(target: string, file: TargetFile): TargetValues;
  /**
   * Where the secret the file references resolves here: the environment, then the keychain;
   * `null` when neither holds it.
   */
  secretSource(variable: string, clientId: string): Promise<'environment' | 'keychain' | null>;
  /** The sign-in with a target's file (the export's verification); absent: none is offered. */
  signIn?: TargetSignIn;
}

/** A sign-in with a target's file, started: where the admin signs in and how it comes back. */
export interface StartedTargetSignIn {
  verificationId: string;
  authorizeUrl: string;
  /** `app-loopback`: the console listens on the file's redirect URI; otherwise paste the address. */
  strategy: { kind: string; redirectUri: string; explanation: string };
  /** Who signs in (`null`: whoever does), and whether the keychain holds their password. */
  user: { login: string | null; passwordInKeychain: boolean };
}

/**
 * The export's verification, started from a target's file as it is deployed rather than from a
 * rendering: the same reading, secret resolution, certified sign-in, checks and record.
 */
export interface TargetSignIn {
  /**
   * Reads `file` with `target`'s reader and opens the sign-in; `stopped` when it cannot even
   * begin (the secret does not resolve, discovery or the scopes fail), with every check made.
   */
  start(request: {
    target: string;
    file: TargetFile;
    login?: string;
  }): Promise<
    | { kind: 'started'; started: StartedTargetSignIn }
    | { kind: 'stopped'; result: VerificationResult }
  >;
  wait(verificationId: string): Promise<VerificationResult>;
  paste(verificationId: string, url: string): void;
  cancel(verificationId: string): Promise<void>;
}

/** The org's drift from a document, with what was compared. */
export interface OrgDriftReport {
  orgUrl: string;
  app: { id: string; label: string; clientId: string; status: string };
  /** The document compared: its id, the kept copy (if any) and the admin's file (if given). */
  document: { id: string; keptFile: string | null; file: string | null };
  drift: OrgDrift;
}

/** What Adopt did. */
export interface AdoptReport {
  /** The document paths that now hold Okta's values. */
  adopted: string[];
  /** The files the document was written to: the kept copy, and the admin's file if given. */
  written: string[];
  /** The drift left: only what Adopt cannot take (Restore fixes it). */
  after: OrgDriftReport;
}

/** A target file checked against the org. */
export interface TargetDriftReport {
  target: string;
  file: string;
  app: { id: string; label: string; clientId: string };
  /** Whether every check passed. */
  ok: boolean;
  findings: TargetFinding[];
  /**
   * The sign-in with exactly the file, when one was asked for and ran: every check the export's
   * verification made (its `sign-in` finding says the outcome and the fix).
   */
  signIn?: Pick<VerificationResult, 'ok' | 'checks' | 'verifiedAt' | 'contentHash'>;
}

/** A target check waiting for its sign-in. */
interface PendingSignIn {
  report: TargetDriftReport;
  file: TargetFile;
}

/** `report` with the sign-in's finding (and its checks) added. */
function withSignIn(
  report: TargetDriftReport,
  finding: TargetFinding,
  result?: VerificationResult,
): TargetDriftReport {
  const findings = [...report.findings, finding];
  return {
    ...report,
    ok: findings.every((found) => found.ok),
    findings,
    ...(result === undefined
      ? {}
      : {
          signIn: {
            ok: result.ok,
            checks: result.checks,
            verifiedAt: result.verifiedAt,
            contentHash: result.contentHash,
          },
        }),
  };
}

/** Writes `text` to `file` atomically (temporary file, fsync, rename), keeping its mode. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const mode = await stat(file).then(
    (found) => found.mode & 0o777,
    () => 0o644,
  );
  const temporary = `${file}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Whether `document` is the one that manages `app`: it names it, or the app carries its mark. */
function manages(document: SetupDocument, app: OktaApp & { id: string }): boolean {
  return (
    document.app.existingAppId === app.id ||
    (document.app.existingAppId === undefined && app.setupId === document.id)
  );
}

/** Larger than any target's config file: 1 MiB. */
const MAX_TARGET_FILE_BYTES = 1024 * 1024;

/**
 * The config file at `filePath` on this computer, as the console window names it (the console is
 * local: main reads the file, the page only gives its path); unreadable said in words, so the
 * window's check and its sign-in with the file say it alike.
 */
export async function targetFileAt(filePath: string): Promise<TargetFile> {
  let found;
  try {
    found = await stat(filePath);
  } catch (error) {
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `${filePath} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}), so it was not checked.`,
      hint: 'Point at the config file the target runs with, e.g. a copy of its application.yml.',
    });
  }
  // A device, a pipe or a folder is no config file, and reading one could stall the console.
  if (!found.isFile() || found.size > MAX_TARGET_FILE_BYTES) {
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: found.isFile()
        ? `${filePath} is ${String(Math.ceil(found.size / 1024))} KiB; a target’s config file is far smaller, so it was not checked.`
        : `${filePath} is not a regular file, so it was not checked.`,
      hint: 'Point at the config file the target runs with, e.g. a copy of its application.yml.',
    });
  }
  try {
    return {
      name: path.basename(filePath),
      path: filePath,
      content: await readFile(filePath, 'utf8'),
    };
  } catch (error) {
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `${filePath} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}), so it was not checked.`,
      hint: 'Point at the config file the target runs with, e.g. a copy of its application.yml.',
    });
  }
}

/** Creates the drift service; see the module comment. */
export function createDriftService(deps: DriftServiceDeps) {
  const pendingSignIns = new Map<string, PendingSignIn>();

  function signInOf(): TargetSignIn {
    if (deps.signIn === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message:
          'This console was started without the export’s verification, so it cannot sign in with a target’s file.',
        hint: 'Check the file without the sign-in.',
      });
    }
    return deps.signIn;
  }

  /** The finding of a finished sign-in with `file`, judged against what the file says. */
  function finishedFinding(
    report: TargetDriftReport,
    file: TargetFile,
    result: VerificationResult,
  ): TargetDriftReport {
    return withSignIn(
      report,
      signInFinding(file, deps.readTarget(report.target, file), result, report.app),
      result,
    );
  }

  async function withOrg<T>(action: string, run: (org: ActiveOrg) => Promise<T>): Promise<T> {
    const org = await deps.activeOrg();
    try {
      return await run(org);
    } catch (error) {
      if (error instanceof AdoptRefusedError) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: error.message,
          hint: 'Restore the document instead, or change the app in Okta to a value the console configures.',
        });
      }
      throw toOktaAppError(error, { orgUrl: org.orgUrl, token: org.token, action });
    }
  }

  async function readApp(org: ActiveOrg, appId: string): Promise<OktaApp & { id: string }> {
    let app: OktaApp;
    try {
      app = readOktaApp(await org.client.applicationApi.getApplication({ appId }));
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `${org.orgUrl} has no app integration with the id ${appId}.`,
          hint: 'Give the app id (0oa…) or its exact label; `sso-console list` shows the apps the console manages.',
        });
      }
      throw error;
    }
    return { ...app, id: app.id ?? appId };
  }

  /** The app and the document it is compared with: the admin's, else the one kept for it. */
  async function subject(
    org: ActiveOrg,
    appId: string,
    source: DocumentSource | undefined,
  ): Promise<{ app: OktaApp & { id: string }; document: SetupDocument; keptFile: string | null }> {
    const app = await readApp(org, appId);
    const kept = await readKeptSetupDocuments(deps.dataDir);
    if (source !== undefined) {
      if (!manages(source.document, app)) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `${source.file} is not the setup document of "${app.label}" (${app.id}): it neither names the app in existingAppId nor made it.`,
          hint: 'Give the document the app was applied from, or leave the file out to use the one kept by its last apply.',
        });
      }
      const keptFile = kept.find(({ document }) => document.id === source.document.id)?.file;
      return { app, document: source.document, keptFile: keptFile ?? null };
    }
    // As `list` pairs them: a document naming the app adopted it, else the one whose mark it carries.
    const found =
      kept.find(({ document }) => document.app.existingAppId === app.id) ??
      kept.find(({ document }) => manages(document, app));
    if (found === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: `No setup document of "${app.label}" (${app.id}) is kept on this computer (${deps.dataDir}), so there is nothing to compare it with.`,
        hint: 'Give the document the app was applied from (sso-console drift FILE --app …), or apply one to it first.',
      });
    }
    return { app, document: found.document, keptFile: found.file };
  }

  async function compare(
    org: ActiveOrg,
    appId: string,
    source: DocumentSource | undefined,
  ): Promise<{ report: OrgDriftReport; snapshot: OrgSnapshot; document: SetupDocument }> {
    const { app, document, keptFile } = await subject(org, appId, source);
    const snapshot = await readOrgSnapshot(org.client, document);
    const plan = await deps.plan(org, document, snapshot);
    return {
      snapshot,
      document,
      report: {
        orgUrl: org.orgUrl,
        app: {
          id: app.id,
          label: app.label,
          clientId: app.clientCredentials.clientId ?? app.id,
          status: app.status,
        },
        document: { id: document.id, keptFile, file: source?.file ?? null },
        drift: orgDrift(plan, document),
      },
    };
  }

  const service = {
    /** The field-level drift of the app from its setup document. */
    async check(appId: string, source?: DocumentSource): Promise<OrgDriftReport> {
      return withOrg('checking drift', async (org) => (await compare(org, appId, source)).report);
    },

    /**
     * Adopt: Okta's values into the document, written where it is kept (and to the admin's
     * file, if given), every field the org does not hold kept as it was.
     */
    async adopt(appId: string, source?: DocumentSource): Promise<AdoptReport> {
      return withOrg('adopting Okta’s values', async (org) => {
        const { snapshot, document, report } = await compare(org, appId, source);
        const { document: next, adopted } = adoptOrgValues(document, snapshot);
        const written: string[] = [];
        if (adopted.length > 0) {
          await keepSetupDocument(deps.dataDir, next);
          written.push(keptSetupDocumentFile(deps.dataDir, next.id));
          if (source !== undefined) {
            await writeAtomically(source.file, `${JSON.stringify(next, null, 2)}\n`);
            written.push(source.file);
          }
        }
        const after =
          adopted.length === 0
            ? report
            : (
                await compare(
                  org,
                  appId,
                  source === undefined ? undefined : { ...source, document: next },
                )
              ).report;
        return { adopted, written, after };
      });
    },

    /** Restore: plans and applies the document, then compares again (an empty plan: no drift). */
    async restore(appId: string, source?: DocumentSource): Promise<OrgDriftReport> {
      const { document } = await withOrg('checking drift', (active) =>
        subject(active, appId, source),
      );
      await deps.apply(document);
      return withOrg(
        'checking drift',
        async (active) => (await compare(active, appId, source)).report,
      );
    },

    /** {@link checkTarget} for a file on disk (the console window's file picker gives a path). */
    async checkTargetAt(
      appId: string,
      target: string | undefined,
      filePath: string,
      source?: DocumentSource,
    ): Promise<TargetDriftReport> {
      return service.checkTarget(appId, target, await targetFileAt(filePath), source);
    },

    /**
     * Checks the config file a target runs with against Okta: read with the target's reader,
     * then client id, app status, issuer, redirect URI, token endpoint method and secret.
     */
    async checkTarget(
      appId: string,
      target: string | undefined,
      file: TargetFile,
      source?: DocumentSource,
    ): Promise<TargetDriftReport> {
      return withOrg('checking the target’s file', async (org) => {
        const { app, document } = await subject(org, appId, source);
        const { preset } = document.target;
        const chosen =
          target ?? (EXPORT_TARGET_IDS as readonly string[]).find((id) => id === preset);
        if (chosen === undefined) {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: `Which target runs with ${file.path}? The setup document is a generic "${preset}" setup, which several targets can run.`,
            hint: `Name it: --target ${EXPORT_TARGET_IDS.join('|')}.`,
          });
        }
        return checkWith(org, chosen, app, document, file);
      });
    },

    /**
     * {@link checkTarget}, then a sign-in with exactly the file, through the export's
     * verification: the admin signs in at `signIn.authorizeUrl`, and {@link finishTargetSignIn}
     * adds its finding. When the checks already failed, Okta would refuse the sign-in for the
     * reasons they give, so none is started (`signIn: null`) and the sign-in's finding says so;
     * likewise when it cannot begin (a secret that does not resolve, discovery, scopes).
     */
    async startTargetSignIn(
      appId: string,
      target: string | undefined,
      file: TargetFile,
      options: { source?: DocumentSource; login?: string } = {},
    ): Promise<{ report: TargetDriftReport; signIn: StartedTargetSignIn | null }> {
      const signIn = signInOf();
      const report = await service.checkTarget(appId, target, file, options.source);
      if (!report.ok) {
        return { report: withSignIn(report, signInNotAttempted()), signIn: null };
      }
      const begun = await signIn.start({
        target: report.target,
        file,
        ...(options.login === undefined ? {} : { login: options.login }),
      });
      if (begun.kind === 'stopped') {
        return { report: finishedFinding(report, file, begun.result), signIn: null };
      }
      pendingSignIns.set(begun.started.verificationId, { report, file });
      return { report, signIn: begun.started };
    },

    /** Waits for the sign-in {@link startTargetSignIn} began; the report with its finding. */
    async finishTargetSignIn(verificationId: string): Promise<TargetDriftReport> {
      const pending = pendingSignIns.get(verificationId);
      if (pending === undefined) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: 'That sign-in with the target’s file has ended.',
          hint: 'Check the target’s file with the sign-in again.',
        });
      }
      try {
        return finishedFinding(pending.report, pending.file, await signInOf().wait(verificationId));
      } finally {
        pendingSignIns.delete(verificationId);
      }
    },

    /** The address the browser ended on, pasted by the admin. */
    pasteTargetSignIn(verificationId: string, url: string): void {
      signInOf().paste(verificationId, url);
    },

    /** Ends a sign-in without waiting for it; frees the file's port. */
    async cancelTargetSignIn(verificationId: string): Promise<void> {
      pendingSignIns.delete(verificationId);
      await signInOf().cancel(verificationId);
    },
  };
  return service;

  async function checkWith(
    org: ActiveOrg,
    target: string,
    app: OktaApp & { id: string },
    document: SetupDocument,
    file: TargetFile,
  ): Promise<TargetDriftReport> {
    const clientId = app.clientCredentials.clientId ?? app.id;
    const summary = { id: app.id, label: app.label, clientId };
    let values: TargetValues;
    try {
      values = deps.readTarget(target, file);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        target,
        file: file.path,
        app: summary,
        ok: false,
        findings: [unreadableFinding(file, target, message)],
      };
    }
    const fileClientApp =
      values.clientId === clientId ? null : await appOfClientId(org, values.clientId);
    const snapshot =
      document.issuer.kind === 'custom' && document.issuer.server.kind === 'new'
        ? await readOrgSnapshot(org.client, document)
        : undefined;
    const expectedIssuer =
      document.issuer.kind === 'org'
        ? org.orgUrl
        : issuerUrl(
            org.orgUrl,
            document.issuer.server.kind === 'existing'
              ? document.issuer.server.id
              : snapshot?.authServer?.id,
          );
    const secret = values.clientSecret;
    // The app's: the secret the target needs is the app's, whatever client id the file gives.
    const secretSource =
      secret.kind === 'environment' ? await deps.secretSource(secret.variable, clientId) : null;
    const secretResolves =
      secret.kind === 'none' ? null : secret.kind === 'inline' ? true : secretSource !== null;
    const findings = checkTargetValues(file, target, values, {
      app: {
        ...summary,
        status: app.status,
        redirectUris: app.oauthClient.redirectUris,
        tokenEndpointAuthMethod: app.clientCredentials.tokenEndpointAuthMethod,
      },
      fileClientApp,
      expectedIssuer,
      secretResolves,
      ...(secretSource === null ? {} : { secretFrom: secretSource }),
    });
    return {
      target,
      file: file.path,
      app: summary,
      ok: findings.every((finding) => finding.ok),
      findings,
    };
  }

  /** The app whose client id is `clientId` (Okta's default client id is the app id), or `null`. */
  async function appOfClientId(
    org: ActiveOrg,
    clientId: string,
  ): Promise<{ id: string; label: string; status: string } | null> {
    if (!/^[0-9A-Za-z]{10,40}$/.test(clientId)) {
      return null;
    }
    try {
      const app = readOktaApp(await org.client.applicationApi.getApplication({ appId: clientId }));
      return { id: app.id ?? clientId, label: app.label, status: app.status };
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        return null;
      }
      throw error;
    }
  }
}

/** The drift service; see {@link createDriftService}. */
export type DriftService = ReturnType<typeof createDriftService>;
