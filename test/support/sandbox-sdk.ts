import okta from '@okta/okta-sdk-nodejs';

import { type CapturedProcess, startNodeScript } from './processes.ts';

/** The Okta SDK's client type. */
export type OktaSdkClient = InstanceType<typeof okta.Client>;

/**
 * A real SDK client for an org, configured explicitly (the SDK otherwise merges okta.yaml and
 * OKTA_CLIENT_*) and without its cache (it would keep GETs forever).
 */
export function sdkClient(orgUrl: string, apiToken: string): OktaSdkClient {
  return new okta.Client({
    orgUrl,
    token: apiToken,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
  });
}

/**
 * Starts `npm run sandbox -- --json …extraArgs` (its script, with the tests' Node) and builds a
 * real SDK client for it.
 */
export async function startSandboxWithClient(extraArgs: string[] = []): Promise<{
  sandbox: CapturedProcess;
  orgUrl: string;
  apiToken: string;
  client: OktaSdkClient;
}> {
  const sandbox = startNodeScript('main/sandbox/cli.ts', ['--json', ...extraArgs]);
  const { orgUrl, apiToken } = JSON.parse(await sandbox.waitForLine(/^\{/)) as {
    orgUrl: string;
    apiToken: string;
  };
  return { sandbox, orgUrl, apiToken, client: sdkClient(orgUrl, apiToken) };
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
