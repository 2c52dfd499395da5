import type { OktaClient } from '../../main/okta/okta-client.ts';
import { previewJournals, startPreviewRun } from '../../main/preview/preview-run.ts';
import type { InterceptWindowStrategy } from '../../main/sign-in/redirect-strategy.ts';
import type { OidcAppUnderTest } from './oidc-setup.ts';

/**
 * A preview run of an app set up by `setUpOidcApp`, signing its user in against the org's
 * server, with the strategy options a test varies.
 */
export function startAppPreview(options: {
  client: OktaClient;
  orgUrl: string;
  journalDir: string;
  app: OidcAppUnderTest;
  redirectUri: string;
  allowAppChange: boolean;
  intercept?: InterceptWindowStrategy;
  probePort?: (host: string, port: number) => Promise<boolean>;
  fetch?: typeof fetch;
  throwaway?: { userId: string; login: string };
}) {
  const { app } = options;
  return startPreviewRun({
    client: options.client,
    journals: previewJournals(options.journalDir),
    app: {
      id: app.appId,
      clientId: app.clientId,
      redirectUris: [options.redirectUri],
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    issuer: options.orgUrl,
    authServerId: null,
    ...(app.clientSecret === undefined ? {} : { clientSecret: app.clientSecret }),
    scopes: ['openid', 'profile', 'email'],
    login: app.user.login,
    diagnosisContext: { expectedCallback: options.redirectUri },
    allowAppChange: options.allowAppChange,
    ...(options.intercept === undefined ? {} : { intercept: options.intercept }),
    ...(options.probePort === undefined ? {} : { probePort: options.probePort }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.throwaway === undefined ? {} : { throwaway: options.throwaway }),
    timeoutMs: 30_000,
  });
}

/** The redirect URIs registered on an app now, as Okta answers. */
export async function registeredRedirectUris(client: OktaClient, appId: string): Promise<string[]> {
  const read = (await client.applicationApi.getApplication({ appId })) as {
    settings?: { oauthClient?: { redirect_uris?: string[] } };
  };
  return read.settings?.oauthClient?.redirect_uris ?? [];
}
