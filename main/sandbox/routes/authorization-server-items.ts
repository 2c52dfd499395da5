import { asObject, type JsonObject, stringOf, textOf } from '../../platform/json.ts';
import { OKTA_ERRORS } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxAuthServer } from '../sandbox-org.ts';
import {
  adminChange,
  authServerItemTarget,
  authServerTarget,
  type SystemLogEventType,
} from '../system-log.ts';
import {
  AS_LIST_LIMITS,
  AUTH_SERVER_READERS,
  AUTH_SERVER_WRITERS,
  isResult,
  serverNotFound,
  serverOf,
} from './authorization-server-shared.ts';
import {
  compileItemFilter,
  pagedResponse,
  startsWithQuery,
  validationFailed,
} from './list-responses.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';

/**
 * The items of a custom authorization server — scopes, claims, access policies and their rules —
 * each described once as a {@link SubResource} and served by the same list / create / get /
 * replace / delete (and lifecycle) routes, so the five operations behave alike for all four.
 */

/** How one kind of sub-resource of a server (scope, claim, policy, rule) is stored and checked. */
interface SubResource {
  /** Path after `/authorizationServers/{authServerId}`, as a regex source, without the item id. */
  path: string;
  idParam: string;
  idPrefix: string;
  typeName: string;
  /**
   * How management.yaml names its operations: `list<plural>` and `create`, `get`, `replace`,
   * `delete` (and `activate`, `deactivate`) `<singular>`, e.g. `listOAuth2Scopes`,
   * `getOAuth2Scope`.
   */
  operationNames: { plural: string; singular: string };
  /**
   * The query parameters its list implements: those management.yaml declares for the list. A
   * list that declares no `after` and `limit` answers every item on one page, as the spec gives
   * no way to ask for the next.
   */
  listQueryParameters: readonly string[];
  collection(
    context: RouteContext,
    server: SandboxAuthServer,
  ): Map<string, JsonObject> | RouteResult;
  build(
    context: RouteContext,
    input: JsonObject,
    existing: JsonObject | undefined,
    items: Map<string, JsonObject>,
  ): JsonObject | RouteResult;
  render(context: RouteContext, item: JsonObject): JsonObject;
  /**
   * The items a list request keeps, from the query parameters management.yaml declares for the
   * list (`q`, `filter`); an Okta error for an expression it refuses. Absent: the list declares
   * neither.
   */
  listMatches?(
    context: RouteContext,
  ): { ok: true; matches?: (item: JsonObject) => boolean } | { ok: false; error: RouteResult };
  canDelete?(item: JsonObject): boolean;
  hasLifecycle?: boolean;
  /** The System Log: Okta's target type for the item, and the event type of each change. */
  logTargetType: string;
  logEvents: Record<'create' | 'update' | 'delete', SystemLogEventType> &
    Partial<Record<'activate' | 'deactivate', SystemLogEventType>>;
}

