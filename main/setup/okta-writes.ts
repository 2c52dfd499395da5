import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { setAppGroupsClaim } from '../okta/app-groups-claim.ts';
import type { AppWriteLock } from '../okta/app-write-lock.ts';
import { collect } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import {
  type OktaApp,
  type OktaPolicy,
  type OktaPolicyRule,
  readOktaApp,
  readOktaClientSecret,
  readOktaPolicy,
  readOktaPolicyRule,
  readOktaTrustedOrigin,
  sdkRequestBody,
} from '../okta/okta-json.ts';
import { findSetupApp, type OrgSnapshot } from '../okta/org-snapshot.ts';
import { asObject } from '../platform/json.ts';
import { generateTestUserPassword } from '../platform/passwords.ts';
import { ApplyIncompleteError } from './apply-errors.ts';
import { appRequestBody } from './okta-bodies.ts';
import type { PlanStep } from './plan.ts';

/** A secret a write made, for the keychain: never logged, never journaled. */
export type NewSecret =
  | { kind: 'client-secret'; clientId: string; value: string }
  | { kind: 'test-user-password'; login: string; value: string };

/** What one write did: the Okta id of its object, and the secret it made, if any. */
export interface WriteOutcome {
  objectId?: string | undefined;
  /** An app's client id, from the answer that created it (Okta may set it apart from the id). */
  clientId?: string | undefined;
  secret?: NewSecret;
  /**
   * What is left to do once the secret is kept (retiring the ones it replaces): run by the
   * engine after the keychain has the new one, so a failure there loses nothing.
   */
  after?: () => Promise<void>;
}

/** What a write needs besides its step. */
export interface WriteContext {
  client: OktaClient;
  document: SetupDocument;
  snapshot: OrgSnapshot;
  /** Client secrets this computer issued and never kept (see `unkeptSecrets`): a new one replaces them. */
  unkept: {
    ids: readonly string[];
    before: readonly (readonly string[])[];
    kept: readonly string[];
  };
  /** Journals the ids of the app's secrets just before a new one is asked for. */
  noteSecretsBefore: (ids: string[]) => Promise<void>;
  /**
   * Reads until `read` answers something, for a bounded while: a read right after a write may
   * reach a replica that has not seen it yet (security.md §6.5).
   */
  readAfterWrite: <T>(read: () => Promise<T | undefined>) => Promise<T | undefined>;
  /** Keeps the app's read-and-replace from overlapping another change of it (a preview's). */
  appWrites: AppWriteLock;
}

/** How long after an app's creation its first client secret may be dated. */
const FIRST_SECRET_WINDOW_MS = 60_000;

/**
 * Performs one planned change.
 *
 * @remarks
 * One write (or a short, ordered series) per step; whether it happened is the org's to say, so a
 * failure here is settled by the engine by reading, never by writing again blind.
 */
export async function performWrite(step: PlanStep, context: WriteContext): Promise<WriteOutcome> {
  const { client, document, snapshot } = context;
  const appId = snapshot.app?.id;
  switch (step.kind) {
    case 'app':
      return step.action === 'create' ? createApp(context) : updateApp(step, context);
    case 'client-secret':
      return replaceUnkeptSecret(context);
    case 'test-user':
      return createTestUser(context);
    case 'test-user-password':
      return setTestUserPassword(context);
    case 'user-assignment': {
      const login = step.key.slice('user-assignment:'.length);
      const userId = snapshot.usersByLogin.get(login)?.id;
      await client.applicationApi.assignUserToApplication({
        appId: appId ?? '',
        appUser: { id: userId ?? '' },
      });
      return { objectId: userId };
    }
    case 'group-assignment': {
      const name = step.key.slice('group-assignment:'.length);
      const groupId = snapshot.groupsByName.get(name)?.id ?? '';
      await client.applicationApi.assignGroupToApplication({ appId: appId ?? '', groupId });
      return { objectId: groupId };
    }
    case 'trusted-origin':
      return { objectId: await writeTrustedOrigin(step, context) };
    case 'auth-server': {
      if (document.issuer.kind !== 'custom' || document.issuer.server.kind !== 'new') {
        return {};
      }
      const { name, audience, description } = document.issuer.server;
      const server = await client.authorizationServerApi.createAuthorizationServer({
        authorizationServer: { name, description, audiences: [audience] },
      });
      return { objectId: server.id };
    }
    case 'scope': {
      const name = step.key.slice('scope:'.length);
      const scope = await client.authorizationServerApi.createOAuth2Scope({
        authServerId: serverIdOf(snapshot),
        oAuth2Scope: {
          name,
          description: `Requested by ${document.app.label}`,
          consent: 'IMPLICIT',
          metadataPublish: 'NO_CLIENTS',
        },
      });
      return { objectId: scope.id };
    }
    case 'claim': {
      const claim = document.issuer.groupsClaim;
      if (claim === undefined) {
        return {};
      }
      const created = await client.authorizationServerApi.createOAuth2Claim({
        authServerId: serverIdOf(snapshot),
        oAuth2Claim: {
          name: claim.name,
          status: 'ACTIVE',
          claimType: 'IDENTITY',
          ...(claim.type === 'FILTER'
            ? { valueType: 'GROUPS', group_filter_type: claim.filterType }
            : { valueType: 'EXPRESSION' }),
          value: claim.value,
          alwaysIncludeInToken: true,
          conditions: { scopes: [] },
        },
      });
      return { objectId: created.id };
    }
    case 'access-policy':
      return { objectId: await ensureAccessPolicy(context) };
    case 'app-groups-claim': {
      // A settings write: sent again after a lost answer it sets the same values, so the engine
      // needs no read to settle it.
      await setAppGroupsClaim(
        client,
        appId ?? '',
        document.issuer.groupsClaim,
        document.issuer.issuerMode,
      );
      return { objectId: appId };
    }
  }
}

