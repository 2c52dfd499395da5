import type { ExportedFile, ExportOutput } from '../../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import { SETUP_MARK_KEY } from '../../setup/org-snapshot.ts';
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
import { preExportLint } from '../pre-export-lint.ts';

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
      .replace(/^_+|_+$/g, '');
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

function importBlock(to: HclExpression, id: string): HclBodyItem {
  return nested('import', [], [attribute('to', to), attribute('id', hclString(id))]);
}

/** The comment above an object the export cannot import by itself: the command that does. */
function importByHandComment(
  address: string,
  idPrefix: string,
  idName: string,
  where: string,
): HclBodyItem {
  return comment(
    `Already in the org if the console created it: import it before the first apply, with\n` +
      `${idName} from ${where}:\n` +
      `  terraform import ${address} "${idPrefix}$${idName}"`,
  );
}

/** Throws the §0 lint's problems as one error, before anything is written. */
function assertLintPasses(input: ExportInput): void {
  const problems = preExportLint({
    issuer: input.facts.discovery.issuer,
    clientId: input.applied.clientId,
    ...(input.secret.kind === 'inline' ? { clientSecret: input.secret.value } : {}),
  });
  if (problems.length > 0) {
    throw new Error(
      `The Terraform export was not written, because:\n${problems.map((problem) => `- ${problem}`).join('\n')}`,
    );
  }
}

interface CustomServerParts {
  items: HclBodyItem[];
  /** What the claim, scopes and policy use as `auth_server_id`. */
  serverIdExpression: HclExpression;
  /** Addresses of the objects written without an import block, for the next steps. */
  importByHand: string[];
  /** Addresses of the objects written with an import block. */
  imported: string[];
}

