import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import {
  JUPYTERHUB_SECRET_VARIABLE,
  jupyterhubExporter,
} from '../../../../../main/export/targets/jupyterhub.ts';
import type { ExportOutput } from '../../../../../shared/export/export-targets.ts';
import { PRESETS } from '../../../../../shared/setup/presets.ts';
import {
  expectSecretHandledAsAsked,
  fileNamed,
  fileOf,
  notesOf,
  readerOf,
} from '../../../../support/export-assertions.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';
import { configAsPythonRunsIt } from '../../../../support/run-config-files.ts';
import {
  EXPORT_VARIANTS,
  targetInputFor,
  variantNamed,
} from '../../../../support/web-target-inputs.ts';

const ADDRESS = { baseUrl: 'https://hub.example.com', callbackPath: '/hub/oauth_callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(jupyterhubExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return jupyterhubExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function configOf(output: ExportOutput): string {
  return fileNamed(output, 'jupyterhub_config.py').content;
}

const CONFIG = [
  'c.JupyterHub.authenticator_class = "generic-oauth"',
  'c.GenericOAuthenticator.client_id = "0oa1"',
  'c.GenericOAuthenticator.oauth_callback_url = "https://hub.example.com/hub/oauth_callback"',
  'c.GenericOAuthenticator.authorize_url = "https://acme.okta.com/oauth2/v1/authorize"',
  'c.GenericOAuthenticator.token_url = "https://acme.okta.com/oauth2/v1/token"',
  'c.GenericOAuthenticator.allow_all = True',
  '',
].join('\n');

function readBack(content: string) {
  return read([fileOf('jupyterhub_config.py', 'dotenv', content)]);
}

describe('jupyterhubExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['jupyterhub_config.py']);
    await expect(configOf(output)).toMatchFileSnapshot(
      `./__golden__/jupyterhub/${variant.name}/jupyterhub_config.py`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/jupyterhub/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(read(jupyterhubExporter.export(input).files)).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: JUPYTERHUB_SECRET_VARIABLE },
      redirectUri: 'https://hub.example.com/hub/oauth_callback',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each(EXPORT_VARIANTS)(
    'is Python that python3 executes to the same traits the reader read ($name)',
    (variant) => {
      const output = exportFor(variant);
      const executed = configAsPythonRunsIt(configOf(output), {
        [JUPYTERHUB_SECRET_VARIABLE]: 'the secret from the environment',
      });
      const reading = read(output.files);
      expect(executed.JupyterHub).toEqual({ authenticator_class: 'generic-oauth' });
      expect(executed.GenericOAuthenticator).toMatchObject({
        client_id: reading.clientId,
        client_secret:
          variant.secret.kind === 'inline'
            ? FIXTURE_CLIENT_SECRET
            : 'the secret from the environment',
        oauth_callback_url: reading.redirectUri,
        authorize_url: `${reading.issuer === 'https://acme.okta.com' ? 'https://acme.okta.com/oauth2' : reading.issuer}/v1/authorize`,
        scope: reading.scopes,
        basic_auth: { bool: true },
        enable_pkce: { bool: true },
        userdata_from_id_token: { bool: true },
        allow_all: { bool: true },
      });
      expect(executed.GenericOAuthenticator?.manage_groups).toEqual(
        variant.groups ? { bool: true } : undefined,
      );
    },
  );

  it('names what decides the first sign-in: the allow rule, the username, admins', () => {
    const steps = exportFor(variantNamed('custom-groups-inline')).nextSteps.join('\n');
    expect(steps).toContain('allow_all = True');
    expect(steps).toContain('preferred_username');
    expect(steps).toContain('names no admin_groups');
    expect(steps).toContain('oauthenticator 17.1 or later');
  });

  it('reads oauthenticator’s defaults: OAUTH_CLIENT_SECRET, no scope, the body method', () => {
    expect(readBack(CONFIG)).toMatchObject({
      clientSecret: { kind: 'environment', variable: 'OAUTH_CLIENT_SECRET' },
      scopes: [],
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });

  it('reads c.OAuthenticator traits beneath GenericOAuthenticator’s, as traitlets does', () => {
    const reading = readBack(
      `${CONFIG}import os\nc.OAuthenticator.client_secret = os.getenv("HUB_SECRET")\nc.OAuthenticator.basic_auth = True\nc.GenericOAuthenticator.basic_auth = False\n`,
    );
    expect(reading.clientSecret).toEqual({ kind: 'environment', variable: 'HUB_SECRET' });
    expect(reading.tokenEndpointAuthMethod).toBe('client_secret_post');
  });

  it.each([
    [CONFIG.replace('generic-oauth', 'github'), 'authenticator_class = "generic-oauth"'],
    [CONFIG.replace('c.GenericOAuthenticator.allow_all = True', ''), 'lets nobody sign in'],
    [`${CONFIG}c.GenericOAuthenticator.allowed_groups = {"a"}\n`, 'without manage_groups'],
    [
      `${CONFIG}c.GenericOAuthenticator.userdata_from_id_token = True\nc.GenericOAuthenticator.userdata_url = "https://acme.okta.com/oauth2/v1/userinfo"\n`,
      'both userdata_from_id_token and userdata_url',
    ],
    [CONFIG.replace('/hub/oauth_callback', '/callback'), 'ending in /hub/oauth_callback'],
    [CONFIG.replace('oauth2/v1/token', 'oauth2/default/v1/token'), 'same authorization server'],
    [CONFIG.replace('"0oa1"', 'open("id").read()'), 'is not read by the console'],
    [`${CONFIG}c.GenericOAuthenticator.scope = "openid"\n`, 'not a list of strings'],
  ])('refuses a broken config clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('writes basic_auth = False for an app registered for client_secret_post', () => {
    const output = exportFor(REFERENCE, (document) => {
      document.app.tokenEndpointAuthMethod = 'client_secret_post';
    });
    expect(configOf(output)).toContain('c.GenericOAuthenticator.basic_auth = False');
    expect(read(output.files).tokenEndpointAuthMethod).toBe('client_secret_post');
  });

  it('refuses when the app does not register the callback JupyterHub sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://hub.example.com/callback'];
      }),
    ).toThrow('sends the redirect URI https://hub.example.com/hub/oauth_callback');
  });
});

describe('JupyterHub’s preset', () => {
  it('makes an app whose export sends the preset’s callback, with PKCE on, the basic method', () => {
    const input = exportInputFor('jupyterhub');
    const output = jupyterhubExporter.export(input);
    const reading = read(output.files);
    expect(reading.redirectUri).toBe(
      PRESETS.jupyterhub.uris('http://localhost:8000', undefined).callback,
    );
    expect(reading.tokenEndpointAuthMethod).toBe(input.document.app.tokenEndpointAuthMethod);
    expect(input.document.app.pkceRequired).toBe(true);
    expect(configOf(output)).toContain('enable_pkce = True');
    expect(reading.scopes).toEqual(['openid', 'profile', 'email', 'groups']);
  });
});
