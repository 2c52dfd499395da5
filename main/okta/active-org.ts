import { AppError } from '../../shared/errors.ts';
import type { OktaClient } from './okta-client.ts';

/** The org the console works on now: its URL, token (main only) and a client for it. */
export interface ActiveOrg {
  orgUrl: string;
  token: string;
  client: OktaClient;
}

/**
 * Resolves the active profile's org for services that act on "the connected org".
 *
 * @remarks
 * One place decides what "no org connected" means and says it, so the wizard's search, plan
 * and apply explain it the same way.
 */
export function createActiveOrg(deps: {
  /** The connected profiles (the profiles service, given by the composition root). */
  profiles: {
    list(): Promise<{ activeProfileId: string | null }>;
    getCredentials(profileId: string): Promise<{ orgUrl: string; token: string }>;
  };
  createClient: (credentials: { orgUrl: string; token: string }) => OktaClient;
}): () => Promise<ActiveOrg> {
  return async () => {
    const { activeProfileId } = await deps.profiles.list();
    if (activeProfileId === null) {
      throw new AppError({
        code: 'NO_ORG_CONNECTED',
        message: 'No org is connected, so there is nothing to read or change.',
        hint: 'Connect an org, or use the local sandbox org, then come back to this step.',
      });
    }
    const credentials = await deps.profiles.getCredentials(activeProfileId);
    return { ...credentials, client: deps.createClient(credentials) };
  };
}
