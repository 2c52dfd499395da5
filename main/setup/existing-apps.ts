import type { AppAssignments, AppMatch } from '../../shared/ipc/contract.ts';
import { notEditableReason, signOnModeName } from '../../shared/okta/sign-on-modes.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { firstItems } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { filterEquals } from '../okta/okta-filter.ts';
import {
  readOktaApp,
  readOktaAppUser,
  readOktaGroup,
  readOktaGroupAssignment,
} from '../okta/okta-json.ts';
import { findSetupApp } from '../okta/org-snapshot.ts';
import { SEARCH_LIMIT } from './directory-search.ts';

/** How many assigned users and groups the wizard shows: one page of each, never the whole list. */
export const ASSIGNMENTS_LIMIT = 50;

/**
 * One page of app integrations whose label starts with `query` (the first ones for an empty
 * query), of every sign-on mode.
 *
 * @remarks
 * A real org holds SAML, SWA and bookmark apps beside its OIDC ones; they are listed with the
 * reason the console will not edit them, so an admin looking for "Grafana" finds their SAML
 * Grafana and learns why it is not offered, rather than nothing. Only custom OIDC apps
 * (`oidc_client`) are editable: Okta's own apps and OIN catalog apps are OIDC too, but theirs. Okta's `q` matches the start of
 * the label *or* the internal name (`oidc_client` for every OIDC app), so the label test is
 * repeated here: a page may then show fewer than {@link SEARCH_LIMIT} apps, and `more` says Okta
 * had more matches of `q`.
 */
export async function listApps(
  client: OktaClient,
  query: string,
): Promise<{ apps: AppMatch[]; more: boolean }> {
  const q = query.trim();
  const page = async (request: { q?: string; filter?: string }) =>
    firstItems(
      await client.applicationApi.listApplications({ ...request, limit: SEARCH_LIMIT + 1 }),
      SEARCH_LIMIT,
    );
  let items: unknown[];
  let more: boolean;
  if (q === '') {
    // The first page of a big org could be all SAML, SWA and Okta's own apps: the editable ones
    // come first from a read of their own, then the others fill what room is left.
    const [editable, all] = await Promise.all([
      page({ filter: filterEquals('name', 'oidc_client') }),
      page({}),
    ]);
    const others = all.items.filter((item) => readOktaApp(item).name !== 'oidc_client');
    items = [...editable.items, ...others].slice(0, SEARCH_LIMIT);
    more = editable.more || all.more || editable.items.length + others.length > SEARCH_LIMIT;
  } else {
    ({ items, more } = await page({ q }));
  }
  const prefix = q.toLowerCase();
  const apps = items.map(readOktaApp).filter((app) => app.label.toLowerCase().startsWith(prefix));
  return {
    apps: apps.map((app) => {
      const oidc = app.signOnMode === 'OPENID_CONNECT';
      return {
        id: app.id ?? '',
        label: app.label,
        signOnMode: app.signOnMode,
        notEditable: notEditableReason(app.signOnMode, app.name, app.oauthClient.applicationType),
        clientId: oidc ? (app.clientCredentials.clientId ?? app.id ?? '') : '',
        applicationType: oidc ? app.oauthClient.applicationType : signOnModeName(app.signOnMode),
        status: app.status,
        setupId: app.setupId ?? null,
      };
    }),
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
  const appId = app?.id ?? '';
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
    groups.items.map(readOktaGroupAssignment).map(async (assignment) => {
      const id = assignment.id ?? '';
      const embedded = assignment.group.name ?? '';
      return { id, name: embedded === '' ? await groupName(client, id) : embedded };
    }),
  );
  return {
    appId,
    users: users.items.map(readOktaAppUser).map((appUser) => {
      const { user, profile } = appUser;
      const login = appUser.userName ?? user.login;
      const displayName =
        [user.firstName, user.lastName].filter(Boolean).join(' ') ||
        profile.name ||
        [profile.givenName, profile.familyName].filter(Boolean).join(' ') ||
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
    return readOktaGroup(await client.groupApi.getGroup({ groupId })).name ?? groupId;
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) {
      return `Deleted group ${groupId}`;
    }
    throw error;
  }
}