/** The list / create / get / replace / delete (and lifecycle) routes of a sub-resource. */
function subResourceRoutes(kind: SubResource): Route[] {
  const base = `^\\/api\\/v1\\/authorizationServers\\/(?<authServerId>[^/]+)${kind.path}`;
  const withItems = (
    context: RouteContext,
    run: (items: Map<string, JsonObject>, server: SandboxAuthServer) => RouteResult,
  ): RouteResult => {
    const server = serverOf(context);
    if (server === undefined) {
      return serverNotFound(context);
    }
    const items = kind.collection(context, server);
    return isResult(items) ? items : run(items, server);
  };
  const withItem = (
    context: RouteContext,
    run: (
      item: JsonObject,
      items: Map<string, JsonObject>,
      server: SandboxAuthServer,
    ) => RouteResult,
  ): RouteResult =>
    withItems(context, (items, server) => {
      const item = items.get(context.params[kind.idParam] ?? '');
      return item === undefined
        ? OKTA_ERRORS.notFound(context.params[kind.idParam] ?? '', kind.typeName)
        : run(item, items, server);
    });
  const logged = (
    action: keyof SubResource['logEvents'],
    item: JsonObject,
    server: SandboxAuthServer,
  ) => {
    const eventType = kind.logEvents[action];
    return eventType === undefined
      ? []
      : [
          adminChange(eventType, [
            authServerItemTarget(kind.logTargetType, item),
            authServerTarget(server),
          ]),
        ];
  };
  const itemPattern = new RegExp(`${base}\\/(?<${kind.idParam}>[^/]+)$`);
  const { plural, singular } = kind.operationNames;
  const paged = kind.listQueryParameters.includes('limit');
  const routes: Route[] = [
    {
      operationId: `list${plural}`,
      queryParameters: kind.listQueryParameters,
      method: 'GET',
      pattern: new RegExp(`${base}$`),
      allowedRoles: AUTH_SERVER_READERS,
      handle: (context) =>
        withItems(context, (items) => {
          const kept = kind.listMatches?.(context) ?? { ok: true };
          if (!kept.ok) {
            return kept.error;
          }
          if (!paged) {
            const { matches } = kept;
            const listed = [...items.values()].filter((item) => matches?.(item) ?? true);
            return { status: 200, body: listed.map((item) => kind.render(context, item)) };
          }
          return pagedResponse(
            context,
            [...items.values()],
            AS_LIST_LIMITS,
            (item) => String(item.id),
            (item) => kind.render(context, item),
            kept.matches,
          );
        }),
    },
    {
      operationId: `create${singular}`,
      queryParameters: [],
      method: 'POST',
      pattern: new RegExp(`${base}$`),
      allowedRoles: AUTH_SERVER_WRITERS,
      handle: (context) =>
        withItems(context, (items, server) => {
          const built = kind.build(context, asObject(context.body), undefined, items);
          if (isResult(built)) {
            return built;
          }
          const stamp = context.now.toISOString();
          const item = { ...built, id: oktaId(kind.idPrefix), created: stamp, lastUpdated: stamp };
          items.set(item.id, item);
          return {
            status: 201,
            body: kind.render(context, item),
            events: logged('create', item, server),
          };
        }),
    },
    {
      operationId: `get${singular}`,
      queryParameters: [],
      method: 'GET',
      pattern: itemPattern,
      allowedRoles: AUTH_SERVER_READERS,
      handle: (context) =>
        withItem(context, (item) => ({ status: 200, body: kind.render(context, item) })),
    },
    {
      operationId: `replace${singular}`,
      queryParameters: [],
      method: 'PUT',
      pattern: itemPattern,
      allowedRoles: AUTH_SERVER_WRITERS,
      handle: (context) =>
        withItem(context, (item, items, server) => {
          const built = kind.build(context, asObject(context.body), item, items);
          if (isResult(built)) {
            return built;
          }
          const updated = {
            ...built,
            id: item.id,
            created: item.created,
            lastUpdated: context.now.toISOString(),
          };
          items.set(String(item.id), updated);
          return {
            status: 200,
            body: kind.render(context, updated),
            events: logged('update', updated, server),
          };
        }),
    },
    {
      operationId: `delete${singular}`,
      queryParameters: [],
      method: 'DELETE',
      pattern: itemPattern,
      allowedRoles: AUTH_SERVER_WRITERS,
      handle: (context) =>
        withItem(context, (item, items, server) => {
          if (kind.canDelete !== undefined && !kind.canDelete(item)) {
            return OKTA_ERRORS.accessDenied();
          }
          items.delete(String(item.id));
          return { status: 204, body: undefined, events: logged('delete', item, server) };
        }),
    },
  ];
  if (kind.hasLifecycle === true) {
    for (const action of ['activate', 'deactivate'] as const) {
      routes.push({
        operationId: `${action}${singular}`,
        queryParameters: [],
        method: 'POST',
        pattern: new RegExp(`${base}\\/(?<${kind.idParam}>[^/]+)\\/lifecycle\\/${action}$`),
        allowedRoles: AUTH_SERVER_WRITERS,
        handle: (context) =>
          withItem(context, (item, _items, server) => {
            item.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
            item.lastUpdated = context.now.toISOString();
            return { status: 204, body: undefined, events: logged(action, item, server) };
          }),
      });
    }
  }
  return routes;
}

function requireName(
  input: JsonObject,
  items: Map<string, JsonObject>,
  existing: JsonObject | undefined,
): RouteResult | undefined {
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    return validationFailed('name', 'The field cannot be left blank');
  }
  const duplicate = [...items.values()].some(
    (item) => item !== existing && item.name === input.name,
  );
  return duplicate
    ? validationFailed(
        'name',
        'An object with this field already exists in the current organization',
      )
    : undefined;
}

