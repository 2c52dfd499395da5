import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { SetupObjects } from '../okta/setup-objects.ts';

/**
 * A line of a setup's journal, as the teardown reads it: the apply's entries (what it created)
 * and the teardown's own (`destroy:` steps).
 *
 * @remarks
 * Written structurally rather than imported: the journal belongs to the setup domain, and a
 * domain does not import a sibling. The setup's `JournalEntry` is assignable to it.
 */
export interface JournalLine {
  setupId: string;
  orgUrl?: string | undefined;
  stepKey: string;
  phase: string;
  at: string;
  action?: string | undefined;
  objectId?: string | undefined;
  detail?: string | undefined;
}

/** A line of the preview's throwaway-user journal, as the teardown reads it. */
export interface ThrowawayLine {
  phase: string;
  login: string;
  userId?: string | undefined;
  appId: string;
}

/** The kinds of object a teardown removes, in the order it removes them. */
export const REMOVAL_KINDS = [
  'app',
  'test-user',
  'throwaway-user',
  'trusted-origin',
  'access-policy',
  'claim',
  'scope',
  'auth-server',
] as const;

/** One object the teardown removes, and why it is this setup's. */
export interface Removal {
  /** The journal step, e.g. `destroy:app`, `destroy:scope:kaimu.read`. */
  key: string;
  kind: (typeof REMOVAL_KINDS)[number];
  /** What an admin reads, e.g. `App integration "Kestra" (0oa…)`. */
  title: string;
  objectId: string;
  /** The custom server the object is on (policies, claims, scopes). */
  authServerId?: string;
  /** Whether it is active now: the app, users and the server are deactivated before deletion. */
  isActive: boolean;
  /** Why it is this setup's: its mark, the journal. */
  why: string;
}

/** An object the document names that the teardown leaves in place, and why. */
export interface LeftAlone {
  title: string;
  why: string;
}

/** A secret this setup kept in the keychain, forgotten once its object is gone. */
export interface SecretToForget {
  kind: 'client-secret' | 'test-user-password';
  /** The client id, or the test user's login. */
  id: string;
  /** The removal that must succeed first; `undefined` when the object is gone already. */
  after: string | undefined;
}

/** A teardown: removals in order, what stays, and the keychain entries to forget. */
export interface TeardownPlan {
  removals: Removal[];
  leftAlone: LeftAlone[];
  secrets: SecretToForget[];
}

/** A write's outcomes in the apply journal; `not-sent`: cancelled before it reached Okta. */
const OUTCOMES = new Set(['done', 'found', 'not-found', 'failed', 'not-sent']);

/**
 * What the journal says this computer created, by the apply's step key: the object's id when
 * Okta answered, `undefined` when the create was settled by reading or is still in doubt.
 *
 * @remarks
 * Only the last `started` create of each step counts: an apply after an earlier teardown creates
 * again. A create Okta refused, or that reading showed was never made, made nothing. One still
 * in doubt counts: the plan that asked for it had found no such object, so whatever answers to
 * its name now was made by it.
 */
export function createdByJournal(lines: readonly JournalLine[]): Map<string, string | undefined> {
  const created = new Map<string, string | undefined>();
  const open = new Set<string>();
  for (const line of lines) {
    if (line.stepKey.startsWith('destroy:')) {
      continue;
    }
    if (line.phase === 'started') {
      if (line.action === 'create') {
        open.add(line.stepKey);
        created.set(line.stepKey, undefined);
      } else {
        open.delete(line.stepKey);
      }
    } else if (OUTCOMES.has(line.phase) && open.has(line.stepKey)) {
      open.delete(line.stepKey);
      if (line.phase === 'done' || line.phase === 'found') {
        created.set(line.stepKey, line.objectId);
      } else {
        created.delete(line.stepKey);
      }
    }
  }
  return created;
}

/** Whether the journal created the object of `stepKey`, and it is `id` (when the id is known). */
function journalMade(created: Map<string, string | undefined>, stepKey: string, id: string) {
  if (!created.has(stepKey)) {
    return false;
  }
  const known = created.get(stepKey);
  return known === undefined || known === id;
}

/** The mark the console writes into the description of the policies it creates. */
export function policyMarkOf(document: SetupDocument): string {
  return `[sso-console ${document.id}]`;
}

const BY_JOURNAL = 'created by this setup, as its journal records';

/**
 * Plans the teardown of a setup: exactly the objects it made, and nothing else.
 *
 * @remarks
 * A pure function of the document, the journal and a reading of the org, so the command line and
 * tests share it. What counts as the setup's:
 * - the app carrying the setup's mark (`x-sso-console` in its profile); an app the document
 *   edits (`existingAppId`) is never deleted, whatever its mark. Its assignments go with it;
 * - the test user, when the journal created it (by its id, or by its login while the create
 *   was in doubt); a user of the same login made by someone else is left;
 * - the throwaway users previews of this app left (their journal, the console's login prefix);
 * - trusted origins, scopes, claims and the new server, when the journal created them;
 * - access policies on the server carrying the setup's mark in their description (their rules go
 *   with them).
 *
 * A server the setup created is removed whole: what is on it goes with it.
 */
