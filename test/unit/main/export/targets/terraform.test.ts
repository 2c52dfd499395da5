import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import type { ExportInput } from '../../../../../main/export/exporter.ts';
import { terraformExporter } from '../../../../../main/export/targets/terraform.ts';
import type { ExportOutput } from '../../../../../shared/export/export-targets.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';
import {
  expressionOf,
  literalOf,
  type ParsedHcl,
  parseHcl,
} from '../../../../support/hcl-parsing.ts';

type Attributes = Record<string, unknown>;

/** Kestra on the org server, with the groups claim its guide sets on the Sign On tab. */
function orgServerWithGroups(secret: ExportInput['secret'] = { kind: 'reference' }): ExportInput {
  return exportInputFor('kestra', {
    secret,
    adjust: (document) => {
      if (document.issuer.kind === 'org') {
        document.issuer.groupsClaim = {
          type: 'FILTER',
          name: 'groups',
          filterType: 'STARTS_WITH',
          value: 'Kestra',
        };
      }
    },
  });
}

/** A single-page app on a custom server the console created, with a groups scope and claim. */
function newCustomServer(): ExportInput {
  return exportInputFor('spa', {
    server: 'custom',
    adjust: (document) => {
      document.issuer = {
        kind: 'custom',
        server: { kind: 'new', name: 'SPA API', audience: 'api://spa', description: 'For the SPA' },
        issuerMode: 'ORG_URL',
        scopes: ['openid', 'profile', 'email', 'groups'],
        groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
      };
    },
  });
}

/** Kaimu on the org's existing `default` custom server. */
function existingCustomServer(): ExportInput {
  return exportInputFor('kaimu', { server: 'custom' });
}

function mainTf(output: ExportOutput): string {
  expect(output.files.map((file) => file.name)).toEqual(['main.tf']);
  return output.files[0]?.content ?? '';
}

/** `resource.<type>.<name>`'s attributes. */
function resourceOf(parsed: ParsedHcl, type: string, name: string): Attributes {
  const resources = parsed.resource as Record<string, Record<string, Attributes[]>> | undefined;
  const found = resources?.[type]?.[name]?.[0];
  expect(found, `resource ${type}.${name}`).toBeDefined();
  return found ?? {};
}

