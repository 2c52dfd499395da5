/**
 * Typed views of the Okta objects the console reads, and the one conversion of its request bodies.
 *
 * @remarks
 * The SDK's declared types do not describe what it hands over: an app's `settings` and
 * `credentials` live on subclasses chosen at run time, `_embedded` and `conditions` are loosely
 * typed, a field Okta leaves out is `undefined` whatever the type says. So every reader here takes
 * `unknown` and answers a view of the asked type whatever it is given (built on
 * `platform/json.ts`): a missing or malformed field reads as absent — `undefined` where callers
 * tell absence apart, `''`, `[]` or `false` where absence reads as empty — instead of throwing deep
 * inside a comparison. Views keep Okta's names (camel-cased) and say which JSON path each field
 * comes from, so a reader of the product can check them against Okta's API reference.
 */
import { asObject, type JsonObject, stringOf, stringsOf, textOf } from '../platform/json.ts';
import type { OktaClient } from './okta-client.ts';

/** Where the console marks the apps it creates: a key of the app's free-form `profile`. */
export const SETUP_MARK_KEY = 'x-sso-console';

/** An OIDC app integration (`/api/v1/apps/{id}`), with the fields the console reads. */
export interface OktaApp {
  /** `id`; `undefined` only in a malformed answer. */
  id: string | undefined;
  label: string;
  /** `status`: `ACTIVE` or `INACTIVE`. */
  status: string;
  /** `signOnMode`: `OPENID_CONNECT` for the apps the console sets up. */
  signOnMode: string;
  /**
   * `name`, Okta's key for what the app is: `oidc_client` for every custom OIDC app, a catalog
   * key (`saasure` for Okta's own Admin Console, `okta_enduser`, an OIN app's) otherwise.
   */
  name: string;
  /** `created` and `lastUpdated`, as ISO timestamps; `undefined` when Okta did not say. */
  created: string | undefined;
  lastUpdated: string | undefined;
  /** The setup id in `profile["x-sso-console"].setupId`, if the console created the app. */
  setupId: string | undefined;
  /** `settings.implicitAssignment`: every user of the org may sign in without an assignment. */
  implicitAssignment: boolean;
  /** `settings.oauthClient`: the OAuth client's settings. */
  oauthClient: {
    /** `application_type`: `web`, `browser`, `native` or `service`. */
    applicationType: string;
    grantTypes: string[];
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    initiateLoginUri: string | undefined;
    consentMethod: string;
    /** `issuer_mode`: which issuer the app's tokens carry (`ORG_URL`, `CUSTOM_URL`, `DYNAMIC`). */
    issuerMode: string;
  };
  /** `credentials.oauthClient`: the OAuth client's identity and how it authenticates. */
  clientCredentials: {
    /** `client_id`; `undefined` when absent or empty, where callers use the app's id, as Okta does. */
    clientId: string | undefined;
    /** `client_secret`: only in the answer that created the app. */
    clientSecret: string | undefined;
    /** `token_endpoint_auth_method`: `none` for a public client. */
    tokenEndpointAuthMethod: string;
    pkceRequired: boolean;
  };
  /** The app as Okta answered: a replace must send back the fields the console does not manage. */
  json: JsonObject;
}

/** Reads an app integration as Okta (or the SDK) answered it. */
export function readOktaApp(value: unknown): OktaApp {
  const json = asObject(value);
  const settings = asObject(json.settings);
  const oauth = asObject(settings.oauthClient);
  const credentials = asObject(asObject(json.credentials).oauthClient);
  return {
    id: stringOf(json.id),
    label: textOf(json.label),
    status: textOf(json.status),
    signOnMode: textOf(json.signOnMode),
    name: textOf(json.name),
    created: timestampOf(json.created),
    lastUpdated: timestampOf(json.lastUpdated),
    setupId: stringOf(asObject(asObject(json.profile)[SETUP_MARK_KEY]).setupId),
    implicitAssignment: settings.implicitAssignment === true,
    oauthClient: {
      applicationType: textOf(oauth.application_type),
      grantTypes: stringsOf(oauth.grant_types),
      redirectUris: stringsOf(oauth.redirect_uris),
      postLogoutRedirectUris: stringsOf(oauth.post_logout_redirect_uris),
      initiateLoginUri: stringOf(oauth.initiate_login_uri),
      consentMethod: textOf(oauth.consent_method),
      issuerMode: textOf(oauth.issuer_mode),
    },
    clientCredentials: {
      clientId: nonEmptyStringOf(credentials.client_id),
      clientSecret: stringOf(credentials.client_secret),
      tokenEndpointAuthMethod: textOf(credentials.token_endpoint_auth_method),
      pkceRequired: credentials.pkce_required === true,
    },
    json,
  };
}