export function planTeardown(input: {
  document: SetupDocument;
  journal: readonly JournalLine[];
  throwaways: readonly ThrowawayLine[];
  throwawayPrefix: string;
  objects: SetupObjects;
}): TeardownPlan {
  const { document, objects } = input;
  const { snapshot } = objects;
  const created = createdByJournal(input.journal);
  const removals: Removal[] = [];
  const leftAlone: LeftAlone[] = [];
  const secrets: SecretToForget[] = [];

  // The app.
  const app = snapshot.app;
  const label = app?.fields.label ?? document.app.label;
  const journalApp = created.get('app');
  let removedAppId: string | undefined;
  if (document.app.existingAppId !== undefined) {
    if (app !== undefined) {
      leftAlone.push({
        title: `App integration "${label}" (${app.id})`,
        why: 'the document edits an existing app (existingAppId): it is never deleted, nor its assignments',
      });
    }
  } else if (app !== undefined) {
    removedAppId = app.id;
    removals.push({
      key: 'destroy:app',
      kind: 'app',
      title: `App integration "${label}" (${app.id})`,
      objectId: app.id,
      isActive: app.status === 'ACTIVE',
      why: `made by this setup (its mark x-sso-console: ${document.id}${
        journalApp === app.id ? '; and its journal' : ''
      }); its user and group assignments go with it`,
    });
  }
  if (created.has('app') && document.app.existingAppId === undefined) {
    const clientId =
      app !== undefined && (journalApp === undefined || journalApp === app.id)
        ? (app.clientId ?? app.id)
        : journalApp;
    if (clientId !== undefined && document.app.tokenEndpointAuthMethod !== 'none') {
      secrets.push({
        kind: 'client-secret',
        id: clientId,
        after: app === undefined ? undefined : 'destroy:app',
      });
    }
  }

  // The test user, and the users and groups the document names.
  const testUser = document.assignments.testUser;
  if (testUser !== undefined) {
    const stepKey = `test-user:${testUser.email}`;
    const user = objects.users.get(testUser.email);
    if (user !== undefined && journalMade(created, stepKey, user.id)) {
      removals.push({
        key: `destroy:${stepKey}`,
        kind: 'test-user',
        title: `Test user "${testUser.email}" (${user.id})`,
        objectId: user.id,
        isActive: user.status !== 'DEPROVISIONED',
        why: BY_JOURNAL,
      });
    } else if (user !== undefined) {
      leftAlone.push({
        title: `User "${testUser.email}"`,
        why: 'it existed before: this setup’s journal did not create it',
      });
    }
    if (created.has(stepKey) && (user === undefined || journalMade(created, stepKey, user.id))) {
      secrets.push({
        kind: 'test-user-password',
        id: testUser.email,
        after: user === undefined ? undefined : `destroy:${stepKey}`,
      });
    }
  }
  for (const { login } of document.assignments.users) {
    if (snapshot.usersByLogin.has(login)) {
      leftAlone.push({
        title: `User "${login}"`,
        why: 'it existed before (the setup only assigned it)',
      });
    }
  }
  for (const { name } of document.assignments.groups) {
    if (snapshot.groupsByName.has(name)) {
      leftAlone.push({
        title: `Group "${name}"`,
        why: 'it existed before (the setup only assigned it)',
      });
    }
  }

  // Throwaway users the previews of this app left behind.
  // The app's id from the journal too: after the app is gone, a resumed teardown still finds them.
  const appIds = new Set(
    [removedAppId, document.app.existingAppId === undefined ? journalApp : undefined].filter(
      (id) => id !== undefined,
    ),
  );
  for (const appId of appIds) {
    for (const login of openThrowaways(input.throwaways, input.throwawayPrefix, appId)) {
      const user = objects.users.get(login);
      if (user !== undefined) {
        removals.push({
          key: `destroy:throwaway-user:${login}`,
          kind: 'throwaway-user',
          title: `Throwaway user "${login}" (${user.id})`,
          objectId: user.id,
          isActive: user.status !== 'DEPROVISIONED',
          why: 'made by a preview of this app (the preview’s journal, the console’s login prefix)',
        });
      }
    }
  }

  // Trusted origins.
  for (const origin of document.trustedOrigins) {
    const found = snapshot.trustedOrigins.get(origin.origin);
    if (found === undefined) {
      continue;
    }
    const stepKey = `trusted-origin:${origin.origin}`;
    if (journalMade(created, stepKey, found.id)) {
      removals.push({
        key: `destroy:${stepKey}`,
        kind: 'trusted-origin',
        title: `Trusted origin "${origin.name}" (${origin.origin})`,
        objectId: found.id,
        isActive: false,
        why: BY_JOURNAL,
      });
    } else {
      leftAlone.push({
        title: `Trusted origin "${origin.name}" (${origin.origin})`,
        why: 'it existed before: this setup’s journal did not create it',
      });
    }
  }

  // The custom server and what the setup made on it.
  const { issuer } = document;
  const server = objects.authServer;
  if (issuer.kind === 'custom' && server !== undefined) {
    const serverTitle = `Authorization server "${server.name}" (${server.id})`;
    if (issuer.server.kind === 'new' && journalMade(created, 'auth-server', server.id)) {
      removals.push(...serverObjects(document, server, created, leftAlone, 'mark-only'));
      removals.push({
        key: 'destroy:auth-server',
        kind: 'auth-server',
        title: serverTitle,
        objectId: server.id,
        isActive: server.status === 'ACTIVE',
        why: `${BY_JOURNAL}; its scopes, claims and policies go with it`,
      });
    } else {
      leftAlone.push({
        title: serverTitle,
        why:
          issuer.server.kind === 'existing'
            ? 'the document uses an existing server'
            : 'it existed before: this setup’s journal did not create it',
      });
      removals.push(...serverObjects(document, server, created, leftAlone, 'all'));
    }
  }

  return { removals: sortRemovals(removals), leftAlone, secrets };
}

