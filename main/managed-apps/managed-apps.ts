import type { PresetId, SetupDocument } from '../../shared/setup/setup-document.ts';
import { collect } from '../okta/collections.ts';
import { issuerUrl } from '../okta/issuer.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import {
  type OktaApp,
  type OktaClientSecret,
  readOktaApp,
  readOktaClientSecret,
} from '../okta/okta-json.ts';
import { type OrgSnapshot, readOrgSnapshot } from '../okta/org-snapshot.ts';
import type { KeptSetupDocument } from '../platform/kept-setup-documents.ts';

/** One app the console manages in an org, as `sso-console list` shows it. */
export interface ManagedApp {
  id: string;
  label: string;
  /** Okta's `status`: `ACTIVE` or `INACTIVE`. */
  status: string;
  clientId: string;
  /** `created`: it carries the console's mark; `adopted`: a kept document names it. */
  managedAs: 'created' | 'adopted';
  /** The issuer its tokens carry: the org's, or the custom server's its document names. */
  issuer: string;
  /** The target preset of its document; `null` without a kept document. */
  target: PresetId | null;
  /** How many users and groups are assigned to it (directly). */
  users: number;
  groups: number;
  /** Whole days since its ACTIVE client secret was made; `null` for a public client or none. */
  secretAgeDays: number | null;
  /**
   * The last export verified for its client id (`exports/verifications.jsonl`): when, for which
   * target, which files (empty for records older than the file names) and their SHA-256.
   */
  lastVerifiedExport: {
    verifiedAt: string;
    target: string;
    files: string[];
    contentHash: string;
  } | null;
  /** Whether the plan of its document has changes; `null` without a kept document. */
  drift: boolean | null;
  /** The kept document it came from (`<data folder>/setups/<setup id>.json`), if any. */
  document: { id: string; file: string } | null;
}

/** A verification as recorded; only the fields the listing reads. */
export interface VerificationSummary {
  ok: boolean;
  clientId: string | null;
  /** `null` when the sign-in failed. */
  verifiedAt: string | null;
  target: string;
  /** Absent in records written before the file names were kept. */
  files?: string[];
  contentHash: string;
}