/** The server's scopes, claim and access policy: everything before the app in the file. */
function customServerObjects(
  document: SetupDocument,
  input: ExportInput,
  authServerId: string,
  names: TerraformNames,
  appName: string,
): CustomServerParts & { policyItems: (clientId: HclExpression) => HclBodyItem[] } {
  const { issuer } = document;
  if (issuer.kind !== 'custom') {
    throw new Error('customServerObjects needs a custom authorization server.');
  }
  const items: HclBodyItem[] = [];
  const importByHand: string[] = [];
  const imported: string[] = [];
  let serverIdExpression: HclExpression;
  if (issuer.server.kind === 'new') {
    // The console created this server: the file owns it, and adopts it by id.
    const serverName = names.name('okta_auth_server', issuer.server.name, 'auth_server');
    const issuerHost = URL.canParse(input.facts.discovery.issuer)
      ? new URL(input.facts.discovery.issuer).host
      : '';
    const orgHost = URL.canParse(input.applied.orgUrl) ? new URL(input.applied.orgUrl).host : '';
    items.push(
      comment(
        `The authorization server this setup created (issuer ${input.facts.discovery.issuer}).`,
      ),
      importBlock(hclReference('okta_auth_server', serverName), authServerId),
      BLANK,
      nested(
        'resource',
        ['okta_auth_server', serverName],
        [
          attribute('name', hclString(issuer.server.name)),
          attribute('description', hclString(issuer.server.description)),
          attribute('audiences', hclStringList([issuer.server.audience])),
          // The issuer's host says which mode the server runs in; the provider defaults to ORG_URL.
          attribute('issuer_mode', hclString(issuerHost === orgHost ? 'ORG_URL' : 'CUSTOM_URL')),
          attribute('status', hclString('ACTIVE')),
        ],
      ),
      BLANK,
    );
    serverIdExpression = hclReference('okta_auth_server', serverName, 'id');
    imported.push(`okta_auth_server.${serverName}`);
  } else {
    // Not the console's to own: referenced by id. The provider's data source looks servers up by
    // name only, and the document knows the id (the issuer's path carries it).
    items.push(
      nested(
        'locals',
        [],
        [
          comment(
            `The existing authorization server this setup uses (issuer ${input.facts.discovery.issuer});\n` +
              `it is referenced, not managed, by this file.`,
          ),
          attribute('auth_server_id', hclString(authServerId)),
        ],
      ),
      BLANK,
    );
    serverIdExpression = hclReference('local', 'auth_server_id');
  }

  const scopeReferences = new Map<string, HclExpression>();
  for (const scope of issuer.scopes) {
    if (SYSTEM_SCOPES.has(scope) || scopeReferences.has(scope)) {
      continue;
    }
    const scopeName = names.name('okta_auth_server_scope', scope, 'scope');
    const address = `okta_auth_server_scope.${scopeName}`;
    importByHand.push(address);
    // Written as the console's apply creates it, so an import shows no change.
    items.push(
      importByHandComment(
        address,
        `${authServerId}/`,
        'SCOPE_ID',
        `GET /api/v1/authorizationServers/${authServerId}/scopes`,
      ),
      nested(
        'resource',
        ['okta_auth_server_scope', scopeName],
        [
          attribute('auth_server_id', serverIdExpression),
          attribute('name', hclString(scope)),
          attribute('description', hclString(`Requested by ${document.app.label}`)),
          attribute('consent', hclString('IMPLICIT')),
          attribute('metadata_publish', hclString('NO_CLIENTS')),
        ],
      ),
      BLANK,
    );
    scopeReferences.set(scope, hclReference('okta_auth_server_scope', scopeName, 'name'));
  }

  if (issuer.groupsClaim !== undefined) {
    const claim = issuer.groupsClaim;
    const claimName = names.name('okta_auth_server_claim', claim.name, 'claim');
    const address = `okta_auth_server_claim.${claimName}`;
    importByHand.push(address);
    items.push(
      importByHandComment(
        address,
        `${authServerId}/`,
        'CLAIM_ID',
        `GET /api/v1/authorizationServers/${authServerId}/claims`,
      ),
      nested(
        'resource',
        ['okta_auth_server_claim', claimName],
        [
          attribute('auth_server_id', serverIdExpression),
          attribute('name', hclString(claim.name)),
          attribute('status', hclString('ACTIVE')),
          attribute('claim_type', hclString('IDENTITY')),
          attribute('value_type', hclString('GROUPS')),
          attribute('group_filter_type', hclString(claim.filterType)),
          attribute('value', hclString(claim.value)),
          attribute('always_include_in_token', hclBool(true)),
        ],
      ),
      BLANK,
    );
  }

  const policyItems = (clientId: HclExpression): HclBodyItem[] => {
    const policyName = names.name('okta_auth_server_policy', appName, 'app');
    const policyAddress = `okta_auth_server_policy.${policyName}`;
    const ruleName = names.name('okta_auth_server_policy_rule', appName, 'app');
    const ruleAddress = `okta_auth_server_policy_rule.${ruleName}`;
    importByHand.push(policyAddress, ruleAddress);
    // The scopes the rule grants: the system ones by name, the created ones by reference, so
    // Terraform creates a scope before the rule that names it.
    const grantedScopes = issuer.scopes.map(
      (scope) => scopeReferences.get(scope) ?? hclString(scope),
    );
    return [
      comment(
        `The access policy that lets the app get tokens from this server (without one, /authorize\n` +
          `fails with "Policy evaluation failed"). Same name, description and rule as the console's.`,
      ),
      importByHandComment(
        policyAddress,
        `${authServerId}/`,
        'POLICY_ID',
        `GET /api/v1/authorizationServers/${authServerId}/policies`,
      ),
      nested(
        'resource',
        ['okta_auth_server_policy', policyName],
        [
          attribute('auth_server_id', serverIdExpression),
          attribute('name', hclString(`${document.app.label} access`)),
          attribute(
            'description',
            hclString(`Lets ${document.app.label} get tokens. [sso-console ${document.id}]`),
          ),
          attribute('priority', hclNumber(1)),
          attribute('status', hclString('ACTIVE')),
          attribute('client_whitelist', hclList([clientId])),
        ],
      ),
      BLANK,
      importByHandComment(
        ruleAddress,
        `${authServerId}/$POLICY_ID/`,
        'RULE_ID',
        `GET /api/v1/authorizationServers/${authServerId}/policies/$POLICY_ID/rules`,
      ),
      nested(
        'resource',
        ['okta_auth_server_policy_rule', ruleName],
        [
          attribute('auth_server_id', serverIdExpression),
          attribute('policy_id', hclReference('okta_auth_server_policy', policyName, 'id')),
          attribute('name', hclString(`${document.app.label} sign-in`)),
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
      ),
      BLANK,
    ];
  };

  return { items, serverIdExpression, importByHand, imported, policyItems };
}

/** The `okta_app_oauth` resource: the app as the console's apply wrote it. */
function appResource(document: SetupDocument, appName: string): HclBodyItem {
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
          attribute('type', hclString('FILTER')),
          attribute('filter_type', hclString(issuer.groupsClaim.filterType)),
          attribute('name', hclString(issuer.groupsClaim.name)),
          attribute('value', hclString(issuer.groupsClaim.value)),
        ],
      ),
    );
  }
  return nested('resource', ['okta_app_oauth', appName], body);
}