/** A user of the directory (`/api/v1/users/{id}`). */
export interface OktaUser {
  id: string | undefined;
  /** `status`: `ACTIVE`, `STAGED`, `SUSPENDED`…; `undefined` when Okta did not say. */
  status: string | undefined;
  /** `profile.login`, `profile.firstName`, `profile.lastName`. */
  login: string;
  firstName: string;
  lastName: string;
}

/** Reads a user of the directory. */
export function readOktaUser(value: unknown): OktaUser {
  const json = asObject(value);
  const profile = asObject(json.profile);
  return {
    id: stringOf(json.id),
    status: stringOf(json.status),
    login: textOf(profile.login),
    firstName: textOf(profile.firstName),
    lastName: textOf(profile.lastName),
  };
}

/** A user's assignment to an app (`/api/v1/apps/{appId}/users/{userId}`). */
export interface OktaAppUser {
  /** The user's id. */
  id: string | undefined;
  /** `scope`: `USER` when assigned directly, `GROUP` when through a group. */
  scope: string;
  /** `credentials.userName`, the name the app knows the user by; `undefined` when absent or empty. */
  userName: string | undefined;
  /** The app's own profile of the user (`profile.name`, `given_name`, `family_name`). */
  profile: { name: string; givenName: string; familyName: string };
  /** The user as `expand=user` embeds it (`_embedded.user`); empty fields without it. */
  user: OktaUser;
}

/** Reads an app's user assignment. */
export function readOktaAppUser(value: unknown): OktaAppUser {
  const json = asObject(value);
  const profile = asObject(json.profile);
  return {
    id: stringOf(json.id),
    scope: textOf(json.scope),
    userName: nonEmptyStringOf(asObject(json.credentials).userName),
    profile: {
      name: textOf(profile.name),
      givenName: textOf(profile.given_name),
      familyName: textOf(profile.family_name),
    },
    user: readOktaUser(asObject(json._embedded).user),
  };
}

/** A group of the directory (`/api/v1/groups/{id}`). */
export interface OktaGroup {
  id: string | undefined;
  /** `profile.name`. */
  name: string | undefined;
}

/** Reads a group of the directory. */
export function readOktaGroup(value: unknown): OktaGroup {
  const json = asObject(value);
  return { id: stringOf(json.id), name: stringOf(asObject(json.profile).name) };
}

/** A group's assignment to an app (`/api/v1/apps/{appId}/groups/{groupId}`). */
export interface OktaGroupAssignment {
  /** The group's id. */
  id: string | undefined;
  /** The group as `expand=group` embeds it (`_embedded.group`); no name without it. */
  group: OktaGroup;
}

/** Reads an app's group assignment. */
export function readOktaGroupAssignment(value: unknown): OktaGroupAssignment {
  const json = asObject(value);
  return { id: stringOf(json.id), group: readOktaGroup(asObject(json._embedded).group) };
}

/** A trusted origin (`/api/v1/trustedOrigins/{id}`). */
export interface OktaTrustedOrigin {
  id: string | undefined;
  name: string | undefined;
  /** `origin`: scheme, host and port, e.g. `https://app.example.com`. */
  origin: string | undefined;
  /** The `type` of each of `scopes`: `CORS`, `REDIRECT`, `IFRAME_EMBED`. */
  scopeTypes: string[];
  lastUpdated: string | undefined;
}

/** Reads a trusted origin. */
export function readOktaTrustedOrigin(value: unknown): OktaTrustedOrigin {
  const json = asObject(value);
  return {
    id: stringOf(json.id),
    name: stringOf(json.name),
    origin: stringOf(json.origin),
    scopeTypes: itemsOf(json.scopes).flatMap((scope) => stringOf(asObject(scope).type) ?? []),
    lastUpdated: timestampOf(json.lastUpdated),
  };
}

/** A custom authorization server (`/api/v1/authorizationServers/{id}`). */
export interface OktaAuthServer {
  id: string | undefined;
  name: string | undefined;
  status: string;
  /** `issuer`: the `iss` of its tokens. */
  issuer: string;
  /** `issuerMode`: `ORG_URL`, `CUSTOM_URL` or `DYNAMIC`. */
  issuerMode: string;
  lastUpdated: string | undefined;
}

