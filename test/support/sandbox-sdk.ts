import okta from '@okta/okta-sdk-nodejs';

import { type CapturedProcess, startNodeScript } from './processes.ts';

/** The Okta SDK's client type. */
export type OktaSdkClient = InstanceType<typeof okta.Client>;

/**
 * A real SDK client for a sandbox, configured explicitly (the SDK otherwise merges okta.yaml
 * and OKTA_CLIENT_*); `maxRetries` is the SDK's own 429 retry count (default 2).
 */
export function sdkClient(
  orgUrl: string,
  token: string,
  options: { maxRetries?: number } = {},
): OktaSdkClient {
  return new okta.Client({
    orgUrl,
    token,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
    ...(options.maxRetries === undefined
      ? {}
      : {
          requestExecutor: new okta.DefaultRequestExecutor({
            maxRetries: options.maxRetries,
            requestTimeout: 0,
          }),
        }),
  });
}

/**
 * Starts `npm run sandbox -- --json` (its script, with the tests' Node; `args` are passed on,
 * e.g. `['--rate-limits', 'unlimited']`) and builds a real SDK client for it.
 */
export async function startSandboxWithClient(args: string[] = []): Promise<{
  sandbox: CapturedProcess;
  orgUrl: string;
  apiToken: string;
  client: OktaSdkClient;
}> {
  const sandbox = startNodeScript('main/sandbox/cli.ts', ['--json', ...args]);
  const { orgUrl, apiToken } = JSON.parse(await sandbox.waitForLine(/^\{/)) as {
    orgUrl: string;
    apiToken: string;
  };
  return { sandbox, orgUrl, apiToken, client: sdkClient(orgUrl, apiToken) };
}

/**
 * An OIDC web app as the console creates one for Kestra: authorization code with a client
 * secret, and the console's run marker in its profile.
 */
export function kestraApp(label = 'Kestra') {
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: {
      oauthClient: {
        application_type: 'web',
        grant_types: ['authorization_code'],
        redirect_uris: ['http://localhost:8080/oauth/callback/okta'],
      },
    },
    profile: { 'x-sso-console': { runId: 'r1', opId: 'app' } },
  } as unknown as Parameters<
    OktaSdkClient['applicationApi']['createApplication']
  >[0]['application'];
}

/** Drains an SDK collection through its own async iterator (which follows `rel="next"`). */
export async function collect<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) {
    if (item !== null) {
      items.push(item);
    }
  }
  return items;
}

/**
 * What another admin does in the Admin Console: replaces an app's redirect URIs, everything else
 * of the app kept as it is. Answers the app as it is afterwards.
 */
export async function replaceRedirectUrisAsAnotherAdmin(
  client: OktaSdkClient,
  appId: string,
  redirectUris: string[],
): Promise<Record<string, unknown>> {
  const app = (await client.applicationApi.getApplication({ appId })) as unknown as {
    settings: { oauthClient: Record<string, unknown> };
  } & Record<string, unknown>;
  await client.applicationApi.replaceApplication({
    appId,
    application: {
      ...app,
      settings: {
        ...app.settings,
        oauthClient: { ...app.settings.oauthClient, redirect_uris: redirectUris },
      },
    } as never,
  });
  return JSON.parse(
    JSON.stringify(await client.applicationApi.getApplication({ appId })),
  ) as Record<string, unknown>;
}
