import {
  EXPORT_TARGET_TITLES,
  type ExportedFile,
  type ExportOutput,
} from '../../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import { SETUP_MARK_KEY } from '../../okta/org-snapshot.ts';
import type { Exporter, ExportInput } from '../exporter.ts';
import {
  attribute,
  BLANK,
  comment,
  type HclBodyItem,
  hclBool,
  hclCall,
  type HclExpression,
  hclList,
  hclMultilineObject,
  hclNumber,
  hclObject,
  hclReference,
  hclString,
  hclStringList,
  nested,
  renderHclFile,
} from '../hcl-writer.ts';
import { assertPassesPreExportLint } from '../target-rules.ts';

/**
 * The Terraform export (targets.md §13): one `main.tf` that describes this setup with the okta
 * provider's resources, so the setup the console made becomes code.
 *
 * @remarks
 * The setup already exists in the org when this runs, so the file is written to be *adopted*, not
 * applied from scratch: Terraform ≥ 1.5 `import` blocks bring the app, its assignments and a new
 * authorization server into state under the ids the org gave them, and `terraform plan` then shows
 * them as imports rather than as objects to create (which would make a second app with the same
 * label, or fail on a duplicate). Objects whose ids the export does not know (scopes, the claim,
 * the access policy and its rule, trusted origins) carry a comment with the `terraform import`
 * command to run first.
 *
 * Choices, each after a §13 pitfall:
 * - `omit_secret = true`: otherwise the provider keeps the client secret in state, forever
 *   (terraform-provider-okta#109). The client secret is never written to `main.tf`, not even when
 *   the admin asked for it inline: the file is code meant for version control, `client_basic_secret`
 *   would put the value in state too, and Terraform does not need it — the app keeps the secret
 *   Okta gave it. So this file is never `sensitive`.
 * - `okta_app_group_assignments` lists every group assigned now (`facts.assignedGroups`), not just
 *   the document's: the resource removes every group it does not list (#1871, #1798, #1177). The
 *   groups are named by id, which is what the assignment holds; a lookup by name could find a
 *   same-named group of another type (names are unique among Okta groups only) and swap it in.
 * - The org server's groups claim goes in `okta_app_oauth.groups_claim`, which the provider sets
 *   through an internal API it skips under OAuth 2.0 credentials (#1906), so the provider is
 *   configured for an API token (`OKTA_API_TOKEN`).
 * - The API token is never in the file. The org name and base URL are: the import ids belong to
 *   this org, and an `OKTA_ORG_NAME` left over in a shell must not point them at another.
 *
 * Not verifiable: Terraform is not a relying party, so there is no sign-in to test and no
 * `read()`; `terraform plan -detailed-exitcode` is its check (see the next steps).
 */

/** The provider release line whose resource shapes this file uses (v7 made trusted-origin scopes blocks). */
const OKTA_PROVIDER_VERSION = '~> 7.0';

/** `import` blocks appeared in Terraform 1.5. */
const TERRAFORM_VERSION = '>= 1.5.0';

/**
 * Scopes every custom authorization server has (Okta's system scopes): the provider must not
 * create them, and the console never did.
 */
const SYSTEM_SCOPES = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'device_sso',
]);

/**
 * Terraform names (resource labels) derived from document text, unique per resource type.
 *
 * @remarks
 * Terraform names are identifiers; labels and logins are not. Lowercase words joined by `_`
 * read well in `terraform plan` and never need quoting; a second object that would get the same
 * name gets a numeric suffix.
 */
class TerraformNames {
  private readonly used = new Map<string, Set<string>>();

  name(resourceType: string, text: string, fallback: string): string {
    const slug = text
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      // Runs are one underscore by now, so one at either end is all there is to take.
      .replace(/^_|_$/g, '');
    const base = slug === '' ? fallback : /^[0-9]/.test(slug) ? `${fallback}_${slug}` : slug;
    const taken = this.used.get(resourceType) ?? new Set<string>();
    this.used.set(resourceType, taken);
    let candidate = base;
    for (let suffix = 2; taken.has(candidate); suffix += 1) {
      candidate = `${base}_${String(suffix)}`;
    }
    taken.add(candidate);
    return candidate;
  }
}

