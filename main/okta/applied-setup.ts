import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { issuerUrl } from './issuer.ts';
import type { OktaClient } from './okta-client.ts';
import { readOktaApp } from './okta-json.ts';
import { readOrgSnapshot } from './org-snapshot.ts';
import { type OrgSnapshot } from './org-snapshot.ts';

/** What was applied: the ids the org gave, read back from the org. */
export interface AppliedSetup {
  orgUrl: string;
  appId: string;
  clientId: string;
  /** The issuer the app's tokens carry (`orgUrl`, or the custom server's). */
  issuer: string;
  /** The custom authorization server's id; `null` for the org authorization server. */
  authServerId: string | null;
}

/** The document's app (or its new custom server) is not in the org: apply the setup first. */
export class SetupNotAppliedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupNotAppliedError';
  }
}

/**
 * The applied setup of `document` as the org has it now — its app, client id, issuer — with the
 * snapshot it was read from.
 *
 * @remarks
 * One reading for everything that works on an applied setup (the login preview, the export), so
 * they cannot disagree on which app or which issuer a document means. Read from the org rather
 * than the wizard's memory, so a preview or export days after the apply reflects what is there.
 * Callers say, in their own words, what the missing setup stops them from doing.
 */
export async function readAppliedSetup(
  client: OktaClient,
  orgUrl: string,
  document: SetupDocument,
): Promise<{
  applied: AppliedSetup;
  snapshot: OrgSnapshot & { app: NonNullable<OrgSnapshot['app']> };
}> {
  const snapshot = await readOrgSnapshot(client, document);
  const snapshotApp = snapshot.app;
  if (snapshotApp === undefined) {
    throw new SetupNotAppliedError(
      `The app integration "${document.app.label}" is not in ${orgUrl} yet`,
    );
  }
  const appId = snapshotApp.id;
  const app = readOktaApp(await client.applicationApi.getApplication({ appId }));
  const authServerId =
    document.issuer.kind === 'org'
      ? null
      : document.issuer.server.kind === 'existing'
        ? document.issuer.server.id
        : (snapshot.authServer?.id ?? null);
  if (document.issuer.kind === 'custom' && authServerId === null) {
    throw new SetupNotAppliedError(
      `The authorization server "${document.issuer.server.kind === 'new' ? document.issuer.server.name : ''}" is not in ${orgUrl} yet`,
    );
  }
  return {
    applied: {
      orgUrl,
      appId,
      clientId: app.clientCredentials.clientId ?? appId,
      issuer: issuerUrl(orgUrl, authServerId ?? undefined),
      authServerId,
    },
    snapshot: { ...snapshot, app: snapshotApp },
  };
}
