/**
 * Okta routes outside management.yaml that the console calls, each with where its shape comes
 * from and a check of its answers, since the spec cannot check them.
 *
 * @remarks
 * Kept short on purpose: a route belongs here only when Okta's public API has no way to do what
 * the console must, and a maintained client of Okta's (here its own Terraform provider) calls it
 * against real orgs. The conformance report counts these exchanges apart from the spec's.
 */

/** One internal operation: its name, method, path and the shape of its 200 answer. */
export interface InternalOperation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  source: string;
  /** What is wrong with a 2xx answer's body; empty when nothing is. */
  checkAnswer: (body: unknown) => string[];
}

const GROUPS_CLAIM_TEMPLATE = '/api/v1/internal/apps/{appId}/settings/oauth/idToken';
const GROUPS_CLAIM_PATTERN = /^\/api\/v1\/internal\/apps\/[^/]+\/settings\/oauth\/idToken$/;
const GROUPS_CLAIM_SOURCE =
  'okta/terraform-provider-okta sdk/app_oauth_group_claim.go (AppOauthGroupClaim)';

/**
 * The provider's `AppOauthGroupClaim`: every member an optional string, `valueType` GROUPS or
 * EXPRESSION, `groupFilterType` one of Okta's four filter types.
 */
function checkGroupsClaim(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return ['the answer is not a JSON object'];
  }
  const fields = body as Record<string, unknown>;
  const known = [
    'valueType',
    'groupFilterType',
    'issuer',
    'orgUrl',
    'audience',
    'issuerMode',
    'name',
    'value',
  ];
  const errors = Object.entries(fields).flatMap(([name, value]) => [
    ...(known.includes(name) ? [] : [`"${name}" is not a member of AppOauthGroupClaim`]),
    ...(typeof value === 'string' ? [] : [`"${name}" is not a string`]),
  ]);
  const { valueType, groupFilterType } = fields;
  if (typeof valueType === 'string' && !['GROUPS', 'EXPRESSION'].includes(valueType)) {
    errors.push(`valueType "${valueType}" is neither GROUPS nor EXPRESSION`);
  }
  if (
    typeof groupFilterType === 'string' &&
    !['STARTS_WITH', 'EQUALS', 'CONTAINS', 'REGEX'].includes(groupFilterType)
  ) {
    errors.push(`groupFilterType "${groupFilterType}" is not a filter type`);
  }
  return errors;
}

/** The internal operations the console calls. */
export const INTERNAL_OPERATIONS: readonly InternalOperation[] = [
  {
    operationId: 'getAppOauthGroupsClaim',
    method: 'GET',
    template: GROUPS_CLAIM_TEMPLATE,
    pattern: GROUPS_CLAIM_PATTERN,
    source: GROUPS_CLAIM_SOURCE,
    checkAnswer: checkGroupsClaim,
  },
  {
    operationId: 'updateAppOauthGroupsClaim',
    method: 'POST',
    template: GROUPS_CLAIM_TEMPLATE,
    pattern: GROUPS_CLAIM_PATTERN,
    source: GROUPS_CLAIM_SOURCE,
    checkAnswer: checkGroupsClaim,
  },
];

/** The internal operation a request is, if any. */
export function findInternalOperation(
  method: string,
  requestPath: string,
): InternalOperation | undefined {
  return INTERNAL_OPERATIONS.find(
    (operation) => operation.method === method && operation.pattern.test(requestPath),
  );
}
