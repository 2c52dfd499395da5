import { AppError } from '../../../shared/errors.ts';
import {
  type AppSettings,
  appSettingsSchema,
  GRANT_TYPES,
  type SetupDocument,
} from '../../../shared/setup/setup-document.ts';
import { appFieldsOf, findSetupApp, setupMarkOf } from '../../setup/org-snapshot.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { firstItems, SEARCH_LIMIT } from './directory-search.ts';

/** How many assigned users and groups the wizard shows: one page of each, never the whole list. */
export const ASSIGNMENTS_LIMIT = 50;

/** An OIDC app integration as the "edit an existing app" picker shows it. */
export interface AppMatch {
  id: string;
  label: string;
  clientId: string;
  applicationType: string;
  status: string;
  /** The setup id the console marked the app with, if it created it. */
  setupId: string | null;
}

/** A trusted origin in the document's terms. */
export type DocumentTrustedOrigin = SetupDocument['trustedOrigins'][number];

/** Who can sign in to an app, and how, as the wizard's assignment step shows it. */
export interface AppAssignments {
  appId: string | null;
  users: { id: string; login: string; displayName: string; via: 'direct' | 'group' }[];
  groups: { id: string; name: string }[];
  more: boolean;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isOidc(app: unknown): boolean {
  return asObject(app).signOnMode === 'OPENID_CONNECT';
}

function clientIdOf(app: unknown): string {
  const credentials = asObject(asObject(asObject(app).credentials).oauthClient);
  return text(credentials.client_id) || text(asObject(app).id);
}

/**
 * One page of OIDC app integrations whose label starts with `query` (the first ones for an empty
 * query).
 *
 * @remarks
 * Okta's `q` matches the start of the label *or* the internal name (`oidc_client` for every OIDC
 * app), so the label test is repeated here. Without a query, `filter=name eq "oidc_client"` asks
 * Okta for OIDC apps only, so the page is not spent on bookmarks and SAML apps. With one, `q`
 * and the sign-on mode are tested on the page Okta answered: a page may then show fewer than
 * {@link SEARCH_LIMIT} apps, and `more` says Okta had more matches of `q`.
 */
export async function listOidcApps(
  client: OktaClient,
  query: string,
): Promise<{ apps: AppMatch[]; more: boolean }> {
  const q = query.trim();
  const { items, more } = await firstItems(
    await client.applicationApi.listApplications(
      q === ''
        ? { filter: 'name eq "oidc_client"', limit: SEARCH_LIMIT + 1 }
        : { q, limit: SEARCH_LIMIT + 1 },
    ),
    SEARCH_LIMIT,
  );
  const prefix = q.toLowerCase();
  const apps = items.filter(
    (app) => isOidc(app) && text(app.label).toLowerCase().startsWith(prefix),
  );
  return {
    apps: apps.map((app) => ({
      id: text(app.id),
      label: text(app.label),
      clientId: clientIdOf(app),
      applicationType: appFieldsOf(app).applicationType,
      status: text(app.status),
      setupId: setupMarkOf(app) ?? null,
    })),
    more,
  };
}

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
  let app: unknown;
  try {
    app = await client.applicationApi.getApplication({ appId });
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
  const label = text(asObject(app).label);
  if (!isOidc(app)) {
    const mode = text(asObject(app).signOnMode) || 'non-OIDC';
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `“${label}” is a ${mode} app integration. Only OIDC app integrations can be edited here.`,
      hint: 'Pick an OIDC app integration, or create a new one with the console.',
    });
  }
  const fields = appFieldsOf(app);
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
  // One filtered read per origin (an app has one or two), never the org's whole list.
  const found = await Promise.all(
    origins.map(async (origin) => {
      const { items } = await firstItems(
        await client.trustedOriginApi.listTrustedOrigins({
          filter: `origin eq "${origin.replaceAll('"', '\\"')}"`,
          limit: SEARCH_LIMIT,
        }),
        SEARCH_LIMIT,
      );
      return items.filter((item) => item.origin === origin);
    }),
  );
  return found.flat().flatMap((item) => {
    const scopes = ((item.scopes ?? []) as { type?: unknown }[])
      .map((scope) => String(scope.type))
      .filter((type): type is 'CORS' | 'REDIRECT' => type === 'CORS' || type === 'REDIRECT');
    return scopes.length === 0 || item.origin === undefined
      ? []
      : [{ name: item.name ?? item.origin, origin: item.origin, scopes }];
  });
}

/**
 * Who can sign in to the document's app: one page of its users (direct or through a group) and
 * of its groups; `appId: null` before the app exists.
 *
 * @remarks
 * The app is found as the planner finds it ({@link findSetupApp}). Okta's `expand` embeds each
 * user and group in the same page, so names come without a call per row; a group whose
 * assignment arrives without it (a deleted group) is named by one read of its own.
 */
export async function listAppAssignments(
  client: OktaClient,
  document: SetupDocument,
): Promise<AppAssignments> {
  const app = await findSetupApp(client, document);
  const appId = text(asObject(app).id);
  if (appId === '') {
    return { appId: null, users: [], groups: [], more: false };
  }
  const [users, groups] = await Promise.all([
    (async () =>
      firstItems(
        await client.applicationApi.listApplicationUsers({
          appId,
          limit: ASSIGNMENTS_LIMIT + 1,
          expand: 'user',
        }),
        ASSIGNMENTS_LIMIT,
      ))(),
    (async () =>
      firstItems(
        await client.applicationApi.listApplicationGroupAssignments({
          appId,
          limit: ASSIGNMENTS_LIMIT + 1,
          expand: 'group',
        }),
        ASSIGNMENTS_LIMIT,
      ))(),
  ]);
  const groupRows = await Promise.all(
    groups.items.map(async (assignment) => {
      const id = assignment.id ?? '';
      const embedded = text(asObject(asObject(asObject(assignment._embedded).group).profile).name);
      return { id, name: embedded === '' ? await groupName(client, id) : embedded };
    }),
  );
  return {
    appId,
    users: users.items.map((appUser) => {
      const user = asObject(asObject(appUser._embedded).user);
      const profile = asObject(user.profile);
      const appProfile = asObject(appUser.profile);
      const login = text(asObject(appUser.credentials).userName) || text(profile.login);
      const displayName =
        [text(profile.firstName), text(profile.lastName)].filter(Boolean).join(' ') ||
        text(appProfile.name) ||
        [text(appProfile.given_name), text(appProfile.family_name)].filter(Boolean).join(' ') ||
        login;
      return {
        id: appUser.id ?? '',
        login,
        displayName,
        via: appUser.scope === 'GROUP' ? ('group' as const) : ('direct' as const),
      };
    }),
    groups: groupRows,
    more: users.more || groups.more,
  };
}

/** A group's name, or a note that it is gone (an assignment can outlive its group). */
async function groupName(client: OktaClient, groupId: string): Promise<string> {
  try {
    return (await client.groupApi.getGroup({ groupId })).profile?.name ?? groupId;
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) {
      return `Deleted group ${groupId}`;
    }
    throw error;
  }
}