/** `https://acme.okta.com` → org name `acme`, base URL `okta.com`, the provider's two halves. */
function providerOrg(orgUrl: string): { orgName: string; baseUrl: string } | undefined {
  if (!URL.canParse(orgUrl)) {
    return undefined;
  }
  const url = new URL(orgUrl);
  const host = url.hostname;
  const firstDot = host.indexOf('.');
  // The provider builds https://{org_name}.{base_url}: no port, no plain http, no IP address.
  if (url.protocol !== 'https:' || url.port !== '' || firstDot <= 0 || /^[\d.]+$/.test(host)) {
    return undefined;
  }
  return { orgName: host.slice(0, firstDot), baseUrl: host.slice(firstDot + 1) };
}

/** Response types Okta pairs with the grant types, as the console's apply sends them. */
function responseTypesFor(grantTypes: readonly string[]): string[] {
  return [
    ...(grantTypes.includes('authorization_code') ? ['code'] : []),
    ...(grantTypes.includes('implicit') ? ['id_token', 'token'] : []),
  ];
}

/** Where the admin finds the id of an object the export cannot import by itself. */
interface ImportByHand {
  /** The import id up to the unknown part, e.g. `aus123/`. */
  idPrefix: string;
  /** The shell variable the comment's command uses for the unknown part, e.g. `POLICY_ID`. */
  variable: string;
  /** The API call that lists the ids. */
  listedBy: string;
}

/**
 * The file's items in order, and which resources it adopts with an import block and which the
 * admin must import by hand (the next steps list both).
 */
class MainTf {
  readonly items: HclBodyItem[] = [];
  readonly imported: string[] = [];
  readonly importedByHand: string[] = [];

  push(...items: HclBodyItem[]): void {
    this.items.push(...items);
  }

  /** A resource the org gave an id the export knows: an `import` block adopts it. */
  adopted(type: string, name: string, importId: string, body: HclBodyItem[]): void {
    this.imported.push(`${type}.${name}`);
    this.items.push(
      nested(
        'import',
        [],
        [attribute('to', hclReference(type, name)), attribute('id', hclString(importId))],
      ),
      BLANK,
      nested('resource', [type, name], body),
      BLANK,
    );
  }

  /** A resource whose id the export does not know: a comment gives the command that imports it. */
  toImportByHand(type: string, name: string, how: ImportByHand, body: HclBodyItem[]): void {
    const address = `${type}.${name}`;
    this.importedByHand.push(address);
    this.items.push(
      comment(
        `Already in the org if the console created it: import it before the first apply, with\n` +
          `${how.variable} from ${how.listedBy}:\n` +
          `  terraform import ${address} "${how.idPrefix}$${how.variable}"`,
      ),
      nested('resource', [type, name], body),
      BLANK,
    );
  }
}

/**
 * The custom server: managed and adopted when the console created it, else referenced by id.
 * Returns what the server's scopes, claim and policy use as `auth_server_id`.
 */
function writeAuthServer(
  file: MainTf,
  names: TerraformNames,
  input: ExportInput,
  authServerId: string,
): HclExpression {
  const { issuer } = input.document;
  const issuerUrl = input.facts.discovery.issuer;
  if (issuer.kind !== 'custom' || issuer.server.kind === 'existing') {
    // Not the console's to own: referenced, not managed. The provider's data source finds servers
    // by name only, and the export knows the id (the issuer's path carries it).
    file.push(
      nested(
        'locals',
        [],
        [
          comment(
            `The existing authorization server this setup uses, referenced but not managed here:\n` +
              `issuer ${issuerUrl}.`,
          ),
          attribute('auth_server_id', hclString(authServerId)),
        ],
      ),
      BLANK,
    );
    return hclReference('local', 'auth_server_id');
  }
  const { server } = issuer;
  const serverName = names.name('okta_auth_server', server.name, 'auth_server');
  const issuerHost = URL.canParse(issuerUrl) ? new URL(issuerUrl).host : '';
  const orgHost = URL.canParse(input.applied.orgUrl) ? new URL(input.applied.orgUrl).host : '';
  file.push(comment(`The authorization server this setup created: issuer ${issuerUrl}.`));
  file.adopted('okta_auth_server', serverName, authServerId, [
    attribute('name', hclString(server.name)),
    attribute('description', hclString(server.description)),
    attribute('audiences', hclStringList([server.audience])),
    // The issuer's host says which mode the server runs in; the provider defaults to ORG_URL.
    attribute('issuer_mode', hclString(issuerHost === orgHost ? 'ORG_URL' : 'CUSTOM_URL')),
    attribute('status', hclString('ACTIVE')),
  ]);
  return hclReference('okta_auth_server', serverName, 'id');
}