/** An app of the org paired with how the console manages it and the document it came from. */
export interface ManagedCandidate {
  app: OktaApp & { id: string };
  managedAs: ManagedApp['managedAs'];
  kept: KeptSetupDocument | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Which of the org's apps the console manages: those a kept document names in `existingAppId`
 * (adopted — an apply marks them too), and the others carrying its mark (created). `adopted` lists the apps a document names
 * that `apps` does not hold, for the caller to read one by one (404: not in this org).
 */
export function managedCandidates(
  apps: readonly OktaApp[],
  documents: readonly KeptSetupDocument[],
): { candidates: ManagedCandidate[]; unlistedAdoptedIds: string[] } {
  const candidates: ManagedCandidate[] = [];
  const seen = new Set<string>();
  for (const app of apps) {
    const { id, setupId } = app;
    if (id === undefined) {
      continue;
    }
    // An apply writes the mark into an app it adopts too: the document naming it says which.
    const adopting = documents.find(({ document }) => document.app.existingAppId === id);
    if (adopting !== undefined) {
      candidates.push({ app: { ...app, id }, managedAs: 'adopted', kept: adopting });
      seen.add(id);
    } else if (setupId !== undefined) {
      const kept = documents.find(
        ({ document }) => document.id === setupId && document.app.existingAppId === undefined,
      );
      candidates.push({ app: { ...app, id }, managedAs: 'created', kept });
      seen.add(id);
    }
  }
  const unlistedAdoptedIds = [
    ...new Set(
      documents.flatMap(({ document }) => {
        const appId = document.app.existingAppId;
        return appId === undefined || seen.has(appId) ? [] : [appId];
      }),
    ),
  ];
  return { candidates, unlistedAdoptedIds };
}

/** Whole days since the newest ACTIVE client secret was made; `null` when there is none. */
export function secretAgeDays(secrets: readonly OktaClientSecret[], now: Date): number | null {
  const created = secrets
    .filter((secret) => secret.status === 'ACTIVE' && secret.created !== undefined)
    .map((secret) => Date.parse(secret.created ?? ''))
    .filter((time) => !Number.isNaN(time));
  if (created.length === 0) {
    return null;
  }
  return Math.max(0, Math.floor((now.getTime() - Math.max(...created)) / DAY_MS));
}

/** The latest successful verification of an export for `clientId`, or `null`. */
export function lastVerifiedExport(
  records: readonly VerificationSummary[],
  clientId: string,
): ManagedApp['lastVerifiedExport'] {
  let latest: ManagedApp['lastVerifiedExport'] = null;
  for (const { ok, clientId: verified, verifiedAt, target, files, contentHash } of records) {
    if (
      ok &&
      verified === clientId &&
      verifiedAt !== null &&
      (latest === null || Date.parse(verifiedAt) >= Date.parse(latest.verifiedAt))
    ) {
      latest = { verifiedAt, target, files: files ?? [], contentHash };
    }
  }
  return latest;
}

/**
 * The issuer of an app's tokens: its document's (the org's, or the custom server it names or
 * made, found in the snapshot); without a document, the org's, which is what `issuer_mode`
 * `ORG_URL` — the console's default — says.
 */
export function issuerOf(
  orgUrl: string,
  document: SetupDocument | undefined,
  snapshot: OrgSnapshot | undefined,
): string {
  if (document === undefined || document.issuer.kind === 'org') {
    return orgUrl;
  }
  const { server } = document.issuer;
  return issuerUrl(
    orgUrl,
    server.kind === 'existing' ? server.id : (snapshot?.authServer?.id ?? undefined),
  );
}

/** What listing the managed apps of one org needs. */
export interface ManagedAppsDeps {
  /** The org's client, on its request scheduler. */
  client: OktaClient;
  orgUrl: string;
  /** The setup documents kept in the data folder. */
  documents: readonly KeptSetupDocument[];
  /** The verifications recorded in the data folder. */
  verifications: readonly VerificationSummary[];
  now: Date;
  /**
   * Whether the plan of `document` against the org as `snapshot` read it has changes — the
   * setup domain's planner, given by the composition (a domain does not import a sibling).
   */
  hasDrift(document: SetupDocument, snapshot: OrgSnapshot): Promise<boolean> | boolean;
}

/** How many items an SDK listing holds, page after page (200 to a page). */
async function countAll(collection: AsyncIterable<unknown>): Promise<number> {
  return (await collect(collection)).length;
}

async function describe(deps: ManagedAppsDeps, candidate: ManagedCandidate): Promise<ManagedApp> {
  const { client, orgUrl } = deps;
  const { app, kept } = candidate;
  const appId = app.id;
  const clientId = app.clientCredentials.clientId ?? appId;
  const isPublic = app.clientCredentials.tokenEndpointAuthMethod === 'none';
  const [users, groups, secrets, snapshot] = await Promise.all([
    client.applicationApi.listApplicationUsers({ appId, limit: 200 }).then(countAll),
    client.applicationApi.listApplicationGroupAssignments({ appId, limit: 200 }).then(countAll),
    isPublic
      ? Promise.resolve([])
      : client.applicationSSOPublicKeysApi
          .listOAuth2ClientSecrets({ appId })
          .then((secrets) => collect(secrets))
          .then((items) => items.map(readOktaClientSecret)),
    kept === undefined ? Promise.resolve(undefined) : readOrgSnapshot(client, kept.document),
  ]);
  return {
    id: appId,
    label: app.label,
    status: app.status,
    clientId,
    managedAs: candidate.managedAs,
    issuer: issuerOf(orgUrl, kept?.document, snapshot),
    target: kept?.document.target.preset ?? null,
    users,
    groups,
    secretAgeDays: secretAgeDays(secrets, deps.now),
    lastVerifiedExport: lastVerifiedExport(deps.verifications, clientId),
    drift:
      kept === undefined || snapshot === undefined
        ? null
        : await deps.hasDrift(kept.document, snapshot),
    document: kept === undefined ? null : { id: kept.document.id, file: kept.file },
  };
}

/**
 * Every app of the org the console created (its mark in the app's profile) or adopted (a kept
 * setup document names it in `existingAppId`), described for `sso-console list`, by label.
 *
 * @remarks
 * Okta cannot filter on a profile, so the OIDC apps are listed (`name eq "oidc_client"`, 200 to
 * a page: the console makes no other kind) and the mark looked for; an adopted app the listing
 * does not hold is read by id, and left out when this org has no such app (its document was
 * applied to another org). Counts go through every page of the assignments. All requests go
 * through the client, so the org's request scheduler paces them.
 */
export async function listManagedApps(deps: ManagedAppsDeps): Promise<ManagedApp[]> {
  const apps = (
    await collect(
      await deps.client.applicationApi.listApplications({
        filter: 'name eq "oidc_client"',
        limit: 200,
      }),
    )
  ).map(readOktaApp);
  const { candidates, unlistedAdoptedIds } = managedCandidates(apps, deps.documents);
  const unlisted = await Promise.all(
    unlistedAdoptedIds.map(async (appId) => {
      try {
        return [readOktaApp(await deps.client.applicationApi.getApplication({ appId }))];
      } catch (error) {
        if ((error as { status?: number }).status === 404) {
          return [];
        }
        throw error;
      }
    }),
  );
  const adopted = managedCandidates(unlisted.flat(), deps.documents).candidates.filter(
    (candidate) => candidate.managedAs === 'adopted',
  );
  const all = [...candidates, ...adopted];
  const described = await Promise.all(all.map((candidate) => describe(deps, candidate)));
  return described.sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
}
