import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { collect } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import {
  type OktaPolicy,
  type OktaPolicyRule,
  readOktaApp,
  readOktaClientSecret,
  readOktaPolicy,
  readOktaPolicyRule,
  readOktaTrustedOrigin,
  sdkRequestBody,
} from '../okta/okta-json.ts';
import { findSetupApp, readOrgSnapshot } from '../okta/org-snapshot.ts';
import { type OrgSnapshot } from '../okta/org-snapshot.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';
import { asObject } from '../platform/json.ts';
import { generateTestUserPassword } from '../platform/passwords.ts';
import { appRequestBody } from './okta-bodies.ts';
import { desiredAppFields, hasChanges, type Plan, planSetup, type PlanStep } from './plan.ts';

/** One line of the apply journal: written before a change, and again once it is known done. */
export interface JournalEntry {
  setupId: string;
  stepKey: string;
  phase: 'started' | 'done';
  at: string;
  /** The Okta id of the object, once known. */
  objectId?: string;
}

/**
 * Where an apply records what it is about to do and what it did.
 *
 * @remarks
 * The engine writes `started` before every change and `done` after it is confirmed, so after an
 * interruption the console can say which change was in flight. The org itself stays the source
 * of truth: a resumed apply re-reads it and plans again, and the console's mark on its app, the
 * user's login, the group's name and the origin's URL tell what already exists — so nothing is
 * created twice.
 */
export interface ApplyJournal {
  append(entry: JournalEntry): Promise<void>;
}

/** What the admin gets back: ids, the client id, and secrets to show once and keep. */
export interface ApplyResult {
  appId: string;
  clientId: string;
  /** Only when this apply created the app or had to issue a new secret. Never logged. */
  clientSecret: string | undefined;
  /** The custom authorization server that issues the app's tokens; `undefined` for the org's. */
  authServerId: string | undefined;
  /** The test user's generated password, when this apply created the user. Never logged. */
  testUserPassword: string | undefined;
  /** Each step with what was done. */
  steps: { key: string; title: string; action: PlanStep['action'] }[];
  /**
   * The org's ids of the test user and groups the document names, as read after the apply — so
   * callers can point at them (e.g. Admin Console links) without searching the directory again.
   */
  objects: {
    testUserId: string | undefined;
    groups: { name: string; id: string }[];
  };
}

/** Progress of an apply, step by step. */
export type ApplyProgress = (event: {
  stepKey: string;
  title: string;
  state: 'running' | 'done' | 'retrying';
}) => void;

/** How many times one change is tried, each after the org was re-read to see it is not there. */
const ATTEMPTS_PER_CHANGE = 3;

interface Execution {
  client: OktaClient;
  document: SetupDocument;
  snapshot: OrgSnapshot;
  secrets: { clientSecret?: string; testUserPassword?: string };
}