/**
 * The scopes the console created on the server (every non-system one the document asks for),
 * written as its apply creates them so an import shows no change. Returns each one's reference.
 */
function writeScopes(
  file: MainTf,
  names: TerraformNames,
  document: SetupDocument,
  authServerId: string,
  serverId: HclExpression,
): Map<string, HclExpression> {
  const references = new Map<string, HclExpression>();
  if (document.issuer.kind !== 'custom') {
    return references;
  }
  for (const scope of document.issuer.scopes) {
    if (SYSTEM_SCOPES.has(scope) || references.has(scope)) {
      continue;
    }
    const scopeName = names.name('okta_auth_server_scope', scope, 'scope');
    file.toImportByHand(
      'okta_auth_server_scope',
      scopeName,
      {
        idPrefix: `${authServerId}/`,
        variable: 'SCOPE_ID',
        listedBy: `GET /api/v1/authorizationServers/${authServerId}/scopes`,
      },
      [
        attribute('auth_server_id', serverId),
        attribute('name', hclString(scope)),
        attribute('description', hclString(`Requested by ${document.app.label}`)),
        attribute('consent', hclString('IMPLICIT')),
        attribute('metadata_publish', hclString('NO_CLIENTS')),
      ],
    );
    references.set(scope, hclReference('okta_auth_server_scope', scopeName, 'name'));
  }
  return references;
}

/** The custom server's groups claim, as the console's apply creates it. */
function writeServerGroupsClaim(
  file: MainTf,
  names: TerraformNames,
  document: SetupDocument,
  authServerId: string,
  serverId: HclExpression,
): void {
  const claim = document.issuer.groupsClaim;
  if (document.issuer.kind !== 'custom' || claim === undefined) {
    return;
  }
  file.toImportByHand(
    'okta_auth_server_claim',
    names.name('okta_auth_server_claim', claim.name, 'claim'),
    {
      idPrefix: `${authServerId}/`,
      variable: 'CLAIM_ID',
      listedBy: `GET /api/v1/authorizationServers/${authServerId}/claims`,
    },
    [
      attribute('auth_server_id', serverId),
      attribute('name', hclString(claim.name)),
      attribute('status', hclString('ACTIVE')),
      attribute('claim_type', hclString('IDENTITY')),
      ...(claim.type === 'FILTER'
        ? [
            attribute('value_type', hclString('GROUPS')),
            attribute('group_filter_type', hclString(claim.filterType)),
          ]
        : [attribute('value_type', hclString('EXPRESSION'))]),
      attribute('value', hclString(claim.value)),
      attribute('always_include_in_token', hclBool(true)),
    ],
  );
}

/** How the custom server's objects are referred to in the file. */
interface ServerReferences {
  /** The id the org gave the server, for import ids. */
  authServerId: string;
  /** What the server's objects use as `auth_server_id`. */
  serverId: HclExpression;
  /** The created scopes' references, by scope name. */
  scopes: Map<string, HclExpression>;
}

/**
 * The access policy that admits the app's client id, and its rule for the app's grant types and
 * the document's scopes: same names, description (with the console's mark) and lifetimes as the
 * console's apply, so an import shows no change.
 */
