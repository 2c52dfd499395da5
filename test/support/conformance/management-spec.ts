import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

import { ROOT } from '../processes.ts';
import { findInternalOperation } from './internal-operations.ts';

/** Where Okta's management spec lives: `../shared/okta/management.yaml`, beside the project. */
export const MANAGEMENT_SPEC_PATH =
  process.env.SSO_CONSOLE_OKTA_SPEC ??
  path.resolve(ROOT, '..', 'shared', 'okta', 'management.yaml');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Reads management.yaml, caching the parsed document as JSON under node_modules/.cache.
 *
 * @remarks
 * Parsing the 3.4 MB YAML takes about two seconds; every test process that checks conformance
 * would pay it again. The cache is keyed by the file's size and modification time.
 */
export function loadManagementSpec(specPath = MANAGEMENT_SPEC_PATH): JsonObject {
  if (!existsSync(specPath)) {
    throw new Error(
      `Okta's management spec is not at ${specPath}. It ships in the shared folder beside the project (../shared/okta/); set SSO_CONSOLE_OKTA_SPEC to point elsewhere.`,
    );
  }
  const { size, mtimeMs } = statSync(specPath);
  const cacheDir = path.join(ROOT, 'node_modules', '.cache', 'sso-console');
  const cacheFile = path.join(
    cacheDir,
    `management-${String(size)}-${String(Math.floor(mtimeMs))}.json`,
  );
  if (existsSync(cacheFile)) {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as JsonObject;
  }
  const document = parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(document));
  return document;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites OpenAPI 3.0 schema dialect into JSON Schema that ajv validates.
 *
 * @remarks
 * Two keywords differ: `nullable: true` becomes a `null` type (or an `anyOf` with `null` around
 * a `$ref` or composition), and `discriminator` — which ajv supports only without `mapping` —
 * becomes `if`/`then` per mapping entry, with the branches' `oneOf` relaxed to `anyOf` (a body of
 * one subtype often also matches another, which `oneOf` would reject although Okta's spec
 * selects by the tag).
 */
export function toJsonSchema(node: Json, parentKey = ''): Json {
  if (Array.isArray(node)) {
    return node.map((item) => toJsonSchema(item));
  }
  if (!isObject(node)) {
    return node;
  }
  const isPropertyMap = parentKey === 'properties' || parentKey === 'patternProperties';
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples are documentation, not schema: some carry `$id`-like URLs with placeholders that
    // would trip ajv's reference resolver. Property maps keep every key (a property may be
    // called "example").
    if (!isPropertyMap && (key === 'example' || key === 'examples' || key.startsWith('x-'))) {
      continue;
    }
    out[key] = toJsonSchema(value, key);
  }
  const discriminator = out.discriminator;
  if (isObject(discriminator)) {
    delete out.discriminator;
    const propertyName = discriminator.propertyName;
    const mapping = discriminator.mapping;
    if (Array.isArray(out.oneOf)) {
      out.anyOf = out.oneOf;
      delete out.oneOf;
    }
    if (typeof propertyName === 'string' && isObject(mapping)) {
      const rules: Json[] = Object.entries(mapping).map(([tag, target]) => ({
        if: { properties: { [propertyName]: { const: tag } }, required: [propertyName] },
        then: { $ref: target },
      }));
      if (Array.isArray(out.anyOf)) {
        out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), ...rules];
      } else {
        // A base schema whose subtypes `allOf` it: applied in place, the rules would recurse
        // (base → subtype → base). splitDiscriminatedBases() places them safely.
        out[DISCRIMINATOR_RULES] = rules;
      }
    }
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) {
        out.enum = [...out.enum, null];
      }
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  } else if ('nullable' in out) {
    delete out.nullable;
  }
  return out;
}

const DISCRIMINATOR_RULES = 'x-sso-discriminator-rules';