/** Performs one planned change. Returns the Okta id of what it created or changed. */
async function perform(step: PlanStep, run: Execution): Promise<string | undefined> {
  const { client, document, snapshot } = run;
  const appId = snapshot.app?.id;
  switch (step.kind) {
    case 'app': {
      if (step.action === 'create') {
        const created = readOktaApp(
          await client.applicationApi.createApplication(
            sdkRequestBody('application', appRequestBody(document)),
          ),
        );
        run.secrets.clientSecret = created.clientCredentials.clientSecret;
        return created.id;
      }
      const existing = await findSetupApp(client, document);
      if (existing?.id === undefined) {
        throw new Error('The app integration is no longer in the org; run the apply again.');
      }
      const appId = existing.id;
      if (step.changes.some((change) => change.field !== 'status')) {
        await client.applicationApi.replaceApplication({
          appId,
          ...sdkRequestBody('application', appRequestBody(document, existing.json)),
        });
      }
      // Okta's replace ignores `status`; only the lifecycle operation activates an app.
      if (existing.status !== 'ACTIVE') {
        await client.applicationApi.activateApplication({ appId });
      }
      return appId;
    }
    case 'test-user': {
      const testUser = document.assignments.testUser;
      if (testUser === undefined) {
        return undefined;
      }
      const password = generateTestUserPassword();
      const body = {
        profile: {
          firstName: testUser.firstName,
          lastName: testUser.lastName,
          email: testUser.email,
          login: testUser.email,
        },
        credentials: { password: { value: password } },
      };
      const user = await client.userApi.createUser({ body, activate: true });
      run.secrets.testUserPassword = password;
      return user.id;
    }
    case 'user-assignment': {
      const login = step.key.slice('user-assignment:'.length);
      const userId = snapshot.usersByLogin.get(login)?.id;
      const assignment = { id: userId ?? '' };
      await client.applicationApi.assignUserToApplication({
        appId: appId ?? '',
        appUser: assignment,
      });
      return userId;
    }
    case 'group-assignment': {
      const name = step.key.slice('group-assignment:'.length);
      const groupId = snapshot.groupsByName.get(name)?.id ?? '';
      await client.applicationApi.assignGroupToApplication({ appId: appId ?? '', groupId });
      return groupId;
    }
    case 'trusted-origin': {
      const wanted = document.trustedOrigins.find(
        (origin) => `trusted-origin:${origin.origin}` === step.key,
      );
      if (wanted === undefined) {
        return undefined;
      }
      const existing = snapshot.trustedOrigins.get(wanted.origin);
      const body = {
        name: wanted.name,
        origin: wanted.origin,
        scopes: [...new Set([...(existing?.scopes ?? []), ...wanted.scopes])].map((type) => ({
          type,
        })),
      };
      if (existing === undefined) {
        return readOktaTrustedOrigin(
          await client.trustedOriginApi.createTrustedOrigin(sdkRequestBody('trustedOrigin', body)),
        ).id;
      }
      await client.trustedOriginApi.replaceTrustedOrigin({
        trustedOriginId: existing.id,
        ...sdkRequestBody('trustedOrigin', body),
      });
      return existing.id;
    }
    case 'auth-server': {
      if (document.issuer.kind !== 'custom' || document.issuer.server.kind !== 'new') {
        return undefined;
      }
      const { name, audience, description } = document.issuer.server;
      const server = await client.authorizationServerApi.createAuthorizationServer({
        authorizationServer: { name, description, audiences: [audience] },
      });
      return server.id;
    }
    case 'scope': {
      const name = step.key.slice('scope:'.length);
      const authServerId = serverIdOf(run);
      const scope = await client.authorizationServerApi.createOAuth2Scope({
        authServerId,
        oAuth2Scope: {
          name,
          description: `Requested by ${document.app.label}`,
          consent: 'IMPLICIT',
          metadataPublish: 'NO_CLIENTS',
        },
      });
      return scope.id;
    }
    case 'claim': {
      const claim = document.issuer.groupsClaim;
      if (claim === undefined) {
        return undefined;
      }
      const created = await client.authorizationServerApi.createOAuth2Claim({
        authServerId: serverIdOf(run),
        oAuth2Claim: {
          name: claim.name,
          status: 'ACTIVE',
          claimType: 'IDENTITY',
          valueType: 'GROUPS',
          group_filter_type: claim.filterType,
          value: claim.value,
          alwaysIncludeInToken: true,
          conditions: { scopes: [] },
        },
      });
      return created.id;
    }
    case 'access-policy':
      return ensureAccessPolicy(run);
  }
}

function serverIdOf(run: Execution): string {
  const id = run.snapshot.authServer?.id;
  if (id === undefined) {
    throw new Error('The authorization server is not in the org yet; run the apply again.');
  }
  return id;
}

/** Where the console marks the access policies it creates: their description. */
function policyMark(document: SetupDocument): string {
  return `[sso-console ${document.id}]`;
}

/**
 * Creates the access policy that admits the app, and its rule — each only if missing.
 *
 * @remarks
 * Two writes, so an interruption can fall between them: the policy is found again by the mark in
 * its description, and only the rule is created then. A second policy would still admit the
 * app, but it would be clutter an admin has to clean up.
 */