function writeAccessPolicy(
  file: MainTf,
  names: TerraformNames,
  document: SetupDocument,
  server: ServerReferences,
  appName: string,
): void {
  if (document.issuer.kind !== 'custom') {
    return;
  }
  const { authServerId, serverId } = server;
  const policyName = names.name('okta_auth_server_policy', appName, 'app');
  const label = document.app.label;
  file.push(
    comment(
      `The access policy that lets the app get tokens from this server (without one, /authorize\n` +
        `fails with "Policy evaluation failed").`,
    ),
  );
  file.toImportByHand(
    'okta_auth_server_policy',
    policyName,
    {
      idPrefix: `${authServerId}/`,
      variable: 'POLICY_ID',
      listedBy: `GET /api/v1/authorizationServers/${authServerId}/policies`,
    },
    [
      attribute('auth_server_id', serverId),
      attribute('name', hclString(`${label} access`)),
      attribute('description', hclString(`Lets ${label} get tokens. [sso-console ${document.id}]`)),
      attribute('priority', hclNumber(1)),
      attribute('status', hclString('ACTIVE')),
      attribute(
        'client_whitelist',
        hclList([hclReference('okta_app_oauth', appName, 'client_id')]),
      ),
    ],
  );
  // The system scopes by name, the created ones by reference: Terraform then creates a scope
  // before the rule that grants it.
  const grantedScopes = document.issuer.scopes.map(
    (scope) => server.scopes.get(scope) ?? hclString(scope),
  );
  file.toImportByHand(
    'okta_auth_server_policy_rule',
    names.name('okta_auth_server_policy_rule', appName, 'app'),
    {
      idPrefix: `${authServerId}/$POLICY_ID/`,
      variable: 'RULE_ID',
      listedBy: `GET /api/v1/authorizationServers/${authServerId}/policies/$POLICY_ID/rules`,
    },
    [
      attribute('auth_server_id', serverId),
      attribute('policy_id', hclReference('okta_auth_server_policy', policyName, 'id')),
      attribute('name', hclString(`${label} sign-in`)),
      attribute('priority', hclNumber(1)),
      attribute('status', hclString('ACTIVE')),
      attribute('type', hclString('RESOURCE_ACCESS')),
      attribute('group_whitelist', hclStringList(['EVERYONE'])),
      attribute('grant_type_whitelist', hclStringList(document.app.grantTypes)),
      attribute('scope_whitelist', hclList(grantedScopes)),
      attribute('access_token_lifetime_minutes', hclNumber(60)),
      attribute('refresh_token_lifetime_minutes', hclNumber(0)),
      attribute('refresh_token_window_minutes', hclNumber(10080)),
    ],
  );
}

/** The `okta_app_oauth` resource's body: the app as the console's apply wrote it. */
function appBody(document: SetupDocument): HclBodyItem[] {
  const { app, issuer } = document;
  const body: HclBodyItem[] = [
    attribute('label', hclString(app.label)),
    attribute('type', hclString(app.applicationType)),
    attribute('grant_types', hclStringList(app.grantTypes)),
    attribute('response_types', hclStringList(responseTypesFor(app.grantTypes))),
    attribute('redirect_uris', hclStringList(app.redirectUris)),
    ...(app.postLogoutRedirectUris.length > 0
      ? [attribute('post_logout_redirect_uris', hclStringList(app.postLogoutRedirectUris))]
      : []),
    ...(app.initiateLoginUri === undefined
      ? []
      : [attribute('login_uri', hclString(app.initiateLoginUri))]),
    attribute('token_endpoint_auth_method', hclString(app.tokenEndpointAuthMethod)),
    attribute('pkce_required', hclBool(app.pkceRequired)),
    attribute('consent_method', hclString(app.consentMethod)),
    attribute('implicit_assignment', hclBool(app.implicitAssignment)),
    attribute('issuer_mode', hclString(issuer.issuerMode)),
    // The provider hides new apps from the dashboard by default; the console's apps are visible.
    attribute('hide_ios', hclBool(false)),
    attribute('hide_web', hclBool(false)),
    // The console's mark (the setup id): without it, the provider would clear the profile and the
    // console would no longer recognise its app.
    attribute(
      'profile',
      hclCall(
        'jsonencode',
        hclObject([[SETUP_MARK_KEY, hclObject([['setupId', hclString(document.id)]])]]),
      ),
    ),
    comment(
      'Keeps the client secret out of Terraform state (terraform-provider-okta#109); the app keeps\n' +
        'the secret it has.',
    ),
    attribute('omit_secret', hclBool(true)),
  ];
  if (issuer.kind === 'org' && issuer.groupsClaim !== undefined) {
    body.push(
      BLANK,
      comment(
        "The org authorization server's groups claim (the Sign On tab). The provider sets it only\n" +
          'when it authenticates with an API token, not with OAuth 2.0 credentials.',
      ),
      nested(
        'groups_claim',
        [],
        [
          attribute('type', hclString(issuer.groupsClaim.type)),
          ...(issuer.groupsClaim.type === 'FILTER'
            ? [attribute('filter_type', hclString(issuer.groupsClaim.filterType))]
            : []),
          attribute('name', hclString(issuer.groupsClaim.name)),
          attribute('value', hclString(issuer.groupsClaim.value)),
        ],
      ),
    );
  }
  return body;
}

