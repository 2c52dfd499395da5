import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import { EXPORT_TARGET_IDS } from '../../shared/export/export-targets.ts';
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
  type TargetFile,
  type TargetFinding,
  type TargetValues,
  unreadableFinding,
} from './target-drift.ts';

/**
 * Drift, both ways, as a service the console window's handlers and `sso-console drift` call
 * alike: the org against the setup document (check, Adopt, Restore), and a deployed target's
 * config file against the org.
 *
 * @remarks
 * The setup domain's planner and applier and the export domain's target readers arrive as
 * functions (a domain never imports a sibling); the command line and the composition wire
 * them. Every answer names the document it compared — the one kept in the data folder by the
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
  /** Whether the secret the file references resolves here: the environment, then the keychain. */
  secretResolves(variable: string, clientId: string): Promise<boolean>;
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

/** Creates the drift service; see the module comment. */
export function createDriftService(deps: DriftServiceDeps) {
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
  };
  return service;

  /** The config file at `filePath`, as the admin pointed at it; unreadable said in words. */
  async function targetFileAt(filePath: string): Promise<TargetFile> {
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
    const secretResolves =
      secret.kind === 'none'
        ? null
        : secret.kind === 'inline'
          ? true
          : // The app's: the secret the target needs is the app's, whatever client id the file gives.
            await deps.secretResolves(secret.variable, clientId);
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