/** Scopes and claims carry no timestamps in Okta's answers. */
function withoutTimestamps(item: JsonObject): JsonObject {
  const copy = { ...item };
  delete copy.created;
  delete copy.lastUpdated;
  return copy;
}

function itemLinks(context: RouteContext, path: string, item: JsonObject): JsonObject {
  const self = `${context.orgUrl}/api/v1/authorizationServers/${context.params.authServerId ?? ''}/${path}/${String(item.id)}`;
  return { self: { href: self, hints: { allow: ['GET', 'PUT', 'DELETE'] } } };
}

const SCOPES: SubResource = {
  path: '\\/scopes',
  idParam: 'scopeId',
  idPrefix: 'scp',
  typeName: 'OAuth2Scope',
  operationNames: { plural: 'OAuth2Scopes', singular: 'OAuth2Scope' },
  listQueryParameters: ['q', 'filter', 'after', 'limit'],
  collection: (_context, server) => server.scopes,
  build(_context, input, existing, items) {
    if (existing?.system === true) {
      return OKTA_ERRORS.accessDenied();
    }
    return (
      requireName(input, items, existing) ?? {
        name: input.name,
        description: stringOf(input.description),
        displayName: stringOf(input.displayName),
        system: false,
        default: input.default === true,
        consent: stringOf(input.consent) ?? 'IMPLICIT',
        metadataPublish: input.metadataPublish === 'ALL_CLIENTS' ? 'ALL_CLIENTS' : 'NO_CLIENTS',
        optional: input.optional === true,
      }
    );
  },
  render: (context, item) => ({
    ...withoutTimestamps(item),
    _links: itemLinks(context, 'scopes', item),
  }),
  // listOAuth2Scopes declares `q` (searches the scope's `name`; matched as a prefix, like every
  // other `q` — unverified for scopes) and `filter` (an expression on the scope).
  listMatches(context) {
    const byName = startsWithQuery(context, (item: JsonObject) => [stringOf(item.name)]);
    const expression = context.query.get('filter');
    if (expression === null) {
      return { ok: true, matches: byName };
    }
    const filter = compileItemFilter(expression, () => (item: JsonObject) => item);
    if (!filter.ok) {
      return filter;
    }
    return {
      ok: true,
      matches: (item) => filter.matches(item) && (byName?.(item) ?? true),
    };
  },
  canDelete: (item) => item.system !== true,
  logTargetType: 'OAuth2Scope',
  logEvents: {
    create: 'oauth2.scope.created',
    update: 'oauth2.scope.updated',
    delete: 'oauth2.scope.deleted',
  },
};

const CLAIMS: SubResource = {
  path: '\\/claims',
  idParam: 'claimId',
  idPrefix: 'ocl',
  typeName: 'OAuth2Claim',
  operationNames: { plural: 'OAuth2Claims', singular: 'OAuth2Claim' },
  listQueryParameters: [],
  collection: (_context, server) => server.claims,
  build(_context, input, existing, items) {
    const problem = requireName(input, items, existing);
    if (problem !== undefined) {
      return problem;
    }
    if (input.claimType !== 'RESOURCE' && input.claimType !== 'IDENTITY') {
      return validationFailed('claimType', 'Must be RESOURCE or IDENTITY');
    }
    const valueType = stringOf(input.valueType) ?? 'EXPRESSION';
    return {
      name: input.name,
      status: input.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
      claimType: input.claimType,
      valueType,
      value: textOf(input.value),
      alwaysIncludeInToken: input.alwaysIncludeInToken !== false,
      conditions: {
        scopes: Array.isArray(asObject(input.conditions).scopes)
          ? asObject(input.conditions).scopes
          : [],
      },
      ...(valueType === 'GROUPS'
        ? {
            group_filter_type: stringOf(input.group_filter_type) ?? 'REGEX',
          }
        : {}),
      system: false,
    };
  },
  render: (context, item) => ({
    ...withoutTimestamps(item),
    _links: itemLinks(context, 'claims', item),
  }),
  logTargetType: 'OAuth2Claim',
  logEvents: {
    create: 'oauth2.claim.created',
    update: 'oauth2.claim.updated',
    delete: 'oauth2.claim.deleted',
  },
};