/** The header, the `terraform` block and the provider pinned to the org. */
function writeSettings(
  file: MainTf,
  document: SetupDocument,
  org: ReturnType<typeof providerOrg>,
): void {
  file.push(
    comment(
      `SSO Setup Console: setup "${document.id}" (app "${document.app.label}") as Terraform.\n` +
        `The console already set these objects up in the org: the import blocks adopt them, and the\n` +
        `comments say how to import the rest, instead of creating copies. The API token comes from\n` +
        `OKTA_API_TOKEN; no client secret is written here.`,
    ),
    BLANK,
    nested(
      'terraform',
      [],
      [
        attribute('required_version', hclString(TERRAFORM_VERSION)),
        nested(
          'required_providers',
          [],
          [
            attribute(
              'okta',
              hclMultilineObject([
                ['source', hclString('okta/okta')],
                ['version', hclString(OKTA_PROVIDER_VERSION)],
              ]),
            ),
          ],
        ),
      ],
    ),
    BLANK,
    nested(
      'provider',
      ['okta'],
      org === undefined
        ? [
            comment(
              'org_name, base_url and api_token come from OKTA_ORG_NAME, OKTA_BASE_URL and\n' +
                'OKTA_API_TOKEN.',
            ),
          ]
        : [
            attribute('org_name', hclString(org.orgName)),
            attribute('base_url', hclString(org.baseUrl)),
            comment('api_token comes from the OKTA_API_TOKEN environment variable.'),
          ],
    ),
    BLANK,
  );
}

/** Every group assigned now, and the users assigned directly. */
function writeAssignments(
  file: MainTf,
  names: TerraformNames,
  input: ExportInput,
  appName: string,
): void {
  const { applied, facts } = input;
  const appId = hclReference('okta_app_oauth', appName, 'id');
  // Without groups the resource stays out: written empty, it would remove every group an admin
  // assigns later.
  if (facts.assignedGroups.length > 0) {
    file.push(
      comment(
        'Every group assigned to the app now. This resource removes any group it does not list, so\n' +
          'assign groups here from now on, not in the Admin Console.',
      ),
    );
    file.adopted('okta_app_group_assignments', appName, applied.appId, [
      attribute('app_id', appId),
      ...facts.assignedGroups.map((group) =>
        nested('group', [], [comment(group.name), attribute('id', hclString(group.id))]),
      ),
    ]);
  }
  for (const user of facts.assignedUsers) {
    file.adopted(
      'okta_app_user',
      names.name('okta_app_user', `${appName}_${user.login}`, appName),
      `${applied.appId}/${user.id}`,
      [
        attribute('app_id', appId),
        attribute('user_id', hclString(user.id)),
        attribute('username', hclString(user.login)),
      ],
    );
  }
}

