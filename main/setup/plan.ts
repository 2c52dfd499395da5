import type { GroupsClaim, SetupDocument } from '../../shared/setup/setup-document.ts';
import { documentAddressProblems } from '../../shared/setup/uri-lint.ts';
import type { AppFields, OrgSnapshot } from '../okta/org-snapshot.ts';
import { type BasisItem, planBasis } from './plan-basis.ts';

/** One field that differs: the org's value and the document's. */
export interface FieldChange {
  /** An app field (`keyof AppFields`) or another object's, e.g. `scopes`. */
  field: string;
  before: unknown;
  after: unknown;
}

/** The kinds of object a setup touches, in the order they are applied. */
export const STEP_KINDS = [
  'auth-server',
  'scope',
  'claim',
  'access-policy',
  'app',
  'app-groups-claim',
  'client-secret',
  'trusted-origin',
  'test-user',
  'test-user-password',
  'user-assignment',
  'group-assignment',
] as const;

/** One object of the plan and what happens to it. */
export interface PlanStep {
  /** Stable within a document, e.g. `app`, `group-assignment:Engineering`. */
  key: string;
  kind: (typeof STEP_KINDS)[number];
  action: 'create' | 'update' | 'unchanged';
  /** What an admin reads, e.g. `App integration "Kestra"`. */
  title: string;
  changes: FieldChange[];
  /** Keys of the steps that must be applied first. */
  dependsOn: string[];
}

/** A plan: its steps in apply order, and problems that stop it from being applied. */
export interface Plan {
  steps: PlanStep[];
  /** Things the org must have that the console will not create (e.g. a user by login). */
  blockers: string[];
  /** What the plan read of the org; apply refuses the plan if the org has changed since. */
  basis: BasisItem[];
  /** What the admin should know before applying, that does not stop it (e.g. how long). */
  notes: string[];
}

/**
 * Secrets this computer's console made and could not keep (the keychain failed, or the answer
 * that carried them was lost): the apply issues new ones, into the keychain.
 *
 * @remarks
 * Read from the apply journal, not from Okta: Okta never shows a secret again, so only the
 * computer that made it knows it was never kept.
 */
export interface OwedSecrets {
  clientSecret: Owed;
  testUserPassword: Owed;
}

/**
 * A secret owed for the object this computer created — its Okta id, or `undefined` while the
 * create is in doubt — or `false` when none is owed.
 */
export type Owed = false | { objectId: string | undefined };

/** Nothing owed: a first apply, or one whose secrets were all kept. */
export const NOTHING_OWED: OwedSecrets = { clientSecret: false, testUserPassword: false };

/**
 * Whether a secret is owed for `found`, the object the org holds now: only for the one this
 * computer created (its id in the journal), never for another that took its place since — an
 * app the document was pointed at, a user someone else made with the same login. A create still
 * in doubt is matched by the console's own mark, so only `markedOnly` objects count then.
 */
function owes(owed: Owed, found: { id: string } | undefined, markedOnly: boolean): boolean {
  if (owed === false || found === undefined) {
    return false;
  }
  return owed.objectId === undefined ? markedOnly : owed.objectId === found.id;
}