/**
 * Gives each discriminated base schema a plain copy, `<Name>__base`, for its subtypes to inherit.
 *
 * @remarks
 * In Okta's spec a base such as `Application` maps `signOnMode` to subtypes like
 * `OpenIdConnectApplication`, which are `allOf: [Application, …]`. The base keeps its mapping
 * (so a response typed `Application` is checked as its subtype), and every `allOf` reference to
 * it is pointed at the copy without the mapping, which breaks the cycle.
 */
export function splitDiscriminatedBases(schemas: JsonObject): void {
  const bases = Object.entries(schemas).filter(
    ([, schema]) => isObject(schema) && Array.isArray(schema[DISCRIMINATOR_RULES]),
  );
  const renamed = new Map<string, string>();
  for (const [name, schema] of bases) {
    const { [DISCRIMINATOR_RULES]: rawRules, ...base } = schema as JsonObject;
    const rules = rawRules as Json[];
    schemas[`${name}__base`] = base;
    schemas[name] = {
      ...base,
      allOf: [...(Array.isArray(base.allOf) ? base.allOf : []), ...rules],
    };
    renamed.set(`#/components/schemas/${name}`, `#/components/schemas/${name}__base`);
  }
  const visit = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) {
      return;
    }
    if (Array.isArray(node.allOf)) {
      node.allOf = node.allOf.map((item) => {
        const target =
          isObject(item) && typeof item.$ref === 'string' ? renamed.get(item.$ref) : undefined;
        return target === undefined ? item : { ...(item as JsonObject), $ref: target };
      });
    }
    Object.values(node).forEach(visit);
  };
  if (renamed.size > 0) {
    Object.values(schemas).forEach(visit);
  }
}

/** A JSON-pointer token (RFC 6901). */
function pointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Errors Okta's error objects must have, beyond `ModelError` (whose fields are all optional in
 * the spec): the five fields okta-behaviours.md §10 documents, with `errorLink` equal to
 * `errorCode` and an `oae…` id.
 */
export function oktaErrorShapeErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return ['an Okta error must be a JSON object'];
  }
  const error = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof error.errorCode !== 'string' || !/^E\d{7}$/.test(error.errorCode)) {
    problems.push('errorCode must look like E0000011');
  }
  if (typeof error.errorSummary !== 'string' || error.errorSummary === '') {
    problems.push('errorSummary must be a non-empty string');
  }
  if (error.errorLink !== error.errorCode) {
    problems.push('errorLink must equal errorCode');
  }
  if (typeof error.errorId !== 'string' || !error.errorId.startsWith('oae')) {
    problems.push('errorId must be an oae… id');
  }
  if (!Array.isArray(error.errorCauses)) {
    problems.push('errorCauses must be an array');
  }
  return problems;
}

/**
 * Errors Okta sends that management.yaml does not declare for the operation, each documented in
 * `../shared/reference/okta-behaviours.md`. They are accepted only with these codes, and still
 * held to Okta's error-object shape; the report counts them separately.
 */
export const DOCUMENTED_ERRORS: readonly {
  status: number;
  errorCodes: readonly string[];
  source: string;
}[] = [
  // Query errors of list operations (okta-behaviours.md §6) and a malformed body (§10).
  { status: 400, errorCodes: ['E0000029', 'E0000031', 'E0000033', 'E0000003'], source: '§6, §10' },
  // Duplicate group name (okta-behaviours.md §5 "Uniqueness").
  { status: 409, errorCodes: ['E0000055'], source: '§5' },
];

/** One operation of the spec, as the checker matches requests against it. */
export interface SpecOperation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  literalSegments: number;
  responses: JsonObject;
  /** The query parameters the operation (or its path) declares, by name. */
  queryParameters: string[];
}

/** What the checker concluded about one exchange. */
export interface ExchangeVerdict {
  operationId: string | null;
  template: string | null;
  /** How the status was matched: declared by the operation, or a global error Okta sends anywhere. */
  statusMatch:
    'declared' | 'global-error' | 'documented-error' | 'internal' | 'unknown-route' | 'undeclared';
  errors: string[];
  /** The request's query parameters, by name, each once. */
  queryParameters: string[];
}