/**
 * The setup's objects on a server: policies by mark, claims and scopes by journal. With
 * `mark-only` (the server itself goes), nothing is listed: they go with it.
 */
function serverObjects(
  document: SetupDocument,
  server: NonNullable<SetupObjects['authServer']>,
  created: Map<string, string | undefined>,
  leftAlone: LeftAlone[],
  which: 'mark-only' | 'all',
): Removal[] {
  const { issuer } = document;
  if (which === 'mark-only' || issuer.kind !== 'custom') {
    return [];
  }
  const removals: Removal[] = [];
  const mark = policyMarkOf(document);
  for (const policy of server.policies) {
    if (policy.description.includes(mark)) {
      removals.push({
        key: `destroy:access-policy:${policy.id}`,
        kind: 'access-policy',
        title: `Access policy "${policy.name}" (${policy.id})`,
        objectId: policy.id,
        authServerId: server.id,
        isActive: false,
        why: `made by this setup (its mark ${mark} in the description); its rules go with it`,
      });
    }
  }
  const claim = issuer.groupsClaim;
  if (claim !== undefined) {
    const found = server.claims.find((candidate) => candidate.name === claim.name);
    if (found !== undefined) {
      if (journalMade(created, `claim:${claim.name}`, found.id)) {
        removals.push({
          key: `destroy:claim:${claim.name}`,
          kind: 'claim',
          title: `Groups claim "${claim.name}" (${found.id})`,
          objectId: found.id,
          authServerId: server.id,
          isActive: false,
          why: BY_JOURNAL,
        });
      } else {
        leftAlone.push({
          title: `Claim "${claim.name}"`,
          why: 'it existed before: this setup’s journal did not create it',
        });
      }
    }
  }
  for (const name of issuer.scopes) {
    const found = server.scopes.find((candidate) => candidate.name === name);
    if (found === undefined) {
      continue;
    }
    if (journalMade(created, `scope:${name}`, found.id)) {
      removals.push({
        key: `destroy:scope:${name}`,
        kind: 'scope',
        title: `Scope "${name}" (${found.id})`,
        objectId: found.id,
        authServerId: server.id,
        isActive: false,
        why: BY_JOURNAL,
      });
    } else {
      leftAlone.push({
        title: `Scope "${name}"`,
        why: 'it existed before: this setup’s journal did not create it',
      });
    }
  }
  return removals;
}

/** Throwaway logins the preview's journal shows made for `appId` and never removed. */
function openThrowaways(lines: readonly ThrowawayLine[], prefix: string, appId: string): string[] {
  const open = new Set<string>();
  for (const line of lines) {
    if (!line.login.startsWith(prefix) || line.appId !== appId) {
      continue;
    }
    if (line.phase === 'removed') {
      open.delete(line.login);
    } else {
      open.add(line.login);
    }
  }
  return [...open];
}

function sortRemovals(removals: Removal[]): Removal[] {
  return removals
    .map((removal, index) => ({ removal, index }))
    .sort(
      (a, b) =>
        REMOVAL_KINDS.indexOf(a.removal.kind) - REMOVAL_KINDS.indexOf(b.removal.kind) ||
        a.index - b.index,
    )
    .map(({ removal }) => removal);
}

/** The logins of throwaway users the preview's journal names: the reader looks them up. */
export function throwawayLogins(lines: readonly ThrowawayLine[], prefix: string): string[] {
  return [
    ...new Set(lines.filter((line) => line.login.startsWith(prefix)).map((line) => line.login)),
  ];
}

/** The plan as a terminal shows it: `-` for each removal, `=` for each object left alone. */
export function renderTeardownPlan(plan: TeardownPlan, orgUrl: string): string {
  const lines = [`Teardown of the setup in ${orgUrl}:`, ''];
  for (const removal of plan.removals) {
    lines.push(`- ${removal.title}: delete — ${removal.why}`);
  }
  for (const left of plan.leftAlone) {
    lines.push(`= ${left.title}: left alone — ${left.why}`);
  }
  lines.push(
    '',
    plan.removals.length === 0
      ? 'Nothing to remove: the org holds no object this setup made.'
      : `${String(plan.removals.length)} to delete, ${String(plan.leftAlone.length)} left alone.`,
  );
  return `${lines.join('\n')}\n`;
}