async function ensureAccessPolicy(run: Execution): Promise<string> {
  const { client, document, snapshot } = run;
  const { issuer, app } = document;
  if (issuer.kind !== 'custom' || snapshot.app === undefined) {
    throw new Error('The app must exist before its access policy; run the apply again.');
  }
  const authServerId = serverIdOf(run);
  const api = client.authorizationServerApi;
  const policies = (await collect(await api.listAuthorizationServerPolicies({ authServerId }))).map(
    readOktaPolicy,
  );
  // The last one carrying our mark, should an interrupted apply ever have left two.
  const policyFound = policies.findLast((policy) =>
    policy.description.includes(policyMark(document)),
  );
  let policyId = policyFound?.id;
  const clientId =
    (await findSetupApp(client, document))?.clientCredentials.clientId ?? snapshot.app.id;
  if (policyId === undefined) {
    const policy = await api.createAuthorizationServerPolicy({
      authServerId,
      policy: {
        type: 'OAUTH_AUTHORIZATION_POLICY',
        name: `${app.label} access`,
        description: `Lets ${app.label} get tokens. ${policyMark(document)}`,
        priority: 1,
        status: 'ACTIVE',
        conditions: { clients: { include: [clientId] } },
      },
    });
    policyId = policy.id ?? '';
  }
  if (policyFound !== undefined) {
    await repairPolicy(api, authServerId, policyFound, clientId);
  }
  const [found] = await collect(
    await api.listAuthorizationServerPolicyRules({ authServerId, policyId }),
  );
  const rule = found === undefined ? undefined : readOktaPolicyRule(found);
  if (rule !== undefined) {
    await repairRule(api, authServerId, policyId, rule, app.grantTypes, issuer.scopes);
  } else {
    await api.createAuthorizationServerPolicyRule({
      authServerId,
      policyId,
      policyRule: {
        name: `${app.label} sign-in`,
        type: 'RESOURCE_ACCESS',
        priority: 1,
        conditions: {
          people: { groups: { include: ['EVERYONE'] } },
          grantTypes: { include: app.grantTypes },
          scopes: { include: issuer.scopes },
        },
        actions: {
          token: {
            accessTokenLifetimeMinutes: 60,
            refreshTokenLifetimeMinutes: 0,
            refreshTokenWindowMinutes: 10080,
          },
        },
      },
    });
  }
  return policyId;
}

type AuthorizationServerApi = OktaClient['authorizationServerApi'];

/**
 * Makes the console's own policy admit the app again, if an admin deactivated it or took the
 * app out of its clients since: the planner asked for an access policy, so finding ours is not
 * enough — it must work.
 */
async function repairPolicy(
  api: AuthorizationServerApi,
  authServerId: string,
  policy: OktaPolicy,
  clientId: string,
): Promise<void> {
  const policyId = policy.id ?? '';
  const clients = policy.includedClients;
  if (!clients.includes(clientId) && !clients.includes('ALL_CLIENTS')) {
    await api.replaceAuthorizationServerPolicy({
      authServerId,
      policyId,
      ...sdkRequestBody('policy', {
        ...policy.json,
        conditions: {
          ...asObject(policy.json.conditions),
          clients: { include: [...clients, clientId] },
        },
      }),
    });
  }
  if (policy.status !== 'ACTIVE') {
    await api.activateAuthorizationServerPolicy({ authServerId, policyId });
  }
}

/**
 * Makes the console's own rule cover the document's grant types and scopes (a scope added
 * since, e.g. by a one-click fix, is not in it yet) and activates it if it was deactivated.
 */
async function repairRule(
  api: AuthorizationServerApi,
  authServerId: string,
  policyId: string,
  rule: OktaPolicyRule,
  grantTypes: readonly string[],
  scopes: readonly string[],
): Promise<void> {
  const ruleId = rule.id ?? '';
  const { grantTypes: grants, scopes: ruleScopes } = rule;
  const missingGrants = grantTypes.filter((grant) => !grants.includes(grant));
  const missingScopes = ruleScopes.includes('*')
    ? []
    : scopes.filter((scope) => !ruleScopes.includes(scope));
  if (missingGrants.length > 0 || missingScopes.length > 0) {
    await api.replaceAuthorizationServerPolicyRule({
      authServerId,
      policyId,
      ruleId,
      ...sdkRequestBody('policyRule', {
        ...rule.json,
        conditions: {
          ...asObject(rule.json.conditions),
          grantTypes: { include: [...grants, ...missingGrants] },
          scopes: { include: [...ruleScopes, ...missingScopes] },
        },
      }),
    });
  }
  if (rule.status !== 'ACTIVE') {
    await api.activateAuthorizationServerPolicyRule({ authServerId, policyId, ruleId });
  }
}

