import { AppError } from '../../shared/errors.ts';
import { createOktaClient, type OktaClient, type ServiceAppIdentity } from './okta-client.ts';
import {
  createRequestScheduler,
  type RateLimitWait,
  type RequestScheduler,
  type RequestSchedulerOptions,
} from './request-scheduler.ts';

/** The org the console works on now: its URL, token (main only) and a client for it. */
export interface ActiveOrg {
  orgUrl: string;
  /** The API token, or a service app's private key (see `serviceApp`). */
  token: string;
  /** Set when the org is connected with a service app rather than an API token. */
  serviceApp?: ServiceAppIdentity | undefined;
  client: OktaClient;
  /** The org's one request scheduler, under every client of this org. */
  scheduler: RequestScheduler;
}

/**
 * One request scheduler per org, for every client of that org in the process: Okta counts an
 * org's requests together, so a connection check, a plan, the diagnosis and the export facts
 * running at once must share one pace rather than each believe it has the whole limit.
 */
export function createOrgSchedulers(
  onRateLimitWait?: (orgUrl: string, wait: RateLimitWait) => void,
): (orgUrl: string) => RequestScheduler {
  const schedulers = new Map<string, RequestScheduler>();
  return (orgUrl) => {
    let scheduler = schedulers.get(orgUrl);
    if (scheduler === undefined) {
      scheduler = createRequestScheduler();
      if (onRateLimitWait !== undefined) {
        scheduler.onWait((wait) => {
          onRateLimitWait(orgUrl, wait);
        });
      }
      schedulers.set(orgUrl, scheduler);
    }
    return scheduler;
  };
}

/**
 * Resolves the active profile's org for services that act on "the connected org".
 *
 * @remarks
 * One place decides what "no org connected" means and says it, so the wizard's search, plan
 * and apply explain it the same way. It keeps one client per org and token, on the org's
 * scheduler ({@link createOrgSchedulers}).
 *
 * The resolved org is kept until the profiles say they changed (`profiles.onChange`: a connect,
 * a re-check, a switch, a removal, a new token), because resolving it reads the profile file and
 * the keychain, and the user search resolves it on every keystroke (issue 16, P3). A change
 * drops what was kept, including a resolution still running, so a call that starts after the
 * change always reads the profiles and the keychain again: a switched, removed or re-tokened
 * profile is never acted on with the credentials it had. A failed resolution (no org
 * connected, no token in the keychain) is not kept: the next call tries again. Without
 * `onChange` nothing is kept, since nothing would say when to drop it. What the console cannot
 * see — a keychain entry edited by another program — is read again after the next change; the
 * profile's Verify is one, and it reads the keychain itself.
 */
export function createActiveOrg(deps: {
  /** The connected profiles (the profiles service, given by the composition root). */
  profiles: {
    list(): Promise<{ activeProfileId: string | null }>;
    getCredentials(
      profileId: string,
    ): Promise<{ orgUrl: string; token: string; serviceApp?: ServiceAppIdentity | undefined }>;
    /** Calls `listener` after any change to the profiles or their tokens. */
    onChange?(listener: () => void): () => void;
  };
  createClient: (credentials: {
    orgUrl: string;
    token: string;
    serviceApp?: ServiceAppIdentity | undefined;
    scheduler: RequestScheduler;
  }) => OktaClient;
  /** The org's scheduler; see {@link createOrgSchedulers}. */
  schedulerFor: (orgUrl: string) => RequestScheduler;
}): () => Promise<ActiveOrg> {
  const clients = new Map<string, { token: string; identity: string; client: OktaClient }>();

  async function resolve(): Promise<ActiveOrg> {
    const { activeProfileId } = await deps.profiles.list();
    if (activeProfileId === null) {
      throw new AppError({
        code: 'NO_ORG_CONNECTED',
        message: 'No org is connected, so there is nothing to read or change.',
        hint: 'Connect an org, or use the local sandbox org, then come back to this step.',
      });
    }
    const { orgUrl, token, serviceApp } = await deps.profiles.getCredentials(activeProfileId);
    const scheduler = deps.schedulerFor(orgUrl);
    let cached = clients.get(orgUrl);
    const identity = JSON.stringify(serviceApp ?? null);
    if (cached?.token !== token || cached.identity !== identity) {
      // A new token, key or service app (the org was connected again) gets a new client, on the
      // same scheduler.
      cached = {
        token,
        identity,
        client: deps.createClient({ orgUrl, token, serviceApp, scheduler }),
      };
      clients.set(orgUrl, cached);
    }
    return { orgUrl, token, serviceApp, client: cached.client, scheduler };
  }

  if (deps.profiles.onChange === undefined) {
    return resolve;
  }
  /** The active org as last resolved (or being resolved); null once the profiles changed. */
  let kept: Promise<ActiveOrg> | null = null;
  deps.profiles.onChange(() => {
    kept = null;
  });
  return () => {
    if (kept === null) {
      const resolving = resolve();
      kept = resolving;
      resolving.catch(() => {
        if (kept === resolving) {
          kept = null;
        }
      });
    }
    return kept;
  };
}

/**
 * An org given directly rather than by the active profile (the command line's flags, a test):
 * a client on a scheduler of its own.
 */
export function orgFromCredentials(
  credentials: { orgUrl: string; token: string; serviceApp?: ServiceAppIdentity | undefined },
  options: {
    rateLimits?: RequestSchedulerOptions;
    onRateLimitWait?: (wait: RateLimitWait) => void;
  } = {},
): ActiveOrg {
  const scheduler = createRequestScheduler(options.rateLimits);
  const { onRateLimitWait } = options;
  if (onRateLimitWait !== undefined) {
    scheduler.onWait(onRateLimitWait);
  }
  return { ...credentials, scheduler, client: createOktaClient({ ...credentials, scheduler }) };
}