/** The document's trusted origins (CORS for `/token`, redirect for sign-out). */
function writeTrustedOrigins(file: MainTf, names: TerraformNames, document: SetupDocument): void {
  for (const origin of document.trustedOrigins) {
    file.toImportByHand(
      'okta_trusted_origin',
      names.name('okta_trusted_origin', origin.origin, 'origin'),
      { idPrefix: '', variable: 'TRUSTED_ORIGIN_ID', listedBy: 'GET /api/v1/trustedOrigins' },
      [
        attribute('name', hclString(origin.name)),
        attribute('origin', hclString(origin.origin)),
        // Blocks since provider v7 (a list of strings before).
        ...origin.scopes.map((scope) =>
          nested('scopes', [], [attribute('type', hclString(scope))]),
        ),
      ],
    );
  }
}

/** What the admin should know before running Terraform on the file. */
function warningsFor(
  input: ExportInput,
  file: MainTf,
  org: ReturnType<typeof providerOrg>,
): string[] {
  const { document, applied, facts } = input;
  const warnings: string[] = [];
  if (org === undefined) {
    warnings.push(
      `The org URL ${applied.orgUrl} does not split into the provider's org_name and base_url (it needs https and a host name), so main.tf leaves them to OKTA_ORG_NAME and OKTA_BASE_URL.`,
    );
  }
  if (facts.assignedGroups.length > 0) {
    const notInSetup = facts.assignedGroups.filter(
      (group) => !document.assignments.groups.some((wanted) => wanted.name === group.name),
    );
    warnings.push(
      `okta_app_group_assignments lists all ${String(facts.assignedGroups.length)} groups assigned to the app now${
        notInSetup.length > 0
          ? `, including ${notInSetup.map((group) => `"${group.name}"`).join(', ')}, which this setup did not add`
          : ''
      }. Terraform removes any group that is not listed there (terraform-provider-okta#1871), so manage the app's groups in main.tf from now on.`,
    );
  }
  if (document.issuer.kind === 'org' && document.issuer.groupsClaim !== undefined) {
    warnings.push(
      'The groups claim on the org authorization server goes through an internal Okta API: the provider sets it only with an API token (OKTA_API_TOKEN), not with OAuth 2.0 credentials, and marks groups_claim deprecated. The console cannot set this claim, so unless you set it on the Sign On tab already, the plan shows an in-place update adding it.',
    );
  }
  if (file.importedByHand.length > 0) {
    warnings.push(
      `Okta gave the console no ids for ${file.importedByHand.join(', ')}, so main.tf has no import block for them. Import each with the command in its comment before the first apply; otherwise Terraform tries to create them again (a duplicate, or an error for an existing name).`,
    );
  }
  if (document.app.existingAppId !== undefined) {
    warnings.push(
      'This setup edited an app that existed before. main.tf holds the fields the console manages; others the app has (notes, extra profile keys, visibility) are not in it, and the plan shows them as in-place changes. Copy them into main.tf before applying if you want to keep them.',
    );
  }
  if (input.secret.kind === 'inline') {
    warnings.push(
      'You asked for the client secret inline, but main.tf never holds it: the file is code for version control, and the provider would also keep it in Terraform state (terraform-provider-okta#109). Terraform does not need it; omit_secret = true leaves the app its current secret.',
    );
  }
  return warnings;
}