/**
 * Applies a setup document: plan, then each change in order, each recorded in the journal
 * before it is made, and each failure settled by reading the org rather than by writing again.
 *
 * @remarks
 * A write that fails without an answer (a 5xx, a dropped connection, a response lost after the
 * change was committed) may or may not have happened. The engine never repeats it blind: it
 * re-reads the org and plans again. If the change is there, it moves on; if not, it tries again,
 * up to {@link ATTEMPTS_PER_CHANGE} times. An apply that is stopped outright is resumed the same
 * way — by running it again — and reaches the same end state without duplicates.
 */
export async function applySetup(options: {
  client: OktaClient;
  document: SetupDocument;
  journal: ApplyJournal;
  onProgress?: ApplyProgress;
  clock?: () => Date;
}): Promise<ApplyResult> {
  const { client, document, journal } = options;
  const clock = options.clock ?? (() => new Date());
  const secrets: Execution['secrets'] = {};
  const done: ApplyResult['steps'] = [];
  let snapshot = await readOrgSnapshot(client, document);
  let plan: Plan = planSetup(document, snapshot);
  if (plan.blockers.length > 0) {
    throw new SetupBlockedError(plan.blockers);
  }
  let appCreatedHere = false;
  for (const planned of plan.steps) {
    const key = planned.key;
    for (let attempt = 1; ; attempt += 1) {
      const current = plan.steps.find((step) => step.key === key);
      if (current === undefined || current.action === 'unchanged') {
        // Done by an attempt of ours whose answer was lost, or already there — from the start,
        // or made by an earlier step (a new server comes with Okta's system scopes).
        done.push({
          key,
          title: planned.title,
          action: attempt > 1 ? planned.action : 'unchanged',
        });
        break;
      }
      if (key === 'app' && current.action === 'create') {
        appCreatedHere = true;
      }
      options.onProgress?.({ stepKey: key, title: current.title, state: 'running' });
      await journal.append({
        setupId: document.id,
        stepKey: key,
        phase: 'started',
        at: clock().toISOString(),
      });
      try {
        const objectId = await perform(current, { client, document, snapshot, secrets });
        await journal.append({
          setupId: document.id,
          stepKey: key,
          phase: 'done',
          at: clock().toISOString(),
          ...(objectId === undefined ? {} : { objectId }),
        });
        options.onProgress?.({ stepKey: key, title: current.title, state: 'done' });
        done.push({ key, title: current.title, action: current.action });
        // A confirmed write is known: note it instead of reading the whole org again (a new
        // server is the exception: it comes with scopes Okta made).
        snapshot =
          current.kind === 'auth-server'
            ? await readOrgSnapshot(client, document)
            : afterWrite(snapshot, current, objectId, document);
        plan = planSetup(document, snapshot);
        break;
      } catch (error) {
        if (attempt >= ATTEMPTS_PER_CHANGE || !mayHaveFailedInFlight(error)) {
          throw error;
        }
        options.onProgress?.({ stepKey: key, title: current.title, state: 'retrying' });
        // Settle what happened by reading, never by writing again blind.
        snapshot = await readOrgSnapshot(client, document);
        plan = planSetup(document, snapshot);
      }
    }
  }
  // Prove the end state from the org itself, not from memory.
  snapshot = await readOrgSnapshot(client, document);
  const app = snapshot.app;
  if (app === undefined) {
    throw new Error('The app integration is not in the org after the apply; run it again.');
  }
  if (hasChanges(planSetup(document, snapshot))) {
    throw new Error('The org still differs from the setup document after the apply; run it again.');
  }
  const credentials = (await findSetupApp(client, document))?.clientCredentials;
  const needsSecret = credentials?.tokenEndpointAuthMethod !== 'none';
  if (appCreatedHere && needsSecret && secrets.clientSecret === undefined) {
    // The app was created but the answer carrying its secret was lost: issue a new secret and
    // retire the one nobody has seen.
    secrets.clientSecret = await replaceUnseenSecrets(client, app.id);
  }
  return {
    appId: app.id,
    clientId: credentials?.clientId ?? app.id,
    clientSecret: secrets.clientSecret,
    authServerId: document.issuer.kind === 'custom' ? snapshot.authServer?.id : undefined,
    testUserPassword: secrets.testUserPassword,
    steps: done,
    objects: {
      testUserId:
        document.assignments.testUser === undefined
          ? undefined
          : snapshot.usersByLogin.get(document.assignments.testUser.email)?.id,
      groups: document.assignments.groups.flatMap(({ name }) => {
        const id = snapshot.groupsByName.get(name)?.id;
        return id === undefined ? [] : [{ name, id }];
      }),
    },
  };
}

