import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { OrgSnapshot } from '../okta/org-snapshot.ts';

/**
 * One object a plan read, with what the plan depends on of it.
 *
 * @remarks
 * `facts` holds Okta's `lastUpdated` where Okta gives one, and the values the plan compared
 * (an app's managed fields, an origin's scopes, which of the named users are assigned); `null`
 * when the object was not in the org. Two readings with equal facts lead to the same plan.
 */
export interface BasisItem {
  /** Stable within a document: `app`, `user:ada@example.com`, `assigned-groups`… */
  key: string;
  /** What an admin reads: `App integration "Kestra"`. */
  title: string;
  facts: Record<string, unknown> | null;
}

/** One object that changed in the org since a plan was made. */
export interface BasisChange {
  key: string;
  title: string;
  /** In words: "changed in the org", "created in the org since the review", … */
  summary: string;
  /** The facts that differ; empty when the object appeared or went as a whole. */
  fields: { field: string; before: unknown; after: unknown }[];
}

const sorted = (values: Iterable<string>) => [...values].sort();

/**
 * What a plan of `document` reads of the org, object by object.
 *
 * @remarks
 * Pure, like the planner, so a plan carries it as data: the console keeps it with the plan the
 * admin reviews, and `sso-console plan --out` writes it into the plan file. Before the first
 * write, apply reads the org again and compares ({@link compareBasis}); a difference means the
 * admin reviewed a plan of an org that is no longer there.
 */
export function planBasis(document: SetupDocument, snapshot: OrgSnapshot): BasisItem[] {
  const items: BasisItem[] = [];
  const { app } = snapshot;
  items.push({
    key: 'app',
    title: `App integration "${document.app.label}"`,
    facts:
      app === undefined
        ? null
        : { id: app.id, lastUpdated: app.lastUpdated, status: app.status, ...app.fields },
  });

  const { testUser } = document.assignments;
  const logins = [
    ...(testUser === undefined ? [] : [testUser.email]),
    ...(document.app.implicitAssignment
      ? []
      : document.assignments.users.map((user) => user.login)),
  ];
  const userIds = new Set<string>();
  for (const login of new Set(logins)) {
    const user = snapshot.usersByLogin.get(login);
    if (user !== undefined) {
      userIds.add(user.id);
    }
    items.push({
      key: `user:${login}`,
      title: `User ${login}`,
      facts: user === undefined ? null : { id: user.id },
    });
  }
  const groupNames = document.app.implicitAssignment
    ? []
    : document.assignments.groups.map((group) => group.name);
  const groupIds = new Set<string>();
  for (const name of groupNames) {
    const group = snapshot.groupsByName.get(name);
    if (group !== undefined) {
      groupIds.add(group.id);
    }
    items.push({
      key: `group:${name}`,
      title: `Group "${name}"`,
      facts: group === undefined ? null : { id: group.id },
    });
  }
  if (userIds.size > 0) {
    items.push({
      key: 'assigned-users',
      title: `Users assigned to "${document.app.label}"`,
      facts: { ids: sorted([...userIds].filter((id) => snapshot.appUserIds.has(id))) },
    });
  }
  if (groupIds.size > 0) {
    items.push({
      key: 'assigned-groups',
      title: `Groups assigned to "${document.app.label}"`,
      facts: { ids: sorted([...groupIds].filter((id) => snapshot.appGroupIds.has(id))) },
    });
  }
  for (const { origin } of document.trustedOrigins) {
    const existing = snapshot.trustedOrigins.get(origin);
    items.push({
      key: `trusted-origin:${origin}`,
      title: `Trusted origin ${origin}`,
      facts:
        existing === undefined
          ? null
          : { id: existing.id, lastUpdated: existing.lastUpdated, scopes: sorted(existing.scopes) },
    });
  }
  const { issuer } = document;
  if (issuer.kind === 'org' && issuer.groupsClaim !== undefined && app !== undefined) {
    const claim = snapshot.appGroupsClaim;
    items.push({
      key: 'app-groups-claim',
      title: `Groups claim of "${document.app.label}" (Sign On tab)`,
      facts: claim === undefined ? null : { ...claim },
    });
  }
  if (issuer.kind === 'custom') {
    const server = snapshot.authServer;
    const claimName = issuer.groupsClaim?.name;
    items.push({
      key: 'auth-server',
      title: `Authorization server "${issuer.server.kind === 'new' ? issuer.server.name : issuer.server.id}"`,
      facts:
        server === undefined
          ? null
          : {
              id: server.id,
              lastUpdated: server.lastUpdated,
              scopes: sorted(issuer.scopes.filter((scope) => server.scopeNames.has(scope))),
              groupsClaim:
                claimName === undefined
                  ? null
                  : server.claims.some(
                      (claim) => claim.name === claimName && claim.valueType === 'GROUPS',
                    ),
              admitsTheApp: server.admitsClient,
            },
    });
  }
  return items;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What changed between the basis a plan was made on and a fresh reading of the org.
 *
 * @returns one entry per object whose facts differ, in the order of the fresh reading; empty when
 * the plan still stands.
 */
export function compareBasis(reviewed: BasisItem[], fresh: BasisItem[]): BasisChange[] {
  const before = new Map(reviewed.map((item) => [item.key, item]));
  const changes: BasisChange[] = [];
  const seen = new Set<string>();
  for (const item of fresh) {
    seen.add(item.key);
    const old = before.get(item.key);
    if (old === undefined) {
      // The document itself changed: its plan is another plan.
      changes.push({
        key: item.key,
        title: item.title,
        summary: 'not in the reviewed plan',
        fields: [],
      });
      continue;
    }
    if (same(old.facts, item.facts)) {
      continue;
    }
    if (old.facts === null) {
      changes.push({
        key: item.key,
        title: item.title,
        summary: 'created in the org since the review',
        fields: [],
      });
    } else if (item.facts === null) {
      changes.push({
        key: item.key,
        title: item.title,
        summary: 'no longer in the org',
        fields: [],
      });
    } else {
      const oldFacts = old.facts;
      const freshFacts = item.facts;
      const fields = [...new Set([...Object.keys(oldFacts), ...Object.keys(freshFacts)])]
        .filter((field) => !same(oldFacts[field], freshFacts[field]))
        .map((field) => ({ field, before: oldFacts[field], after: freshFacts[field] }));
      changes.push({ key: item.key, title: item.title, summary: 'changed in the org', fields });
    }
  }
  for (const item of reviewed) {
    if (!seen.has(item.key)) {
      changes.push({
        key: item.key,
        title: item.title,
        summary: 'no longer part of the plan',
        fields: [],
      });
    }
  }
  return changes;
}
