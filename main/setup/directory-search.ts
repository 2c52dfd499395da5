import type { GroupMatch, UserMatch } from '../../shared/ipc/contract.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { firstItems } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';

/** How many matches a search answers with: enough to pick from, small enough to stay instant. */
export const SEARCH_LIMIT = 20;

/**
 * Search-as-you-type over the org's users and groups, for the wizard's assignment step.
 *
 * @remarks
 * An org may hold 100,000 users, so nothing here lists a directory: each search asks Okta for
 * one page of matches (`q`, which matches the start of first name, last name or email; one
 * more than shown, to know whether there are more) and stops reading there — the SDK's
 * iterator fetches the next page only when asked. The org comes from `activeOrg`, which keeps
 * what it resolved until the profiles change (`createActiveOrg`), so a keystroke costs one
 * request to Okta and no read of the profile file or the keychain (issue 16, P3).
 */
export function createDirectorySearch(activeOrg: () => Promise<ActiveOrg>) {
  /** Runs one search against the active org, with Okta's failures explained. */
  async function search<T>(action: string, run: (client: OktaClient) => Promise<T>): Promise<T> {
    const org = await activeOrg();
    try {
      return await run(org.client);
    } catch (error) {
      throw toOktaAppError(error, { orgUrl: org.orgUrl, token: org.token, action });
    }
  }

  return {
    async users(query: string): Promise<{ matches: UserMatch[]; more: boolean }> {
      const q = query.trim();
      if (q === '') {
        return { matches: [], more: false };
      }
      const { items, more } = await search('searching users', async (client) =>
        firstItems(await client.userApi.listUsers({ q, limit: SEARCH_LIMIT + 1 }), SEARCH_LIMIT),
      );
      return {
        matches: items.map((user) => ({
          id: user.id ?? '',
          login: user.profile?.login ?? '',
          displayName: [user.profile?.firstName, user.profile?.lastName].filter(Boolean).join(' '),
          status: user.status ?? '',
        })),
        more,
      };
    },

    async groups(query: string): Promise<{ matches: GroupMatch[]; more: boolean }> {
      const q = query.trim();
      if (q === '') {
        return { matches: [], more: false };
      }
      const { items, more } = await search('searching groups', async (client) =>
        firstItems(await client.groupApi.listGroups({ q, limit: SEARCH_LIMIT + 1 }), SEARCH_LIMIT),
      );
      return {
        matches: items.map((group) => ({
          id: group.id ?? '',
          name: group.profile?.name ?? '',
          description: group.profile?.description ?? '',
        })),
        more,
      };
    },
  };
}

/** The directory search; see {@link createDirectorySearch}. */
export type DirectorySearch = ReturnType<typeof createDirectorySearch>;