/**
 * The snapshot once a planned change is confirmed, without reading the org again.
 *
 * @remarks
 * Every write the engine makes answers with what it created, so the next plan can be made from
 * memory; the org is read again only to settle a write that failed, and once at the end to
 * prove the apply reached the document.
 */
function afterWrite(
  snapshot: OrgSnapshot,
  step: PlanStep,
  objectId: string | undefined,
  document: SetupDocument,
): OrgSnapshot {
  const next: OrgSnapshot = {
    ...snapshot,
    usersByLogin: new Map(snapshot.usersByLogin),
    appUserIds: new Set(snapshot.appUserIds),
    appGroupIds: new Set(snapshot.appGroupIds),
    trustedOrigins: new Map(snapshot.trustedOrigins),
    authServer:
      snapshot.authServer === undefined
        ? undefined
        : {
            ...snapshot.authServer,
            scopeNames: new Set(snapshot.authServer.scopeNames),
            claims: [...snapshot.authServer.claims],
          },
  };
  const id = objectId ?? '';
  switch (step.kind) {
    case 'app':
      next.app = { id, fields: desiredAppFields(document), status: 'ACTIVE' };
      break;
    case 'test-user':
      next.usersByLogin.set(step.key.slice('test-user:'.length), { id });
      break;
    case 'user-assignment':
      next.appUserIds.add(id);
      break;
    case 'group-assignment':
      next.appGroupIds.add(id);
      break;
    case 'trusted-origin': {
      const origin = step.key.slice('trusted-origin:'.length);
      const wanted = document.trustedOrigins.find((candidate) => candidate.origin === origin);
      const before = snapshot.trustedOrigins.get(origin)?.scopes ?? [];
      next.trustedOrigins.set(origin, {
        id,
        scopes: [...new Set([...before, ...(wanted?.scopes ?? [])])],
      });
      break;
    }
    case 'scope':
      next.authServer?.scopeNames.add(step.key.slice('scope:'.length));
      break;
    case 'claim':
      next.authServer?.claims.push({
        name: step.key.slice('claim:'.length),
        valueType: 'GROUPS',
        claimType: 'IDENTITY',
      });
      break;
    case 'access-policy':
      if (next.authServer !== undefined) {
        next.authServer.admitsClient = true;
      }
      break;
    case 'auth-server':
      break;
  }
  return next;
}

/** Issues a new client secret and deactivates and deletes the others; returns the new one. */
async function replaceUnseenSecrets(client: OktaClient, appId: string): Promise<string> {
  const api = client.applicationSSOPublicKeysApi;
  const fresh = readOktaClientSecret(await api.createOAuth2ClientSecret({ appId }));
  for await (const listed of await api.listOAuth2ClientSecrets({ appId })) {
    const secret = readOktaClientSecret(listed);
    if (secret.id === undefined || secret.id === fresh.id) {
      continue;
    }
    if (secret.status === 'ACTIVE') {
      await api.deactivateOAuth2ClientSecret({ appId, secretId: secret.id });
    }
    await api.deleteOAuth2ClientSecret({ appId, secretId: secret.id });
  }
  return fresh.clientSecret ?? '';
}

/** Whether a failed write may have been committed: no answer, or a server error. */
function mayHaveFailedInFlight(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return typeof status !== 'number' || status >= 500;
}

/** The plan cannot be applied: the org lacks something the document needs. */
export class SetupBlockedError extends Error {
  readonly blockers: string[];

  constructor(blockers: string[]) {
    super(`The setup cannot be applied yet:\n- ${blockers.join('\n- ')}`);
    this.name = 'SetupBlockedError';
    this.blockers = blockers;
  }
}

/** The apply journal in a file; see `createJsonLinesJournal`. */
export function createFileJournal(file: string): ApplyJournal {
  return createJsonLinesJournal(file);
}