/**
 * Every operation of the spec: its method, path template (and the pattern requests are matched
 * with) and the query parameters it declares.
 *
 * @remarks
 * Apart from {@link createConformanceChecker}, which also compiles the spec's schemas (seconds),
 * so the route-registry tests and the conformance report can read the operations cheaply.
 */
export function listSpecOperations(document: JsonObject = loadManagementSpec()): SpecOperation[] {
  const components = isObject(document.components) ? document.components : {};
  const named = isObject(components.parameters) ? components.parameters : {};
  /** The names of the `in: query` parameters in these lists, following `$ref`s to components. */
  const declaredQueryParameters = (lists: Json[]): string[] =>
    lists
      .flatMap((list) => (Array.isArray(list) ? list : []))
      .map((parameter) =>
        isObject(parameter) && typeof parameter.$ref === 'string'
          ? named[parameter.$ref.replace('#/components/parameters/', '')]
          : parameter,
      )
      .filter(
        (parameter): parameter is JsonObject => isObject(parameter) && parameter.in === 'query',
      )
      .map((parameter) => (typeof parameter.name === 'string' ? parameter.name : ''));
  const paths = isObject(document.paths) ? document.paths : {};
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) {
      continue;
    }
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation) || typeof operation.operationId !== 'string') {
        continue;
      }
      const segments = template.split('/').filter(Boolean);
      const source = segments
        .map((segment) =>
          segment.startsWith('{') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      operations.push({
        queryParameters: declaredQueryParameters([
          item.parameters ?? null,
          operation.parameters ?? null,
        ]),
        operationId: operation.operationId,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^/${source}$`),
        literalSegments: segments.filter((segment) => !segment.startsWith('{')).length,
        responses: isObject(operation.responses) ? operation.responses : {},
      });
    }
  }
  return operations;
}

/**
 * Checks sandbox responses against the status codes and response schemas of management.yaml.
 *
 * @remarks
 * The operation is found by method and path template, preferring templates with more literal
 * segments (`/users/me/…` over `/users/{userId}/…`). A status the operation does not declare is
 * accepted only for errors Okta returns on every route — 401 (token), 429 (rate limit) and 5xx —
 * and then validated against `ModelError`; any other undeclared status is a violation.
 */
export function createConformanceChecker(document: JsonObject = loadManagementSpec()) {
  const converted = toJsonSchema(document) as JsonObject;
  const components = isObject(converted.components) ? converted.components : {};
  if (isObject(components.schemas)) {
    splitDiscriminatedBases(components.schemas);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false });
  (addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
  ajv.addSchema({ ...converted, $id: 'management.json' });

  const operations = listSpecOperations(converted);

  const compiled = new Map<string, ValidateFunction>();
  function validatorAt(pointer: string): ValidateFunction {
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `management.json#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  }

  /** Follows a `$ref` to `#/components/responses/…`, returning the response and its pointer. */
  function resolveResponse(
    response: Json,
    pointer: string,
  ): { response: JsonObject; pointer: string } | null {
    if (isObject(response) && typeof response.$ref === 'string') {
      const name = response.$ref.replace('#/components/responses/', '');
      const components = converted.components;
      const target =
        isObject(components) && isObject(components.responses)
          ? components.responses[name]
          : undefined;
      return isObject(target)
        ? { response: target, pointer: `/components/responses/${pointerToken(name)}` }
        : null;
    }
    return isObject(response) ? { response, pointer } : null;
  }

  function findOperation(method: string, requestPath: string): SpecOperation | undefined {
    return operations
      .filter((operation) => operation.method === method && operation.pattern.test(requestPath))
      .sort((a, b) => b.literalSegments - a.literalSegments)[0];
  }

  function check(exchange: {
    method: string;
    path: string;
    query?: string;
    status: number;
    body: unknown;
  }): ExchangeVerdict {
    const verdict = checkResponse(exchange);
    const queryParameters = [...new Set(new URLSearchParams(exchange.query ?? '').keys())];
    const operation = findOperation(exchange.method, exchange.path);
    // Requests, too, are held to the spec: a parameter the operation does not declare is one the
    // sandbox answered although Okta would not know it — a test that means nothing.
    const undeclared =
      operation === undefined
        ? []
        : queryParameters.filter((name) => !operation.queryParameters.includes(name));
    return {
      ...verdict,
      queryParameters,
      errors: [
        ...undeclared.map(
          (name) =>
            `the request's query parameter "${name}" is not declared by ${operation?.operationId ?? ''}`,
        ),
        ...verdict.errors,
      ],
    };
  }

  function checkResponse(exchange: {
    method: string;
    path: string;
    status: number;
    body: unknown;
  }): Omit<ExchangeVerdict, 'queryParameters'> {
    const operation = findOperation(exchange.method, exchange.path);
    const internal =
      operation === undefined ? findInternalOperation(exchange.method, exchange.path) : undefined;
    if (internal !== undefined) {
      // Outside the spec, but a route Okta serves (internal-operations.ts names the source).
      return {
        operationId: internal.operationId,
        template: internal.template,
        statusMatch: 'internal',
        errors:
          exchange.status < 300
            ? internal.checkAnswer(exchange.body)
            : oktaErrorShapeErrors(exchange.body),
      };
    }
    if (operation === undefined) {
      // A path or method Okta does not have: the only right answer is Okta's own 404 error.
      if (exchange.status === 404) {
        return {
          operationId: null,
          template: null,
          statusMatch: 'unknown-route',
          errors: oktaErrorShapeErrors(exchange.body),
        };
      }
      return {
        operationId: null,
        template: null,
        statusMatch: 'undeclared',
        errors: [
          `${exchange.method} ${exchange.path} is not an operation of management.yaml, yet answered HTTP ${String(exchange.status)}`,
        ],
      };
    }
    const status = String(exchange.status);
    const key = [status, `${status[0] ?? ''}XX`, 'default'].find(
      (candidate) => candidate in operation.responses,
    );
    const operationPointer = `/paths/${pointerToken(operation.template)}/${operation.method.toLowerCase()}`;
    let schemaPointer: string | null;
    let statusMatch: ExchangeVerdict['statusMatch'];
    if (key !== undefined) {
      statusMatch = 'declared';
      const resolved = resolveResponse(
        operation.responses[key] ?? null,
        `${operationPointer}/responses/${pointerToken(key)}`,
      );
      const content = resolved?.response.content;
      const json = isObject(content) ? content['application/json'] : undefined;
      schemaPointer =
        resolved !== null && isObject(json) && json.schema !== undefined
          ? `${resolved.pointer}/content/application~1json/schema`
          : null;
    } else if (exchange.status === 401 || exchange.status === 429 || exchange.status >= 500) {
      statusMatch = 'global-error';
      schemaPointer = '/components/schemas/ModelError';
    } else if (
      DOCUMENTED_ERRORS.some(
        (documented) =>
          documented.status === exchange.status &&
          documented.errorCodes.includes(
            String((exchange.body as { errorCode?: unknown } | null)?.errorCode),
          ),
      )
    ) {
      statusMatch = 'documented-error';
      schemaPointer = '/components/schemas/ModelError';
    } else {
      return {
        operationId: operation.operationId,
        template: operation.template,
        statusMatch: 'undeclared',
        errors: [
          `HTTP ${status} is not declared for ${operation.operationId} (${operation.method} ${operation.template})`,
        ],
      };
    }
    const errors: string[] = [];
    if (schemaPointer === null) {
      if (exchange.body !== null && exchange.body !== undefined) {
        errors.push(
          `HTTP ${status} of ${operation.operationId} declares no JSON body, but one was sent`,
        );
      }
    } else {
      const validate = validatorAt(schemaPointer);
      if (!validate(exchange.body)) {
        for (const error of validate.errors ?? []) {
          errors.push(
            `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
          );
        }
      }
    }
    if (exchange.status >= 400) {
      errors.push(...oktaErrorShapeErrors(exchange.body));
    }
    return {
      operationId: operation.operationId,
      template: operation.template,
      statusMatch,
      errors,
    };
  }

  return { check, operations };
}