const POLICIES: SubResource = {
  path: '\\/policies',
  idParam: 'policyId',
  idPrefix: '00p',
  typeName: 'Policy',
  operationNames: {
    plural: 'AuthorizationServerPolicies',
    singular: 'AuthorizationServerPolicy',
  },
  listQueryParameters: [],
  collection: (_context, server) => server.policies,
  build(_context, input, existing, items) {
    const problem = requireName(input, items, existing);
    if (problem !== undefined) {
      return problem;
    }
    const include = asObject(asObject(input.conditions).clients).include;
    if (!Array.isArray(include) || include.length === 0) {
      return validationFailed(
        'conditions.clients.include',
        'The policy must name its clients, or ALL_CLIENTS',
      );
    }
    return {
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: input.name,
      // management.yaml requires a non-empty description: an absent one is left out.
      ...(typeof input.description === 'string' && input.description !== ''
        ? { description: input.description }
        : {}),
      status: input.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
      priority: typeof input.priority === 'number' ? input.priority : items.size + 1,
      system: false,
      conditions: { clients: { include } },
    };
  },
  render: (context, item) => ({ ...item, _links: itemLinks(context, 'policies', item) }),
  hasLifecycle: true,
  logTargetType: 'PolicyEntity',
  logEvents: {
    create: 'policy.lifecycle.create',
    update: 'policy.lifecycle.update',
    delete: 'policy.lifecycle.delete',
    activate: 'policy.lifecycle.activate',
    deactivate: 'policy.lifecycle.deactivate',
  },
};

const RULES: SubResource = {
  path: '\\/policies\\/(?<policyId>[^/]+)\\/rules',
  idParam: 'ruleId',
  idPrefix: '0pr',
  typeName: 'PolicyRule',
  operationNames: {
    plural: 'AuthorizationServerPolicyRules',
    singular: 'AuthorizationServerPolicyRule',
  },
  listQueryParameters: [],
  collection(context, server) {
    const policyId = context.params.policyId ?? '';
    if (!server.policies.has(policyId)) {
      return OKTA_ERRORS.notFound(policyId, 'Policy');
    }
    const rules = server.rules.get(policyId) ?? new Map<string, JsonObject>();
    server.rules.set(policyId, rules);
    return rules;
  },
  build(_context, input, existing, items) {
    const problem = requireName(input, items, existing);
    if (problem !== undefined) {
      return problem;
    }
    const conditions = asObject(input.conditions);
    const grantTypes = asObject(conditions.grantTypes).include;
    if (!Array.isArray(grantTypes) || grantTypes.length === 0) {
      return validationFailed(
        'conditions.grantTypes.include',
        'The rule must name at least one grant type',
      );
    }
    const people = asObject(conditions.people);
    return {
      type: 'RESOURCE_ACCESS',
      name: input.name,
      status: input.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
      priority: typeof input.priority === 'number' ? input.priority : items.size + 1,
      system: false,
      conditions: {
        people: {
          ...(people.users === undefined ? {} : { users: people.users }),
          groups:
            asObject(people.groups).include === undefined
              ? { include: ['EVERYONE'] }
              : people.groups,
        },
        grantTypes: { include: grantTypes },
        scopes: {
          include: Array.isArray(asObject(conditions.scopes).include)
            ? asObject(conditions.scopes).include
            : ['*'],
        },
      },
      actions: {
        token: {
          accessTokenLifetimeMinutes: 60,
          refreshTokenLifetimeMinutes: 0,
          refreshTokenWindowMinutes: 10080,
          ...asObject(asObject(input.actions).token),
        },
      },
    };
  },
  render: (context, item) => ({
    ...item,
    _links: {
      self: {
        href: `${context.orgUrl}/api/v1/authorizationServers/${context.params.authServerId ?? ''}/policies/${context.params.policyId ?? ''}/rules/${String(item.id)}`,
        hints: { allow: ['GET', 'PUT', 'DELETE'] },
      },
    },
  }),
  hasLifecycle: true,
  logTargetType: 'PolicyRule',
  logEvents: {
    create: 'policy.rule.add',
    update: 'policy.rule.update',
    delete: 'policy.rule.delete',
    activate: 'policy.rule.activate',
    deactivate: 'policy.rule.deactivate',
  },
};

/** The routes of a server's scopes, claims, policies and policy rules. */
export const AUTH_SERVER_ITEM_ROUTES: readonly Route[] = [
  ...subResourceRoutes(SCOPES),
  ...subResourceRoutes(CLAIMS),
  ...subResourceRoutes(RULES),
  ...subResourceRoutes(POLICIES),
];