async function createApp(context: WriteContext): Promise<WriteOutcome> {
  const { client, document } = context;
  const created = readOktaApp(
    await client.applicationApi.createApplication(
      sdkRequestBody('application', appRequestBody(document)),
    ),
  );
  const value = created.clientCredentials.clientSecret;
  return {
    objectId: created.id,
    clientId: created.clientCredentials.clientId,
    ...(value === undefined || created.id === undefined
      ? {}
      : {
          secret: {
            kind: 'client-secret' as const,
            clientId: created.clientCredentials.clientId ?? created.id,
            value,
          },
        }),
  };
}

/** The document's app as the org holds it now, waiting out a replica that lags behind. */
async function currentApp(context: WriteContext): Promise<OktaApp & { id: string }> {
  const app = await context.readAfterWrite(async () => {
    const found = await findSetupApp(context.client, context.document);
    return found?.id === undefined ? undefined : { ...found, id: found.id };
  });
  if (app === undefined) {
    throw new ApplyIncompleteError(
      'The app integration is no longer in the org; run the apply again.',
    );
  }
  return app;
}

async function updateApp(step: PlanStep, context: WriteContext): Promise<WriteOutcome> {
  const { client, document } = context;
  // The app is read and replaced whole: no other change of it (a preview adding its temporary
  // redirect URI) may come between, or one would undo the other. Its id is the plan's.
  const readAndReplace = async () => {
    const found = await currentApp(context);
    if (step.changes.some((change) => change.field !== 'status')) {
      await client.applicationApi.replaceApplication({
        appId: found.id,
        ...sdkRequestBody('application', appRequestBody(document, found.json)),
      });
    }
    return found;
  };
  const plannedId = context.snapshot.app?.id;
  const existing =
    plannedId === undefined
      ? await readAndReplace()
      : await context.appWrites(plannedId, readAndReplace);
  const appId = existing.id;
  // Okta's replace ignores `status`; only the lifecycle operation activates an app.
  if (existing.status !== 'ACTIVE') {
    await client.applicationApi.activateApplication({ appId });
  }
  return { objectId: appId };
}

/**
 * Issues a new client secret in place of the ones nobody kept; they are retired once the new one
 * is kept (the engine runs `after`).
 *
 * @remarks
 * Only secrets this computer knows it issued and never kept are retired — the app's first one
 * (dated with the app), those of earlier replacements, and any that appeared while an earlier
 * replacement's answer was lost — so a secret someone added in the Admin Console and deployed
 * keeps working. Okta keeps at most two secrets and never lets the last active one go, so the
 * new one is made first; only when both places are taken is an unkept one retired to make room.
 * The ids left are journaled before the new one is asked for, so if its answer is lost too, the
 * next apply can tell it from the rest.
 */