/** The whole `main.tf` and what to tell the admin about it. */
function exportTerraform(input: ExportInput): ExportOutput {
  assertLintPasses(input);
  const { document, applied, facts } = input;
  const { issuer } = document;
  if (issuer.kind === 'custom' && applied.authServerId === null) {
    throw new Error(
      'The setup uses a custom authorization server, but the applied setup names none. Apply the setup first, then export again.',
    );
  }

  const names = new TerraformNames();
  const appName = names.name('okta_app_oauth', document.app.label, 'app');
  const appId = hclReference('okta_app_oauth', appName, 'id');
  const org = providerOrg(applied.orgUrl);
  const warnings: string[] = [];
  const importedAddresses: string[] = [`okta_app_oauth.${appName}`];

  const items: HclBodyItem[] = [
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
              'org_name, base_url and api_token come from OKTA_ORG_NAME, OKTA_BASE_URL and OKTA_API_TOKEN.',
            ),
          ]
        : [
            attribute('org_name', hclString(org.orgName)),
            attribute('base_url', hclString(org.baseUrl)),
            comment('api_token comes from the OKTA_API_TOKEN environment variable.'),
          ],
    ),
    BLANK,
  ];
  if (org === undefined) {
    warnings.push(
      `The org URL ${applied.orgUrl} does not split into the provider's org_name and base_url (it needs https and a host name), so main.tf leaves them to OKTA_ORG_NAME and OKTA_BASE_URL.`,
    );
  }

  let importByHand: string[] = [];
  let policyItems: HclBodyItem[] = [];
  if (issuer.kind === 'custom' && applied.authServerId !== null) {
    const server = customServerObjects(document, input, applied.authServerId, names, appName);
    items.push(...server.items);
    policyItems = server.policyItems(hclReference('okta_app_oauth', appName, 'client_id'));
    importByHand = server.importByHand;
    importedAddresses.unshift(...server.imported);
  }

  items.push(
    comment(`The app integration (client id ${applied.clientId}).`),
    importBlock(hclReference('okta_app_oauth', appName), applied.appId),
    BLANK,
    appResource(document, appName),
    BLANK,
  );

  if (facts.assignedGroups.length > 0) {
    const address = `okta_app_group_assignments.${appName}`;
    importedAddresses.push(address);
    items.push(
      comment(
        'Every group assigned to the app now. This resource removes any group it does not list, so\n' +
          'assign groups here from now on, not in the Admin Console.',
      ),
      importBlock(hclReference('okta_app_group_assignments', appName), applied.appId),
      BLANK,
      nested(
        'resource',
        ['okta_app_group_assignments', appName],
        [
          attribute('app_id', appId),
          ...facts.assignedGroups.map((group) =>
            nested('group', [], [comment(group.name), attribute('id', hclString(group.id))]),
          ),
        ],
      ),
      BLANK,
    );
    const undocumented = facts.assignedGroups.filter(
      (group) => !document.assignments.groups.some((wanted) => wanted.name === group.name),
    );
    warnings.push(
      `okta_app_group_assignments lists all ${String(facts.assignedGroups.length)} groups assigned to the app now${
        undocumented.length > 0
          ? `, including ${undocumented.map((group) => `"${group.name}"`).join(', ')}, which this setup did not add`
          : ''
      }. Terraform removes any group that is not listed there (terraform-provider-okta#1871), so manage the app's groups in main.tf from now on.`,
    );
  }

  for (const user of facts.assignedUsers) {
    const userName = names.name('okta_app_user', `${appName}_${user.login}`, appName);
    const address = `okta_app_user.${userName}`;
    importedAddresses.push(address);
    items.push(
      importBlock(hclReference('okta_app_user', userName), `${applied.appId}/${user.id}`),
      BLANK,
      nested(
        'resource',
        ['okta_app_user', userName],
        [
          attribute('app_id', appId),
          attribute('user_id', hclString(user.id)),
          attribute('username', hclString(user.login)),
        ],
      ),
      BLANK,
    );
  }

  items.push(...policyItems);

  for (const origin of document.trustedOrigins) {
    const originName = names.name('okta_trusted_origin', origin.origin, 'origin');
    const address = `okta_trusted_origin.${originName}`;
    importByHand.push(address);
    items.push(
      importByHandComment(address, '', 'TRUSTED_ORIGIN_ID', 'GET /api/v1/trustedOrigins'),
      nested(
        'resource',
        ['okta_trusted_origin', originName],
        [
          attribute('name', hclString(origin.name)),
          attribute('origin', hclString(origin.origin)),
          ...origin.scopes.map((scope) =>
            nested('scopes', [], [attribute('type', hclString(scope))]),
          ),
        ],
      ),
      BLANK,
    );
  }

  items.push(
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

  if (issuer.kind === 'org' && issuer.groupsClaim !== undefined) {
    warnings.push(
      'The groups claim on the org authorization server goes through an internal Okta API: the provider sets it only with an API token (OKTA_API_TOKEN), not with OAuth 2.0 credentials, and marks groups_claim deprecated. The console cannot set this claim, so unless you set it on the Sign On tab already, the plan shows an in-place update adding it.',
    );
  }
  if (importByHand.length > 0) {
    warnings.push(
      `Okta gave the console no ids for ${importByHand.join(', ')}, so main.tf has no import block for them. Import each with the command in its comment before the first apply; otherwise Terraform tries to create them again (a duplicate, or an error for an existing name).`,
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

  const file: ExportedFile = {
    name: 'main.tf',
    language: 'hcl',
    content: renderHclFile(items),
    sensitive: false,
    purpose:
      'The Okta objects of this setup as Terraform (okta provider), with import blocks that adopt what the console created; put it in its own Terraform directory.',
  };

  const isPublicClient = document.app.tokenEndpointAuthMethod === 'none';
  const nextSteps = [
    'Put main.tf in an empty directory of its own (or a module of your Terraform repository).',
    `Export an Okta API token of an admin who may manage apps${issuer.kind === 'custom' ? ' and authorization servers' : ''}: export OKTA_API_TOKEN=… (it never goes into main.tf).${
      org === undefined ? ' Also export OKTA_ORG_NAME and OKTA_BASE_URL for your org.' : ''
    }`,
    ...(importByHand.length > 0
      ? [
          `Run terraform init, then import the objects without an import block with the commands in their comments in main.tf: ${importByHand.join(', ')}.`,
        ]
      : ['Run terraform init.']),
    `Run terraform plan: it must show ${importedAddresses.join(', ')} as "will be imported" and nothing to add. An in-place update of omit_secret (a provider-only setting)${
      issuer.kind === 'org' && issuer.groupsClaim !== undefined ? ' and of groups_claim' : ''
    } is expected; anything else in-place is a difference between main.tf and the org to look at first.`,
    `Run terraform apply to record the imports in state. ${
      isPublicClient
        ? 'Keep the state private'
        : 'The state holds no client secret (omit_secret), but keep it private all the same'
    }: it maps the org’s ids.`,
    'Afterwards terraform plan -detailed-exitcode exits 0 (no changes): from then on, change this setup in main.tf.',
  ];
  if (input.secret.kind !== 'inline' && !isPublicClient) {
    nextSteps.push(
      'The client secret stays where the target app reads it (its own export); Terraform neither reads nor rotates it.',
    );
  }

  return { target: 'terraform', files: [file], nextSteps, warnings };
}

/** The Terraform target; see the module comment. */
export const terraformExporter: Exporter = {
  id: 'terraform',
  title: 'Terraform (okta provider)',
  description:
    'main.tf with the okta provider’s resources for the app, its assignments and authorization server, and import blocks that adopt what the console created.',
  mergeable: false,
  verifiable: false,
  export: exportTerraform,
};
