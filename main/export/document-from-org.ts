import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import { type Preset, presetForExportTarget, PRESETS } from '../../shared/setup/presets.ts';
import {
  type PresetId,
  SETUP_DOCUMENT_VERSION,
  type SetupDocument,
} from '../../shared/setup/setup-document.ts';
import { readAppForDocument } from '../okta/app-document.ts';
import { getAppGroupsClaim } from '../okta/app-groups-claim.ts';
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
 * rule, inverted ({@link baseOfCallback}): Kestra's base URL and client key from
 * `<base>/oauth/callback/<key>`, Grafana's root URL from `<root_url>/login/okta`, and so on for
 * every target with a preset; a generic format takes the first redirect URI's origin.
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

/**
 * The base URL (and client key) from which `preset` builds `uri` as its callback, or
 * `undefined` when `uri` is not one of its callbacks.
 *
 * @remarks
 * Inverts the preset's own rule rather than a second copy of it: the callback is built from a
 * stand-in base URL and client key, and the rest of it must match `uri` exactly.
 */
export function baseOfCallback(
  preset: Preset,
  uri: string,
): { baseUrl: string; clientKey: string | undefined } | undefined {
  const base = 'https://base.invalid';
  const key = 'clientkeysentinel';
  const hasKey = preset.defaultClientKey !== undefined;
  const template = preset.uris(base, hasKey ? key : undefined).callback;
  if (!template.startsWith(base)) {
    return undefined;
  }
  const rest = template
    .slice(base.length)
    .replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(key, '([^/?#]+)');
  const match = new RegExp(`^(https?://.+?)${rest}$`).exec(uri);
  if (match === null) {
    return undefined;
  }
  return {
    baseUrl: match[1] ?? '',
    clientKey: hasKey ? decodeURIComponent(match[2] ?? '') : undefined,
  };
}

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
  // On the org server, the app's own groups claim (Sign On tab), which a target such as Grafana
  // maps roles from. Its route is internal and opened by no OAuth scope: a service app cannot
  // read it, and the file then asks for no groups.
  const orgGroupsClaim =
    authServerId === null
      ? await getAppGroupsClaim(client, appId).catch(() => undefined)
      : undefined;

  // The target's preset, and the base URL its callback rule was built from.
  const targetPreset = presetForExportTarget(options.target);
  let preset: PresetId =
    targetPreset ??
    (app.applicationType === 'browser'
      ? 'spa'
      : app.applicationType === 'native'
        ? 'native'
        : 'web');
  let baseUrl = URL.canParse(app.redirectUris[0] ?? '')
    ? new URL(app.redirectUris[0] ?? '').origin
    : orgUrl;
  let clientKey: string | undefined;
  if (targetPreset !== undefined) {
    const found = app.redirectUris
      .map((uri) => baseOfCallback(PRESETS[targetPreset], uri))
      .find((match) => match !== undefined);
    preset = targetPreset;
    if (found !== undefined) {
      baseUrl = found.baseUrl;
      clientKey = found.clientKey;
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
        ? {
            kind: 'org',
            issuerMode: mode ?? 'ORG_URL',
            ...(orgGroupsClaim === undefined ? {} : { groupsClaim: orgGroupsClaim }),
          }
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