async function replaceUnkeptSecret(context: WriteContext): Promise<WriteOutcome> {
  const { client, unkept } = context;
  const app = await currentApp(context);
  const appId = app.id;
  const api = client.applicationSSOPublicKeysApi;
  const createdMs = app.created === undefined ? Number.NaN : Date.parse(app.created);
  let listed = (await collect(await api.listOAuth2ClientSecrets({ appId }))).map(
    readOktaClientSecret,
  );
  const isUnkept = (secret: (typeof listed)[number]) =>
    secret.id !== undefined &&
    !unkept.kept.includes(secret.id) &&
    (unkept.ids.includes(secret.id) ||
      (secret.created !== undefined &&
        Date.parse(secret.created) <= createdMs + FIRST_SECRET_WINDOW_MS) ||
      unkept.before.some((before) => !before.includes(secret.id ?? '')));
  const retire = async (secret: (typeof listed)[number]) => {
    const secretId = secret.id ?? '';
    if (secret.status === 'ACTIVE') {
      await api.deactivateOAuth2ClientSecret({ appId, secretId });
    }
    await api.deleteOAuth2ClientSecret({ appId, secretId });
  };
  if (listed.length >= 2) {
    // Room for the new one: an unkept secret Okta lets go of (not the last active one).
    const active = listed.filter((secret) => secret.status === 'ACTIVE').length;
    const spare = listed.find(
      (secret) => isUnkept(secret) && (secret.status !== 'ACTIVE' || active > 1),
    );
    if (spare === undefined) {
      throw new ApplyIncompleteError(
        `The app "${app.label}" already has two client secrets that this computer did not make, and Okta keeps at most two; no new one was made.`,
      );
    }
    await retire(spare);
    listed = listed.filter((secret) => secret !== spare);
  }
  await context.noteSecretsBefore(listed.flatMap((secret) => secret.id ?? []));
  const fresh = readOktaClientSecret(await api.createOAuth2ClientSecret({ appId }));
  const leftovers = listed.filter(isUnkept);
  return {
    objectId: fresh.id,
    ...(fresh.clientSecret === undefined
      ? {}
      : {
          secret: {
            kind: 'client-secret' as const,
            clientId: app.clientCredentials.clientId ?? appId,
            value: fresh.clientSecret,
          },
        }),
    after: async () => {
      for (const secret of leftovers) {
        await retire(secret);
      }
    },
  };
}

async function createTestUser(context: WriteContext): Promise<WriteOutcome> {
  const testUser = context.document.assignments.testUser;
  if (testUser === undefined) {
    return {};
  }
  const password = generateTestUserPassword([
    testUser.email,
    testUser.firstName,
    testUser.lastName,
  ]);
  const body = {
    profile: {
      firstName: testUser.firstName,
      lastName: testUser.lastName,
      email: testUser.email,
      login: testUser.email,
    },
    credentials: { password: { value: password } },
  };
  const user = await context.client.userApi.createUser({ body, activate: true });
  return {
    objectId: user.id,
    secret: { kind: 'test-user-password', login: testUser.email, value: password },
  };
}

/**
 * Sets a new password on the test user, whose first one this computer never kept (the answer
 * to its creation was lost, or the keychain failed): so Okta and the keychain agree again.
 */
async function setTestUserPassword(context: WriteContext): Promise<WriteOutcome> {
  const { document, snapshot, client } = context;
  const testUser = document.assignments.testUser;
  const userId = testUser === undefined ? undefined : snapshot.usersByLogin.get(testUser.email)?.id;
  if (testUser === undefined || userId === undefined) {
    return {};
  }
  const password = generateTestUserPassword([
    testUser.email,
    testUser.firstName,
    testUser.lastName,
  ]);
  await client.userApi.updateUser({
    userId,
    user: { credentials: { password: { value: password } } },
  });
  return {
    objectId: userId,
    secret: { kind: 'test-user-password', login: testUser.email, value: password },
  };
}

async function writeTrustedOrigin(
  step: PlanStep,
  context: WriteContext,
): Promise<string | undefined> {
  const { client, document, snapshot } = context;
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

function serverIdOf(snapshot: OrgSnapshot): string {
  const id = snapshot.authServer?.id;
  if (id === undefined) {
    throw new ApplyIncompleteError(
      'The authorization server is not in the org yet; run the apply again.',
    );
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
async function ensureAccessPolicy(context: WriteContext): Promise<string> {
  const { client, document, snapshot } = context;
  const { issuer, app } = document;
  if (issuer.kind !== 'custom' || snapshot.app === undefined) {
    throw new ApplyIncompleteError(
      'The app must exist before its access policy; run the apply again.',
    );
  }
  const authServerId = serverIdOf(snapshot);
  const api = client.authorizationServerApi;
  const policies = (await collect(await api.listAuthorizationServerPolicies({ authServerId }))).map(
    readOktaPolicy,
  );
  // The last one carrying our mark, should an interrupted apply ever have left two.
  const policyFound = policies.findLast((policy) =>
    policy.description.includes(policyMark(document)),
  );
  let policyId = policyFound?.id;
  // Okta gives an app created without a client id its own id as one.
  const seen = await context.readAfterWrite(() => findSetupApp(client, document));
  const clientId = seen?.clientCredentials.clientId ?? snapshot.app.id;
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
