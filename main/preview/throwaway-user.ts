import { randomBytes } from 'node:crypto';

import type { OktaClient } from '../okta/okta-client.ts';
import { generateTestUserPassword } from '../platform/passwords.ts';

/** Every throwaway login starts with this, so an admin (and the cleanup) can recognise them. */
export const THROWAWAY_LOGIN_PREFIX = 'sso-console-preview-';

/** The `title` the throwaway user carries in its profile: the tag, in words. */
export const THROWAWAY_TITLE =
  'Temporary preview user created by SSO Setup Console; deleted after the preview';

/** A journal line about a throwaway user; see {@link createThrowawayUser}. */
export interface ThrowawayJournalEntry {
  kind: 'throwaway-user';
  phase: 'creating' | 'created' | 'removed';
  login: string;
  userId?: string;
  appId: string;
  at: string;
}

/** A throwaway user, with the password only main ever holds. */
export interface ThrowawayUser {
  userId: string;
  login: string;
  password: string;
}

interface Deps {
  client: OktaClient;
  journal: { append(entry: ThrowawayJournalEntry): Promise<void> };
  now?: () => Date;
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: number }).status === 404;
}

/**
 * Creates a tagged, active test user with a generated password and assigns it to the app
 * directly, for one preview.
 *
 * @remarks
 * The journal line goes first: if the console dies between creating and deleting, the next
 * preview's {@link cleanUpThrowawayUsers} finds the login there and removes the user, so no
 * preview leaves an account behind. The tag is twofold: the login prefix (searchable in the
 * Admin Console) and a `title` that says what the account is, for an admin who finds one.
 * `example.com` is the documented example domain (RFC 2606), so mail to it goes nowhere.
 */
export async function createThrowawayUser(
  deps: Deps,
  options: { appId: string },
): Promise<ThrowawayUser> {
  const now = deps.now ?? (() => new Date());
  const login = `${THROWAWAY_LOGIN_PREFIX}${randomBytes(5).toString('hex')}@example.com`;
  const password = generateTestUserPassword([login]);
  const entry = { kind: 'throwaway-user', login, appId: options.appId } as const;
  await deps.journal.append({ ...entry, phase: 'creating', at: now().toISOString() });
  const user = await deps.client.userApi.createUser({
    activate: true,
    body: {
      profile: {
        firstName: 'Preview',
        lastName: 'User',
        email: login,
        login,
        title: THROWAWAY_TITLE,
      },
      credentials: { password: { value: password } },
    },
  });
  const userId = user.id ?? '';
  await deps.journal.append({ ...entry, phase: 'created', userId, at: now().toISOString() });
  await deps.client.applicationApi.assignUserToApplication({
    appId: options.appId,
    appUser: { id: userId },
  });
  return { userId, login, password };
}

/**
 * Deactivates and deletes a throwaway user (Okta deletes only deactivated users), then notes it.
 *
 * @remarks
 * Idempotent: a user already gone (404) counts as removed, so a cleanup that was interrupted can
 * simply run again.
 */
export async function removeThrowawayUser(
  deps: Deps,
  user: { login: string; userId?: string; appId: string },
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const id = user.userId ?? user.login;
  try {
    await deps.client.userApi.deactivateUser({ userId: id });
    await deps.client.userApi.deleteUser({ userId: id });
  } catch (error) {
    if (!isNotFound(error)) {
      throw error;
    }
  }
  await deps.journal.append({
    kind: 'throwaway-user',
    phase: 'removed',
    login: user.login,
    ...(user.userId === undefined ? {} : { userId: user.userId }),
    appId: user.appId,
    at: now().toISOString(),
  });
}

/**
 * Removes every throwaway user the journal shows as created (or being created) but not removed.
 *
 * @remarks
 * A "creating" line without a "created" one may mean the create reached Okta and its answer was
 * lost, so the user is looked up by login rather than assumed absent. Only logins with the
 * console's prefix are ever touched, whatever the journal says.
 */
export async function cleanUpThrowawayUsers(
  deps: Deps,
  entries: readonly ThrowawayJournalEntry[],
): Promise<string[]> {
  const open = new Map<string, ThrowawayJournalEntry>();
  for (const entry of entries) {
    if (!entry.login.startsWith(THROWAWAY_LOGIN_PREFIX)) {
      continue;
    }
    if (entry.phase === 'removed') {
      open.delete(entry.login);
    } else {
      open.set(entry.login, { ...open.get(entry.login), ...entry });
    }
  }
  const removed: string[] = [];
  for (const entry of open.values()) {
    await removeThrowawayUser(deps, {
      login: entry.login,
      appId: entry.appId,
      ...(entry.userId === undefined ? {} : { userId: entry.userId }),
    });
    removed.push(entry.login);
  }
  return removed;
}
