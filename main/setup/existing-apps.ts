import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { firstItems } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { appFieldsOf, findSetupApp, setupMarkOf } from '../okta/org-snapshot.ts';
import { SEARCH_LIMIT } from './directory-search.ts';

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
