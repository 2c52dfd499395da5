import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import {
  type PresetId,
  SETUP_DOCUMENT_VERSION,
  type SetupDocument,
} from '../../shared/setup/setup-document.ts';
import { readAppForDocument } from '../okta/app-document.ts';
import { issuerUrl } from '../okta/issuer.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { appFieldsOf } from '../okta/org-snapshot.ts';
import type { AppliedSetup } from './exporter.ts';
import { readServerGrants } from './issuer-candidates.ts';
import { ExportIssuerChoiceError, serverIdOfIssuer } from './issuer-choice.ts';
import { exportIssuerFor } from './issuer-for-app.ts';

/**
 * A setup document for an app that is already in the org, for `sso-console export --app`: the
 * command line has the app, not the wizard's document, and the exporters work from documents.
 *
 * @remarks
 * The app's settings are read the way the wizard reads an existing app (`readAppForDocument`).
 * What the org cannot say is derived from the app's redirect URIs by the target's own callback
 * rule: Kestra's base URL and client key from `<base>/oauth/callback/<key>`, Kaimu's from
 * `<base>/auth/oidc/<slug>/callback`; other targets take the first redirect URI's origin and let
 * their exporter pick the URI that matches.
 */

/** The custom server `issuer` names in this org (`null`: the org's); refused when neither. */
function authServerIdOf(orgUrl: string, issuer: string): string | null {
  const id = serverIdOfIssuer(orgUrl, issuer);
  if (id === undefined) {
    throw new ExportIssuerChoiceError(
      `${issuer} is not an issuer of ${orgUrl}: the org authorization server's is ${orgUrl}, a custom server's ${orgUrl}/oauth2/{id}.`,
      'Give --issuer the issuer of a server of this org, exactly as written.',
      [orgUrl],
    );
  }
  return id;
}

const CALLBACK_RULES: Partial<Record<ExportTargetId, { preset: PresetId; pattern: RegExp }>> = {
  kestra: { preset: 'kestra', pattern: /^(.*)\/oauth\/callback\/([^/?#]+)$/ },
  kaimu: { preset: 'kaimu', pattern: /^(.*)\/auth\/oidc\/([^/?#]+)\/callback$/ },
};

/**
 * The document for `appId`, as `target` will read it, and what is applied of it: the app is in
 * the org already, so its ids are the org's own.
 *
 * @remarks
 * `issuer` is the issuer to export, as the export service chose it (`issuer-for-app.ts`: the
 * admin's `--issuer`, the kept setup document, or the org's policies); without one it is chosen
 * from the org alone. For a custom server, the scopes are those its access policy grants the
 * client and the groups claim is the server's (`readServerGrants`), so the file requests what
 * the setup made rather than a fixed three.
 */
export async function setupFromOrg(
  client: OktaClient,
  orgUrl: string,
  appId: string,
  options: { target: ExportTargetId; issuer?: string },
): Promise<{ document: SetupDocument; applied: AppliedSetup }> {
  const { app, trustedOrigins } = await readAppForDocument(client, appId, orgUrl);
  const raw = (await client.applicationApi.getApplication({ appId })) as unknown as {
    credentials?: { oauthClient?: { client_id?: string } };
  };
  const clientId = raw.credentials?.oauthClient?.client_id ?? appId;
  const issuerMode = appFieldsOf(raw).issuerMode;
  const mode = (['ORG_URL', 'DYNAMIC', 'CUSTOM_URL'] as const).find(
    (value) => value === issuerMode,
  );

  const authServerId =
    options.issuer === undefined
      ? (await exportIssuerFor({ client, orgUrl, appId })).authServerId
      : authServerIdOf(orgUrl, options.issuer);
  const grants =
    authServerId === null ? undefined : await readServerGrants(client, authServerId, clientId);

  const rule = CALLBACK_RULES[options.target];
  let preset: PresetId =
    app.applicationType === 'browser' ? 'spa' : app.applicationType === 'native' ? 'native' : 'web';
  let baseUrl = URL.canParse(app.redirectUris[0] ?? '')
    ? new URL(app.redirectUris[0] ?? '').origin
    : orgUrl;
  let clientKey: string | undefined;
  if (rule !== undefined) {
    const match = app.redirectUris
      .map((uri) => rule.pattern.exec(uri))
      .find((found) => found !== null);
    preset = rule.preset;
    if (match !== undefined) {
      baseUrl = match[1] ?? baseUrl;
      clientKey = match[2];
    }
  }

  const document: SetupDocument = {
    formatVersion: SETUP_DOCUMENT_VERSION,
    id: `org-${appId}`,
    target: { preset, baseUrl, ...(clientKey === undefined ? {} : { clientKey }) },
    app,
    trustedOrigins,
    assignments: { users: [], groups: [] },
    issuer:
      authServerId === null
        ? { kind: 'org', issuerMode: mode ?? 'ORG_URL' }
        : {
            kind: 'custom',
            server: { kind: 'existing', id: authServerId },
            issuerMode: mode ?? 'ORG_URL',
            scopes: grants?.scopes ?? ['openid', 'profile', 'email'],
            ...(grants?.groupsClaim === undefined ? {} : { groupsClaim: grants.groupsClaim }),
          },
  };
  return {
    document,
    applied: {
      orgUrl,
      appId,
      clientId,
      issuer: issuerUrl(orgUrl, authServerId ?? undefined),
      authServerId,
    },
  };
}