/** Reads a custom authorization server. */
export function readOktaAuthServer(value: unknown): OktaAuthServer {
  const json = asObject(value);
  return {
    id: stringOf(json.id),
    name: stringOf(json.name),
    status: textOf(json.status),
    issuer: textOf(json.issuer),
    issuerMode: textOf(json.issuerMode),
    lastUpdated: timestampOf(json.lastUpdated),
  };
}

/** A scope of a custom authorization server. */
export interface OktaScope {
  id: string | undefined;
  name: string;
}

/** Reads a scope of a custom authorization server. */
export function readOktaScope(value: unknown): OktaScope {
  const json = asObject(value);
  return { id: stringOf(json.id), name: textOf(json.name) };
}

/** A claim of a custom authorization server. */
export interface OktaClaim {
  id: string | undefined;
  name: string;
  /** `claimType`: `IDENTITY` (ID token) or `RESOURCE` (access token). */
  claimType: string;
  /** `valueType`: `EXPRESSION`, `GROUPS` or `SYSTEM`. */
  valueType: string;
  status: string;
}

/** Reads a claim of a custom authorization server. */
export function readOktaClaim(value: unknown): OktaClaim {
  const json = asObject(value);
  return {
    id: stringOf(json.id),
    name: textOf(json.name),
    claimType: textOf(json.claimType),
    valueType: textOf(json.valueType),
    status: textOf(json.status),
  };
}

/** An access policy of a custom authorization server. */
export interface OktaPolicy {
  id: string | undefined;
  name: string;
  /** `description`: where the console marks the policies it creates. */
  description: string;
  status: string;
  /**
   * `priority`, as a number (`0` when absent): Okta evaluates policies from the lowest up.
   * A malformed priority reads as `NaN`, which sorts as nothing does.
   */
  priority: number;
  /** `conditions.clients.include`: the client ids it covers, or `ALL_CLIENTS`. */
  includedClients: string[];
  /** The policy as Okta answered: a replace must send back what the console does not change. */
  json: JsonObject;
}

/** Reads an access policy of a custom authorization server. */
export function readOktaPolicy(value: unknown): OktaPolicy {
  const json = asObject(value);
  return {
    id: stringOf(json.id),
    name: textOf(json.name),
    description: textOf(json.description),
    status: textOf(json.status),
    priority: priorityOf(json.priority),
    includedClients: stringsOf(asObject(asObject(json.conditions).clients).include),
    json,
  };
}

/** Users and groups a rule includes and excludes (`conditions.people`); ids, or `EVERYONE`. */
export interface OktaPeopleCondition {
  users: { include: string[]; exclude: string[] };
  groups: { include: string[]; exclude: string[] };
}

/** A rule of an access policy. */
export interface OktaPolicyRule {
  id: string | undefined;
  name: string;
  status: string;
  /** `priority`, read as {@link OktaPolicy.priority} is. */
  priority: number;
  /** `conditions.grantTypes.include`. */
  grantTypes: string[];
  /** `conditions.scopes.include`; `*` stands for every scope. */
  scopes: string[];
  /** `conditions.people`; all empty when the rule has none (it then covers everyone). */
  people: OktaPeopleCondition;
  /** The rule as Okta answered: a replace must send back what the console does not change. */
  json: JsonObject;
}

/** Reads a rule of an access policy. */
export function readOktaPolicyRule(value: unknown): OktaPolicyRule {
  const json = asObject(value);
  const conditions = asObject(json.conditions);
  const people = asObject(conditions.people);
  const includedAndExcluded = (value: unknown) => ({
    include: stringsOf(asObject(value).include),
    exclude: stringsOf(asObject(value).exclude),
  });
  return {
    id: stringOf(json.id),
    name: textOf(json.name),
    status: textOf(json.status),
    priority: priorityOf(json.priority),
    grantTypes: stringsOf(asObject(conditions.grantTypes).include),
    scopes: stringsOf(asObject(conditions.scopes).include),
    people: {
      users: includedAndExcluded(people.users),
      groups: includedAndExcluded(people.groups),
    },
    json,
  };
}