/** Where the file goes, the token variable, and how `terraform plan` adopts the setup. */
function nextStepsFor(
  input: ExportInput,
  file: MainTf,
  org: ReturnType<typeof providerOrg>,
): string[] {
  const { document } = input;
  const isPublicClient = document.app.tokenEndpointAuthMethod === 'none';
  const hasOrgGroupsClaim =
    document.issuer.kind === 'org' && document.issuer.groupsClaim !== undefined;
  const steps = [
    'Put main.tf in an empty directory of its own (or a module of your Terraform repository).',
    `Export an Okta API token of an admin who may manage apps${document.issuer.kind === 'custom' ? ' and authorization servers' : ''}: export OKTA_API_TOKEN=… (it never goes into main.tf).${
      org === undefined ? ' Also export OKTA_ORG_NAME and OKTA_BASE_URL for your org.' : ''
    }`,
    file.importedByHand.length > 0
      ? `Run terraform init, then import the objects without an import block with the commands in their comments in main.tf: ${file.importedByHand.join(', ')}.`
      : 'Run terraform init.',
    `Run terraform plan: it must show ${file.imported.join(', ')} as "will be imported" and nothing to add. An in-place update of omit_secret (a provider-only setting)${
      hasOrgGroupsClaim ? ' and of groups_claim' : ''
    } is expected; anything else in-place is a difference between main.tf and the org to look at first.`,
    `Run terraform apply to record the imports in state. ${
      isPublicClient
        ? 'Keep the state private'
        : 'The state holds no client secret (omit_secret), but keep it private all the same'
    }: it maps the org’s ids.`,
    'Afterwards terraform plan -detailed-exitcode exits 0 (no changes): from then on, change this setup in main.tf.',
  ];
  if (input.secret.kind !== 'inline' && !isPublicClient) {
    steps.push(
      'The client secret stays where the target app reads it (its own export); Terraform neither reads nor rotates it.',
    );
  }
  return steps;
}

/** The whole `main.tf` and what to tell the admin about it. */
function exportTerraform(input: ExportInput): ExportOutput {
  // The §0 lint before anything is written; it also refuses an inline secret that fails it, though
  // main.tf never holds one.
  assertPassesPreExportLint(input, {
    opening: 'The Terraform export was not written, because:',
    layout: 'list',
  });
  const { document, applied, facts } = input;
  const authServerId = applied.authServerId;
  if (document.issuer.kind === 'custom' && authServerId === null) {
    throw new Error(
      'The setup uses a custom authorization server, but the applied setup names none. Apply the setup first, then export again.',
    );
  }

  const file = new MainTf();
  const names = new TerraformNames();
  const appName = names.name('okta_app_oauth', document.app.label, 'app');
  const org = providerOrg(applied.orgUrl);
  writeSettings(file, document, org);

  let server: ServerReferences | undefined;
  if (document.issuer.kind === 'custom' && authServerId !== null) {
    const serverId = writeAuthServer(file, names, input, authServerId);
    const scopes = writeScopes(file, names, document, authServerId, serverId);
    writeServerGroupsClaim(file, names, document, authServerId, serverId);
    server = { authServerId, serverId, scopes };
  }

  file.push(comment(`The app integration (client id ${applied.clientId}).`));
  file.adopted('okta_app_oauth', appName, applied.appId, appBody(document));
  writeAssignments(file, names, input, appName);
  if (server !== undefined) {
    writeAccessPolicy(file, names, document, server, appName);
  }
  writeTrustedOrigins(file, names, document);
  file.push(
    nested(
      'output',
      ['client_id'],
      [attribute('value', hclReference('okta_app_oauth', appName, 'client_id'))],
    ),
    BLANK,
    nested(
      'output',
      ['issuer'],
      [
        comment('Exactly as the discovery document states it.'),
        attribute('value', hclString(facts.discovery.issuer)),
      ],
    ),
  );

  const mainTf: ExportedFile = {
    name: 'main.tf',
    language: 'hcl',
    content: renderHclFile(file.items),
    sensitive: false,
    purpose:
      'The Okta objects of this setup as Terraform (okta provider), with import blocks that adopt what the console created; put it in its own Terraform directory.',
  };
  return {
    target: 'terraform',
    files: [mainTf],
    nextSteps: nextStepsFor(input, file, org),
    warnings: warningsFor(input, file, org),
  };
}

/** The Terraform target; see the module comment. */
export const terraformExporter: Exporter = {
  id: 'terraform',
  title: EXPORT_TARGET_TITLES.terraform,
  description:
    'main.tf with the okta provider’s resources for the app, its assignments and authorization server, and import blocks that adopt what the console created.',
  mergeable: false,
  verifiable: false,
  export: exportTerraform,
};