/** The document's app in the console's compared fields. */
export function desiredAppFields(document: SetupDocument): AppFields {
  const { app, issuer } = document;
  return {
    label: app.label,
    applicationType: app.applicationType,
    grantTypes: [...app.grantTypes],
    redirectUris: [...app.redirectUris],
    postLogoutRedirectUris: [...app.postLogoutRedirectUris],
    initiateLoginUri: app.initiateLoginUri,
    pkceRequired: app.pkceRequired,
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    consentMethod: app.consentMethod,
    issuerMode: issuer.issuerMode,
    implicitAssignment: app.implicitAssignment,
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields of `desired` that `current` does not already have. */
export function appChanges(current: AppFields, desired: AppFields): FieldChange[] {
  return (Object.keys(desired) as (keyof AppFields)[])
    .filter((field) => !sameValue(current[field], desired[field]))
    .map((field) => ({ field, before: current[field], after: desired[field] }));
}

/** A groups claim as the review shows it: `groups: REGEX .*`, `groups: Groups.startsWith(…)`. */
export function describeGroupsClaim(claim: GroupsClaim): string {
  return claim.type === 'FILTER'
    ? `${claim.name}: ${claim.filterType} ${claim.value}`
    : `${claim.name}: ${claim.value}`;
}

/** Whether two groups claims release the same groups under the same name. */
export function sameGroupsClaim(a: GroupsClaim, b: GroupsClaim): boolean {
  return describeGroupsClaim(a) === describeGroupsClaim(b) && a.type === b.type;
}

function step(
  key: string,
  kind: PlanStep['kind'],
  action: PlanStep['action'],
  title: string,
  options: { changes?: FieldChange[]; dependsOn?: string[] } = {},
): PlanStep {
  return {
    key,
    kind,
    action,
    title,
    changes: options.changes ?? [],
    dependsOn: options.dependsOn ?? [],
  };
}

/**
 * Plans a setup document against what the org holds: create, update or unchanged per object,
 * with field-level changes, in dependency order.
 *
 * @remarks
 * Pure on purpose: the wizard's review page, `sso-console plan` and the apply engine all call
 * it, and a second plan after an apply must come out empty — which unit tests can check for
 * every shape of document without an org. The order is the one Okta needs: a custom server's
 * scopes and claims before the policy that names them, the app before anything assigned to it,
 * the test user before their assignment.
 */
export function planSetup(
  document: SetupDocument,
  snapshot: OrgSnapshot,
  owed: OwedSecrets = NOTHING_OWED,
  limits: { appsPerMinute?: number | undefined } = {},
): Plan {
  const steps: PlanStep[] = [];
  // The wizard refuses these where they are typed; a file or the command line reaches here
  // without it, and Okta would take a scheme-less address as a path and keep it.
  const blockers: string[] = documentAddressProblems(document).map(([, message]) => message);
  const { issuer } = document;

  const appDependencies: string[] = [];
  if (issuer.kind === 'custom') {
    const serverKey = 'auth-server';
    const server = snapshot.authServer;
    if (issuer.server.kind === 'new') {
      steps.push(
        step(
          serverKey,
          'auth-server',
          server === undefined ? 'create' : 'unchanged',
          `Authorization server "${issuer.server.name}"`,
          {
            changes:
              server === undefined
                ? [
                    { field: 'name', before: undefined, after: issuer.server.name },
                    { field: 'audiences', before: undefined, after: [issuer.server.audience] },
                  ]
                : [],
          },
        ),
      );
    } else if (server === undefined) {
      blockers.push(
        `The authorization server "${issuer.server.id}" does not exist in this org. Custom authorization servers need Okta's API Access Management; choose the org authorization server, or create the server first.`,
      );
    }
    const serverDependency = issuer.server.kind === 'new' ? [serverKey] : [];
    for (const scope of issuer.scopes) {
      const exists = server?.scopeNames.has(scope) === true;
      steps.push(
        step(`scope:${scope}`, 'scope', exists ? 'unchanged' : 'create', `Scope "${scope}"`, {
          dependsOn: serverDependency,
          changes: exists ? [] : [{ field: 'name', before: undefined, after: scope }],
        }),
      );
    }
    if (issuer.groupsClaim !== undefined) {
      const claim = issuer.groupsClaim;
      const exists =
        server?.claims.some(
          (existing) => existing.name === claim.name && existing.valueType === 'GROUPS',
        ) === true;
      steps.push(
        step(
          `claim:${claim.name}`,
          'claim',
          exists ? 'unchanged' : 'create',
          `Groups claim "${claim.name}"`,
          {
            dependsOn: serverDependency,
            changes: exists
              ? []
              : [
                  {
                    field: 'groups',
                    before: undefined,
                    after: describeGroupsClaim(claim),
                  },
                ],
          },
        ),
      );
    }
    appDependencies.push(...serverDependency);
  }

  const desired = desiredAppFields(document);
  const current = snapshot.app;
  if (current === undefined && document.app.existingAppId !== undefined) {
    blockers.push(
      `The app integration ${document.app.existingAppId} that this document edits is not in the org any more. Pick another app, or remove existingAppId to create a new one.`,
    );
  }
  steps.push(
    current === undefined
      ? step('app', 'app', 'create', `App integration "${desired.label}"`, {
          changes: (Object.keys(desired) as (keyof AppFields)[])
            .filter((field) => desired[field] !== undefined)
            .map((field) => ({ field, before: undefined, after: desired[field] })),
          dependsOn: appDependencies,
        })
      : (() => {
          const changes = appChanges(current.fields, desired);
          // A setup describes a working sign-in, and Okta refuses every sign-in to an inactive
          // app: its status is part of "done", though the document has no field for it.
          if (current.status !== 'ACTIVE') {
            changes.push({ field: 'status', before: current.status, after: 'ACTIVE' });
          }
          return step(
            'app',
            'app',
            changes.length === 0 ? 'unchanged' : 'update',
            `App integration "${desired.label}"`,
            {
              changes,
            },
          );
        })(),
  );
  if (
    owes(owed.clientSecret, current, document.app.existingAppId === undefined) &&
    document.app.tokenEndpointAuthMethod !== 'none'
  ) {
    steps.push(
      step('client-secret', 'client-secret', 'update', `Client secret of "${desired.label}"`, {
        changes: [
          {
            field: 'clientSecret',
            before: 'issued, but never kept on this computer',
            after: 'a new one, kept in the keychain; the unkept one deactivated and deleted',
          },
        ],
        dependsOn: ['app'],
      }),
    );
  }

  if (issuer.kind === 'org' && issuer.groupsClaim !== undefined) {
    // The org server's claim is a setting of the app (its Sign On tab), made once the app is.
    const wanted = issuer.groupsClaim;
    const current = snapshot.app === undefined ? undefined : snapshot.appGroupsClaim;
    const same = current !== undefined && sameGroupsClaim(current, wanted);
    steps.push(
      step(
        'app-groups-claim',
        'app-groups-claim',
        same ? 'unchanged' : current === undefined ? 'create' : 'update',
        `Groups claim "${wanted.name}" in the ID tokens of "${desired.label}"`,
        {
          dependsOn: ['app'],
          changes: same
            ? []
            : [
                {
                  field: 'groupsClaim',
                  before: current === undefined ? undefined : describeGroupsClaim(current),
                  after: describeGroupsClaim(wanted),
                },
              ],
        },
      ),
    );
  }

  if (issuer.kind === 'custom') {
    const admits = snapshot.authServer?.admitsClient === true;
    steps.push(
      step(
        'access-policy',
        'access-policy',
        admits ? 'unchanged' : 'create',
        `Access policy and rule for "${desired.label}"`,
        {
          dependsOn: ['app', ...issuer.scopes.map((scope) => `scope:${scope}`)],
          changes: admits
            ? []
            : [
                { field: 'clients', before: undefined, after: ['(this app)'] },
                { field: 'grantTypes', before: undefined, after: document.app.grantTypes },
                { field: 'scopes', before: undefined, after: issuer.scopes },
              ],
        },
      ),
    );
  }

  for (const origin of document.trustedOrigins) {
    const existing = snapshot.trustedOrigins.get(origin.origin);
    const missingScopes = origin.scopes.filter(
      (scope) => existing?.scopes.includes(scope) !== true,
    );
    steps.push(
      step(
        `trusted-origin:${origin.origin}`,
        'trusted-origin',
        existing === undefined ? 'create' : missingScopes.length > 0 ? 'update' : 'unchanged',
        `Trusted origin ${origin.origin}`,
        {
          changes:
            missingScopes.length === 0
              ? []
              : [{ field: 'scopes', before: existing?.scopes ?? [], after: origin.scopes }],
        },
      ),
    );
  }

  const testUser = document.assignments.testUser;
  if (testUser !== undefined) {
    const existing = snapshot.usersByLogin.get(testUser.email);
    steps.push(
      step(
        `test-user:${testUser.email}`,
        'test-user',
        existing === undefined ? 'create' : 'unchanged',
        `Test user ${testUser.email}`,
        {
          changes:
            existing === undefined
              ? [{ field: 'login', before: undefined, after: testUser.email }]
              : [],
        },
      ),
    );
    if (owes(owed.testUserPassword, existing, true)) {
      steps.push(
        step(
          `test-user-password:${testUser.email}`,
          'test-user-password',
          'update',
          `Password of test user ${testUser.email}`,
          {
            changes: [
              {
                field: 'password',
                before: 'set, but never kept on this computer',
                after: 'a new one, kept in the keychain',
              },
            ],
            dependsOn: [`test-user:${testUser.email}`],
          },
        ),
      );
    }
    steps.push(
      assignmentStep(
        `user-assignment:${testUser.email}`,
        'user-assignment',
        `${testUser.email} assigned to the app`,
        existing !== undefined && snapshot.appUserIds.has(existing.id),
        current !== undefined,
        [`test-user:${testUser.email}`],
      ),
    );
  }
  if (!document.app.implicitAssignment) {
    for (const { login } of document.assignments.users) {
      const user = snapshot.usersByLogin.get(login);
      if (user === undefined) {
        blockers.push(
          `No user has the login ${login}. Check the spelling, or add them as the test user.`,
        );
        continue;
      }
      steps.push(
        assignmentStep(
          `user-assignment:${login}`,
          'user-assignment',
          `${login} assigned to the app`,
          snapshot.appUserIds.has(user.id),
          current !== undefined,
          [],
        ),
      );
    }
    for (const { name } of document.assignments.groups) {
      const group = snapshot.groupsByName.get(name);
      if (group === undefined) {
        blockers.push(
          `No group is named "${name}". Check the spelling; the console assigns existing groups.`,
        );
        continue;
      }
      steps.push(
        assignmentStep(
          `group-assignment:${name}`,
          'group-assignment',
          `Group "${name}" assigned to the app`,
          snapshot.appGroupIds.has(group.id),
          current !== undefined,
          [],
        ),
      );
    }
  }
  return {
    steps,
    blockers,
    basis: planBasis(document, snapshot),
    notes: durationNotes(steps, limits.appsPerMinute),
  };
}

/** The kinds of step whose request Okta counts in its `apps` bucket (`/api/v1/apps/*`). */
const APPS_BUCKET_KINDS: readonly PlanStep['kind'][] = ['user-assignment', 'group-assignment'];

/** A new client secret: list, (deactivate and delete the unkept one,) create. */
const CLIENT_SECRET_REQUESTS = 4;

/**
 * How long an apply takes when it needs more of Okta's `apps` bucket than a minute allows:
 * every assignment counts against it (okta-behaviours.md §7), 20 a minute on the smallest plans.
 */
function durationNotes(steps: readonly PlanStep[], appsPerMinute: number | undefined): string[] {
  if (appsPerMinute === undefined || appsPerMinute <= 0) {
    return [];
  }
  const changing = steps.filter((planned) => planned.action !== 'unchanged');
  const requests = changing.reduce(
    (count, planned) =>
      count +
      (planned.kind === 'client-secret'
        ? CLIENT_SECRET_REQUESTS
        : APPS_BUCKET_KINDS.includes(planned.kind) ||
            (planned.kind === 'app' && planned.action === 'create')
          ? 1
          : 0),
    0,
  );
  if (requests <= appsPerMinute) {
    return [];
  }
  const minutes = Math.ceil(requests / appsPerMinute) - 1;
  const people = changing.filter((planned) => planned.kind === 'user-assignment').length;
  return [
    `This apply sends ${String(requests)} requests to Okta's app endpoints, which this org allows ${String(appsPerMinute)} a minute, so it takes about ${String(minutes)} minute${minutes === 1 ? '' : 's'}. The console paces itself and says each wait; if it is interrupted, plan again: the plan starts where it stopped.${
      people > appsPerMinute
        ? ` Assigning one group holding these ${String(people)} people instead would be a single request.`
        : ''
    }`,
  ];
}

function assignmentStep(
  key: string,
  kind: 'user-assignment' | 'group-assignment',
  title: string,
  assigned: boolean,
  appExists: boolean,
  dependsOn: string[],
): PlanStep {
  return step(key, kind, assigned && appExists ? 'unchanged' : 'create', title, {
    dependsOn: ['app', ...dependsOn],
  });
}

/** Whether applying a plan would change anything (what `plan --detailed-exitcode` reports). */
export function hasChanges(plan: Plan): boolean {
  return plan.steps.some((planned) => planned.action !== 'unchanged');
}