/** Every resource as `type.name`, sorted. */
function resourceAddresses(parsed: ParsedHcl): string[] {
  const resources = (parsed.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(resources)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** The import blocks as address → import id. */
function importsOf(parsed: ParsedHcl): Record<string, string> {
  const imports = (parsed.import ?? []) as { to: unknown; id: unknown }[];
  return Object.fromEntries(imports.map((entry) => [expressionOf(entry.to), literalOf(entry.id)]));
}

function providerOf(parsed: ParsedHcl): Attributes {
  return ((parsed.provider as Record<string, Attributes[]>).okta ?? [])[0] ?? {};
}

function outputValue(parsed: ParsedHcl, name: string): unknown {
  return ((parsed.output as Record<string, Attributes[]>)[name] ?? [])[0]?.value;
}

describe('terraformExporter', () => {
  it('is a non-mergeable, non-verifiable target without a reader (Terraform is no relying party)', () => {
    expect(terraformExporter.id).toBe('terraform');
    expect(terraformExporter.mergeable).toBe(false);
    expect(terraformExporter.verifiable).toBe(false);
    expect(terraformExporter.read).toBeUndefined();
  });

  describe('golden files', () => {
    it('org server with a groups claim', async () => {
      await expect(mainTf(terraformExporter.export(orgServerWithGroups()))).toMatchFileSnapshot(
        './__golden__/terraform/org-server-groups/main.tf',
      );
    });

    it('custom server the console created', async () => {
      await expect(mainTf(terraformExporter.export(newCustomServer()))).toMatchFileSnapshot(
        './__golden__/terraform/custom-server-new/main.tf',
      );
    });

    it('existing custom server', async () => {
      await expect(mainTf(terraformExporter.export(existingCustomServer()))).toMatchFileSnapshot(
        './__golden__/terraform/custom-server-existing/main.tf',
      );
    });
  });

  describe('org server', () => {
    it('pins the provider and the org, with the API token left to OKTA_API_TOKEN', async () => {
      const parsed = await parseHcl(mainTf(terraformExporter.export(orgServerWithGroups())));
      const terraform = (parsed.terraform as Attributes[])[0] ?? {};
      expect(terraform.required_version).toBe('>= 1.5.0');
      expect((terraform.required_providers as Attributes[])[0]).toEqual({
        okta: { source: 'okta/okta', version: '~> 7.0' },
      });
      expect(providerOf(parsed)).toEqual({ org_name: 'acme', base_url: 'okta.com' });
    });

    it('imports the app, its group assignments and its direct users by the ids the org gave', async () => {
      const input = orgServerWithGroups();
      const parsed = await parseHcl(mainTf(terraformExporter.export(input)));
      expect(resourceAddresses(parsed)).toEqual([
        'okta_app_group_assignments.kestra',
        'okta_app_oauth.kestra',
        'okta_app_user.kestra_ada_example_com',
      ]);
      expect(importsOf(parsed)).toEqual({
        'okta_app_oauth.kestra': input.applied.appId,
        'okta_app_group_assignments.kestra': input.applied.appId,
        'okta_app_user.kestra_ada_example_com': `${input.applied.appId}/00u1fixture2ada3`,
      });
    });

    it('mirrors the app, keeps the secret out of state and sets the groups claim', async () => {
      const input = orgServerWithGroups();
      const parsed = await parseHcl(mainTf(terraformExporter.export(input)));
      const app = resourceOf(parsed, 'okta_app_oauth', 'kestra');
      expect(app).toMatchObject({
        label: 'Kestra',
        type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['http://localhost:8080/oauth/callback/okta'],
        post_logout_redirect_uris: ['http://localhost:8080/logout'],
        token_endpoint_auth_method: 'client_secret_basic',
        pkce_required: false,
        consent_method: 'TRUSTED',
        implicit_assignment: false,
        issuer_mode: 'ORG_URL',
        omit_secret: true,
        groups_claim: [
          { type: 'FILTER', filter_type: 'STARTS_WITH', name: 'groups', value: 'Kestra' },
        ],
      });
      expect(app).not.toHaveProperty('client_basic_secret');
      expect(app).not.toHaveProperty('client_basic_secret_wo');
      // The console's mark stays in the profile, or the console would lose track of its app.
      expect(expressionOf(app.profile)).toBe(
        'jsonencode({ "x-sso-console" = { setupId = "fixture-kestra" } })',
      );
    });

    it('lists every group assigned now, including ones the setup did not add', async () => {
      const input = orgServerWithGroups();
      const output = terraformExporter.export(input);
      const parsed = await parseHcl(mainTf(output));
      const assignments = resourceOf(parsed, 'okta_app_group_assignments', 'kestra');
      expect(expressionOf(assignments.app_id)).toBe('okta_app_oauth.kestra.id');
      expect(assignments.group).toEqual(
        input.facts.assignedGroups.map((group) => ({ id: group.id })),
      );
      expect(output.warnings.join(' ')).toContain('"Kestra Admins", which this setup did not add');
    });

    it('assigns the direct users by id with their login as username', async () => {
      const parsed = await parseHcl(mainTf(terraformExporter.export(orgServerWithGroups())));
      const user = resourceOf(parsed, 'okta_app_user', 'kestra_ada_example_com');
      expect(expressionOf(user.app_id)).toBe('okta_app_oauth.kestra.id');
      expect(user).toMatchObject({ user_id: '00u1fixture2ada3', username: 'ada@example.com' });
    });

    it('outputs the client id and the issuer exactly as discovery states it', async () => {
      const input = orgServerWithGroups();
      const parsed = await parseHcl(mainTf(terraformExporter.export(input)));
      expect(expressionOf(outputValue(parsed, 'client_id'))).toBe(
        'okta_app_oauth.kestra.client_id',
      );
      expect(literalOf(outputValue(parsed, 'issuer'))).toBe(input.facts.discovery.issuer);
    });

    it('warns that the org groups claim needs an API token', () => {
      const output = terraformExporter.export(orgServerWithGroups());
      expect(output.warnings.join(' ')).toContain('only with an API token (OKTA_API_TOKEN)');
    });
  });

  describe('custom server the console created', () => {
    it('imports the server and the app; scopes, claim, policy and rule say how to import them', async () => {
      const input = newCustomServer();
      const output = terraformExporter.export(input);
      const content = mainTf(output);
      const parsed = await parseHcl(content);
      expect(resourceAddresses(parsed)).toEqual([
        'okta_app_group_assignments.single_page_app',
        'okta_app_oauth.single_page_app',
        'okta_app_user.single_page_app_ada_example_com',
        'okta_auth_server.spa_api',
        'okta_auth_server_claim.groups',
        'okta_auth_server_policy.single_page_app',
        'okta_auth_server_policy_rule.single_page_app',
        'okta_auth_server_scope.groups',
        'okta_trusted_origin.http_localhost_5173',
      ]);
      expect(importsOf(parsed)).toEqual({
        'okta_auth_server.spa_api': 'aus1fixture2default3',
        'okta_app_oauth.single_page_app': input.applied.appId,
        'okta_app_group_assignments.single_page_app': input.applied.appId,
        'okta_app_user.single_page_app_ada_example_com': `${input.applied.appId}/00u1fixture2ada3`,
      });
      for (const address of [
        'okta_auth_server_scope.groups "aus1fixture2default3/$SCOPE_ID"',
        'okta_auth_server_claim.groups "aus1fixture2default3/$CLAIM_ID"',
        'okta_auth_server_policy.single_page_app "aus1fixture2default3/$POLICY_ID"',
        'okta_auth_server_policy_rule.single_page_app "aus1fixture2default3/$POLICY_ID/$RULE_ID"',
        'okta_trusted_origin.http_localhost_5173 "$TRUSTED_ORIGIN_ID"',
      ]) {
        expect(content).toContain(`#   terraform import ${address}`);
      }
      expect(output.warnings.join(' ')).toContain('no import block for them');
    });

    it('writes the server, its non-system scopes and the groups claim', async () => {
      const parsed = await parseHcl(mainTf(terraformExporter.export(newCustomServer())));
      expect(resourceOf(parsed, 'okta_auth_server', 'spa_api')).toEqual({
        name: 'SPA API',
        description: 'For the SPA',
        audiences: ['api://spa'],
        issuer_mode: 'ORG_URL',
        status: 'ACTIVE',
      });
      const scope = resourceOf(parsed, 'okta_auth_server_scope', 'groups');
      expect(expressionOf(scope.auth_server_id)).toBe('okta_auth_server.spa_api.id');
      expect(scope).toMatchObject({ name: 'groups', consent: 'IMPLICIT' });
      const claim = resourceOf(parsed, 'okta_auth_server_claim', 'groups');
      expect(claim).toMatchObject({
        name: 'groups',
        claim_type: 'IDENTITY',
        value_type: 'GROUPS',
        group_filter_type: 'REGEX',
        value: '.*',
      });
    });

    it('writes the access policy for the app’s client id and a rule for its grants and scopes', async () => {
      const parsed = await parseHcl(mainTf(terraformExporter.export(newCustomServer())));
      const policy = resourceOf(parsed, 'okta_auth_server_policy', 'single_page_app');
      expect(expressionOf(policy.auth_server_id)).toBe('okta_auth_server.spa_api.id');
      expect(policy.client_whitelist).toEqual(['${okta_app_oauth.single_page_app.client_id}']);
      expect(policy).toMatchObject({
        name: 'Single-page app access',
        priority: 1,
        status: 'ACTIVE',
      });
      const rule = resourceOf(parsed, 'okta_auth_server_policy_rule', 'single_page_app');
      expect(expressionOf(rule.policy_id)).toBe('okta_auth_server_policy.single_page_app.id');
      expect(rule).toMatchObject({
        group_whitelist: ['EVERYONE'],
        grant_type_whitelist: ['authorization_code'],
        // The created scope by reference, so Terraform creates it before the rule.
        scope_whitelist: ['openid', 'profile', 'email', '${okta_auth_server_scope.groups.name}'],
      });
    });

    it('writes the trusted origins with their scopes as blocks (provider v7)', async () => {
      const parsed = await parseHcl(mainTf(terraformExporter.export(newCustomServer())));
      expect(resourceOf(parsed, 'okta_trusted_origin', 'http_localhost_5173')).toEqual({
        name: 'Single-page app (http://localhost:5173)',
        origin: 'http://localhost:5173',
        scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
      });
    });

    it('writes a public client without secret steps', async () => {
      const output = terraformExporter.export(newCustomServer());
      const parsed = await parseHcl(mainTf(output));
      expect(resourceOf(parsed, 'okta_app_oauth', 'single_page_app')).toMatchObject({
        type: 'browser',
        token_endpoint_auth_method: 'none',
        pkce_required: true,
      });
      expect(output.nextSteps.join(' ')).not.toContain('client secret');
    });
  });

  describe('existing custom server', () => {
    it('references the server by id without managing or importing it', async () => {
      const input = existingCustomServer();
      const parsed = await parseHcl(mainTf(terraformExporter.export(input)));
      expect(resourceAddresses(parsed)).toEqual([
        'okta_app_group_assignments.kaimu',
        'okta_app_oauth.kaimu',
        'okta_app_user.kaimu_ada_example_com',
        'okta_auth_server_policy.kaimu',
        'okta_auth_server_policy_rule.kaimu',
      ]);
      expect((parsed.locals as Attributes[])[0]).toEqual({
        auth_server_id: input.applied.authServerId,
      });
      expect(Object.keys(importsOf(parsed))).not.toContain('okta_auth_server.default');
      const policy = resourceOf(parsed, 'okta_auth_server_policy', 'kaimu');
      expect(expressionOf(policy.auth_server_id)).toBe('local.auth_server_id');
      expect(resourceOf(parsed, 'okta_auth_server_policy_rule', 'kaimu').scope_whitelist).toEqual([
        'openid',
        'email',
        'profile',
      ]);
      expect(literalOf(outputValue(parsed, 'issuer'))).toBe(input.facts.discovery.issuer);
    });
  });

  describe('secrets', () => {
    it.each([
      ['org server', orgServerWithGroups],
      ['new custom server', newCustomServer],
      ['existing custom server', existingCustomServer],
    ])('never writes the client secret (%s)', (_case, build) => {
      const output = terraformExporter.export(build());
      expect(output.files.every((file) => !file.sensitive)).toBe(true);
      expect(mainTf(output)).not.toContain(FIXTURE_CLIENT_SECRET);
    });

    it('with an inline secret still writes none, says why, and stays not sensitive', () => {
      const inline = terraformExporter.export(
        orgServerWithGroups({ kind: 'inline', value: FIXTURE_CLIENT_SECRET }),
      );
      const reference = terraformExporter.export(orgServerWithGroups());
      expect(mainTf(inline)).toBe(mainTf(reference));
      expect(mainTf(inline)).not.toContain(FIXTURE_CLIENT_SECRET);
      expect(inline.files[0]?.sensitive).toBe(false);
      expect(inline.warnings.join(' ')).toContain('main.tf never holds it');
      expect(JSON.stringify(inline)).not.toContain(FIXTURE_CLIENT_SECRET);
    });

    it('says in the next steps which variable holds the API token and how to adopt the setup', () => {
      const steps = terraformExporter.export(orgServerWithGroups()).nextSteps.join('\n');
      expect(steps).toContain('export OKTA_API_TOKEN=');
      expect(steps).toContain('terraform init');
      expect(steps).toContain('"will be imported" and nothing to add');
      expect(steps).toContain('terraform plan -detailed-exitcode');
    });
  });

  describe('escaping', () => {
    it('writes labels, names and logins with quotes and template markers as literal text', async () => {
      const label = 'Ops "blue" ${var.env} %{ if true }x%{ endif } \\ end';
      const input = exportInputFor('kestra', {
        adjust: (document) => {
          document.app.label = label;
        },
      });
      input.facts.assignedGroups = [{ id: '00g1', name: 'Admins\nresource "okta_user" "x" {}' }];
      input.facts.assignedUsers = [{ id: '00u1', login: 'o"brien${x}@example.com' }];
      const content = mainTf(terraformExporter.export(input));
      const parsed = await parseHcl(content);
      expect(resourceAddresses(parsed)).toEqual([
        'okta_app_group_assignments.ops_blue_var_env_if_true_x_endif_end',
        'okta_app_oauth.ops_blue_var_env_if_true_x_endif_end',
        'okta_app_user.ops_blue_var_env_if_true_x_endif_end_o_brien_x_example_com',
      ]);
      const app = resourceOf(parsed, 'okta_app_oauth', 'ops_blue_var_env_if_true_x_endif_end');
      expect(literalOf(app.label)).toBe(label);
      const user = resourceOf(
        parsed,
        'okta_app_user',
        'ops_blue_var_env_if_true_x_endif_end_o_brien_x_example_com',
      );
      expect(literalOf(user.username)).toBe('o"brien${x}@example.com');
      // The group name with a line break stays a comment.
      expect(content).toContain('    # Admins\n    # resource "okta_user" "x" {}\n');
    });

    it('names resources that clash or start with a digit distinctly', async () => {
      const input = exportInputFor('kestra', {
        adjust: (document) => {
          document.app.label = '42';
        },
      });
      input.facts.assignedUsers = [
        { id: '00u1', login: 'a.b@example.com' },
        { id: '00u2', login: 'a-b@example.com' },
      ];
      const parsed = await parseHcl(mainTf(terraformExporter.export(input)));
      expect(resourceAddresses(parsed)).toEqual([
        'okta_app_group_assignments.app_42',
        'okta_app_oauth.app_42',
        'okta_app_user.app_42_a_b_example_com',
        'okta_app_user.app_42_a_b_example_com_2',
      ]);
    });
  });

  describe('other shapes', () => {
    it('leaves the group assignments out when no group is assigned', async () => {
      const input = orgServerWithGroups();
      input.facts.assignedGroups = [];
      const output = terraformExporter.export(input);
      const parsed = await parseHcl(mainTf(output));
      expect(resourceAddresses(parsed)).not.toContain('okta_app_group_assignments.kestra');
      expect(output.warnings.join(' ')).not.toContain('okta_app_group_assignments');
    });

    it('leaves org name and base URL to the environment when the org URL has no host name', async () => {
      const input = orgServerWithGroups();
      input.applied.orgUrl = 'http://127.0.0.1:4100';
      input.facts.discovery.issuer = 'http://127.0.0.1:4100';
      const output = terraformExporter.export(input);
      const parsed = await parseHcl(mainTf(output));
      expect(providerOf(parsed)).toEqual({});
      expect(output.warnings.join(' ')).toContain('OKTA_ORG_NAME and OKTA_BASE_URL');
      expect(output.nextSteps.join(' ')).toContain('OKTA_ORG_NAME and OKTA_BASE_URL');
    });

    it('writes the login URI when the app has one', async () => {
      const input = orgServerWithGroups();
      input.document.app.initiateLoginUri = 'http://localhost:8080/login';
      const parsed = await parseHcl(mainTf(terraformExporter.export(input)));
      expect(resourceOf(parsed, 'okta_app_oauth', 'kestra').login_uri).toBe(
        'http://localhost:8080/login',
      );
    });
  });

  describe('refusals', () => {
    it('throws the pre-export lint’s problems', () => {
      const input = orgServerWithGroups();
      input.facts.discovery.issuer = 'https://{yourOktaDomain}';
      input.applied.clientId = '{clientId}';
      expect(() => terraformExporter.export(input)).toThrow(
        /Terraform export was not written[\s\S]*\{yourOktaDomain\}[\s\S]*\{clientId\}/,
      );
    });

    it('throws when a custom server setup has no applied server id', () => {
      const input = existingCustomServer();
      input.applied.authServerId = null;
      expect(() => terraformExporter.export(input)).toThrow(/Apply the setup first/);
    });
  });

  const terraformVersion = (() => {
    try {
      return execFileSync('terraform', ['version'], { encoding: 'utf8', stdio: 'pipe' });
    } catch {
      return undefined;
    }
  })();

  // §13's offline check, where the Terraform CLI is installed.
  it.skipIf(terraformVersion === undefined).each([
    ['org server', orgServerWithGroups],
    ['new custom server', newCustomServer],
    ['existing custom server', existingCustomServer],
  ])('passes terraform fmt unchanged (%s)', (_case, build) => {
    const content = mainTf(terraformExporter.export(build()));
    const formatted = execFileSync('terraform', ['fmt', '-'], {
      input: content,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    expect(formatted).toBe(content);
  });
});
