import { AppError } from '../../shared/errors.ts';
import { findTrustedOrigin, originSpellings } from '../../shared/okta/trusted-origin-match.ts';
import {
  type AppSettings,
  appSettingsSchema,
  GRANT_TYPES,
  type SetupDocument,
} from '../../shared/setup/setup-document.ts';
import { firstItems } from './collections.ts';
import type { OktaClient } from './okta-client.ts';
import { filterEquals } from './okta-filter.ts';
import { type OktaApp, readOktaApp, readOktaTrustedOrigin } from './okta-json.ts';
import { appFieldsOf } from './org-snapshot.ts';

/** A trusted origin in the document's terms. */
export type DocumentTrustedOrigin = SetupDocument['trustedOrigins'][number];

/** How many trusted origins one origin's filtered read asks for: an origin has one, rarely two. */
const ORIGIN_READ_LIMIT = 20;

const DOCUMENT_GRANT_TYPES: ReadonlySet<string> = new Set(GRANT_TYPES);

/** Okta's default consent method, for an app that does not say. */
const DEFAULT_CONSENT_METHOD = 'TRUSTED';

/**
 * An existing app read into the document's terms, with the trusted origins it relies on.
 *
 * @remarks
 * Reads through {@link appFieldsOf}, the same reading the planner compares against, so a
 * document built from the answer plans as "unchanged". Grant types the console does not set up
 * (e.g. `client_credentials`) are left out — the review page then shows them being removed. An
 * app the document cannot describe at all (a service app, `private_key_jwt`, no usable grant
 * type) is refused with what stands in the way, rather than read wrongly. For a browser app, the
 * org's trusted origins for its redirect URIs' origins come along, since its sign-in needs them.
 */
export async function readAppForDocument(
  client: OktaClient,
  appId: string,
  orgUrl: string,
): Promise<{ app: AppSettings; trustedOrigins: DocumentTrustedOrigin[] }> {
  let app: OktaApp;
  try {
    app = readOktaApp(await client.applicationApi.getApplication({ appId }));
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) {
      throw new AppError({
        code: 'OKTA_ERROR',
        message: `${orgUrl} has no app integration with id ${appId}: it may have been deleted since the list was shown.`,
        hint: 'Pick another app integration from the list, or create a new one.',
      });
    }
    throw error;
  }
  const label = app.label;
  if (app.signOnMode !== 'OPENID_CONNECT') {
    const mode = app.signOnMode || 'non-OIDC';
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `“${label}” is a ${mode} app integration. Only OIDC app integrations can be edited here.`,
      hint: 'Pick an OIDC app integration, or create a new one with the console.',
    });
  }
  const fields = appFieldsOf(app.json);
  const candidate = {
    label: fields.label,
    existingAppId: appId,
    applicationType: fields.applicationType,
    grantTypes: fields.grantTypes.filter((grant) => DOCUMENT_GRANT_TYPES.has(grant)),
    redirectUris: fields.redirectUris,
    postLogoutRedirectUris: fields.postLogoutRedirectUris,
    ...(fields.initiateLoginUri === undefined ? {} : { initiateLoginUri: fields.initiateLoginUri }),
    pkceRequired: fields.pkceRequired,
    tokenEndpointAuthMethod: fields.tokenEndpointAuthMethod,
    consentMethod: fields.consentMethod === '' ? DEFAULT_CONSENT_METHOD : fields.consentMethod,
    implicitAssignment: fields.implicitAssignment,
  };
  const parsed = appSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    const reasons = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))].map(
      (field) =>
        field === 'grantTypes'
          ? `grant types ${JSON.stringify(fields.grantTypes)} (the console sets up ${GRANT_TYPES.join(', ')})`
          : `${field} ${JSON.stringify(candidate[field as keyof typeof candidate] ?? null)}`,
    );
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `“${label}” uses settings the console does not set up — ${reasons.join('; ')} — so it cannot be edited here without changing what it is.`,
      hint: 'Edit this app in the Okta Admin Console, or create a new app integration with the console.',
    });
  }
  return {
    app: parsed.data,
    trustedOrigins:
      parsed.data.applicationType === 'browser'
        ? await trustedOriginsFor(client, parsed.data.redirectUris)
        : [],
  };
}

/** The org's trusted origins for the origins of `uris`, with the scopes the document knows. */
async function trustedOriginsFor(
  client: OktaClient,
  uris: readonly string[],
): Promise<DocumentTrustedOrigin[]> {
  const origins = [
    ...new Set(uris.flatMap((uri) => (URL.canParse(uri) ? [new URL(uri).origin] : []))),
  ].filter((origin) => origin !== 'null');
  // One filtered read per spelling of each origin (an app has one or two), never the org's whole
  // list. Okta keeps a trusted origin as it was sent, so it is asked for bare and with a trailing
  // `/`, and matched as an origin (`trusted-origin-match.ts`). Each read is a single `eq`: the
  // spec shows no `or` on this endpoint, and its filter is known to be narrow.
  const found = await Promise.all(
    origins.map(async (origin) => {
      const spellings = await Promise.all(
        originSpellings(origin).map(async (spelling) => {
          const { items } = await firstItems(
            await client.trustedOriginApi.listTrustedOrigins({
              filter: filterEquals('origin', spelling),
              limit: ORIGIN_READ_LIMIT,
            }),
            ORIGIN_READ_LIMIT,
          );
          return items.map(readOktaTrustedOrigin);
        }),
      );
      const match = findTrustedOrigin(spellings.flat(), origin);
      return match === undefined ? [] : [match];
    }),
  );
  return found.flat().flatMap((item) => {
    const scopes = item.scopeTypes.filter(
      (type): type is 'CORS' | 'REDIRECT' => type === 'CORS' || type === 'REDIRECT',
    );
    return scopes.length === 0 || item.origin === undefined
      ? []
      : [{ name: item.name ?? item.origin, origin: item.origin, scopes }];
  });
}