/** One of an app's client secrets (`/api/v1/apps/{appId}/credentials/secrets`). */
export interface OktaClientSecret {
  id: string | undefined;
  status: string;
  /**
   * `client_secret`: the secret itself only in the answer that creates it; every other answer
   * (list, get, activate, deactivate) masks it (`DRUFXGF9XbLn......a3x3POBiIxDreBCdZuFs5B`), so it
   * is never a secret to keep or use.
   */
  clientSecret: string | undefined;
  created: string | undefined;
}

/** Reads one of an app's client secrets. */
export function readOktaClientSecret(value: unknown): OktaClientSecret {
  const json = asObject(value);
  return {
    id: stringOf(json.id),
    status: textOf(json.status),
    clientSecret: stringOf(json.client_secret),
    created: timestampOf(json.created),
  };
}

/**
 * An authorization server's OpenID discovery document (`/.well-known/openid-configuration`).
 *
 * @remarks
 * Unlike the management objects, its fields keep OpenID Connect Discovery's own snake-case
 * names: the exporters write them under those names, and a target's configuration is checked
 * against the same spelling.
 */
export interface OktaDiscovery {
  /** The exact `iss` of the server's tokens, which strict clients compare byte for byte. */
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string | undefined;
  end_session_endpoint?: string | undefined;
  jwks_uri: string;
  /** The scopes the server publishes; `undefined` when the document has no such list. */
  scopes_supported?: string[] | undefined;
}

/** Reads a discovery document as Okta serves it. */
export function readOktaDiscovery(value: unknown): OktaDiscovery {
  const json = asObject(value);
  return {
    issuer: textOf(json.issuer),
    authorization_endpoint: textOf(json.authorization_endpoint),
    token_endpoint: textOf(json.token_endpoint),
    userinfo_endpoint: stringOf(json.userinfo_endpoint),
    end_session_endpoint: stringOf(json.end_session_endpoint),
    jwks_uri: textOf(json.jwks_uri),
    scopes_supported: Array.isArray(json.scopes_supported)
      ? stringsOf(json.scopes_supported)
      : undefined,
  };
}

/**
 * The SDK's declared type of each request body the console writes as plain JSON, by the name of
 * the request's parameter.
 */
export interface SdkRequestBodies {
  application: Parameters<OktaClient['applicationApi']['replaceApplication']>[0]['application'];
  trustedOrigin: Parameters<
    OktaClient['trustedOriginApi']['replaceTrustedOrigin']
  >[0]['trustedOrigin'];
  policy: Parameters<
    OktaClient['authorizationServerApi']['replaceAuthorizationServerPolicy']
  >[0]['policy'];
  policyRule: Parameters<
    OktaClient['authorizationServerApi']['replaceAuthorizationServerPolicyRule']
  >[0]['policyRule'];
}

/**
 * The body of a request written as plain JSON, as the SDK's request parameter `kind` declares it:
 * spread it into the request, `{ appId, ...sdkRequestBody('application', body) }`.
 *
 * @remarks
 * The SDK declares each request body as a generated model class (`Application`, `TrustedOrigin`,
 * `AuthorizationServerPolicyRuleRequest`…) but never needs an instance: its `ObjectSerializer`
 * reads the body's fields by their declared names, choosing a subclass by a discriminator such as
 * `signOnMode`, so a plain object with those fields is sent exactly as an instance would be. The
 * console writes its bodies as plain JSON — a replace spreads the object Okta answered — which
 * the classes' nested types (enums, subclasses) cannot be told about without restating Okta's
 * whole schema. This is the one place that converts, instead of a cast at every call; `kind`
 * names the parameter, so a body cannot pass as another request's.
 */
export function sdkRequestBody<Kind extends keyof SdkRequestBodies>(
  kind: Kind,
  body: JsonObject,
): { [Name in Kind]: SdkRequestBodies[Name] } {
  return { [kind]: body } as unknown as { [Name in Kind]: SdkRequestBodies[Name] };
}

/** `value` if it is an array, else `[]`. */
function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/**
 * A timestamp as an ISO string: Okta sends strings, and the SDK's models turn some into `Date`s.
 */
function timestampOf(value: unknown): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  }
  return stringOf(value);
}

/** `value` if it is a string other than `''`: for names whose empty value means none was given. */
function nonEmptyStringOf(value: unknown): string | undefined {
  return textOf(value) || undefined;
}

/** A policy's or rule's `priority` as a number, `0` when absent. */
function priorityOf(value: unknown): number {
  return Number(value ?? 0);
}
