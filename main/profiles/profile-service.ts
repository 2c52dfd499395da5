import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import type { ProfileList } from '../../shared/ipc/contract.ts';
import type { EventPayload } from '../../shared/ipc/contract.ts';
import { parseOrgUrl } from '../../shared/okta/org-url.ts';
import type { ProfileSummary } from '../../shared/profiles/profile.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { verifyOrgConnection } from '../okta/org-connection.ts';
import type { Logger } from '../platform/logging/logger.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import type { ProfileRepository } from './profile-repository.ts';

/** Credentials for one org: main-only, never sent to the renderer. */
export interface OrgCredentials {
  orgUrl: string;
  token: string;
}

/** Starts (once) the in-process sandbox org and tells where it is. */
export interface SandboxLauncher {
  ensureRunning(): Promise<OrgCredentials>;
}

/** The fixed id of the local sandbox org's profile: there is one sandbox per console. */
export const SANDBOX_PROFILE_ID = 'sandbox';

/**
 * Cleans what an admin pasted as an API token.
 *
 * @remarks
 * Admins often copy the whole header (`SSWS 00ab…`) from a curl example; the scheme is dropped.
 * Whitespace or control characters inside cannot travel in an HTTP header, so they are refused
 * here rather than surfacing as an obscure transport error.
 */
export function normaliseApiToken(input: string): string {
  const token = input.trim().replace(/^SSWS\s+/i, '');
  if (token === '') {
    throw new AppError({
      code: 'TOKEN_MISSING',
      message: 'The API token is empty.',
      hint: 'Create a token in the Admin Console under Security › API › Tokens and paste it here.',
      field: 'apiToken',
    });
  }
  if (/[\s\p{Cc}]/u.test(token)) {
    throw new AppError({
      code: 'TOKEN_INVALID',
      message: 'The API token contains spaces or line breaks, so it cannot be an Okta API token.',
      hint: 'Copy the token again in one piece; Okta shows it only once, when it is created.',
      field: 'apiToken',
    });
  }
  return token;
}

function notFound(profileId: string): AppError {
  return new AppError({
    code: 'PROFILE_NOT_FOUND',
    message: `No connected org has the id "${profileId}".`,
    hint: 'Reload the list of connected orgs; it may have been removed in another window.',
  });
}

/**
 * Connects, lists, switches and removes org profiles.
 *
 * @remarks
 * The order of `add` is the safety argument: check the keychain answers, verify the token
 * against the org with the real SDK, store the token in the keychain, and only then record the
 * profile, so a failure at any step leaves nothing half-saved. The keychain account is the
 * normalised org URL, so connecting the same org again replaces its token instead of adding a
 * second profile.
 */
export function createProfileService(deps: {
  repository: ProfileRepository;
  secrets: SecretStore;
  createClient: (credentials: OrgCredentials) => OktaClient;
  sandbox?: SandboxLauncher;
  emitProgress: (payload: EventPayload<'profiles:verify-progress'>) => void;
  clock?: () => Date;
  logger: Logger;
}) {
  const clock = deps.clock ?? (() => new Date());

  async function verify(credentials: OrgCredentials, operationId: string | null) {
    return verifyOrgConnection({
      client: deps.createClient(credentials),
      orgUrl: credentials.orgUrl,
      token: credentials.token,
      onProgress: (step, state) => {
        deps.emitProgress({ operationId, orgUrl: credentials.orgUrl, step, state });
      },
    });
  }

  async function list(): Promise<ProfileList> {
    const file = await deps.repository.load();
    return { profiles: file.profiles, activeProfileId: file.activeProfileId };
  }

  const changeListeners = new Set<() => void>();
  /** Tells every {@link onChange} listener; one that throws cannot stop the others or the caller. */
  function notifyChange(): void {
    for (const listener of changeListeners) {
      try {
        listener();
      } catch (error) {
        deps.logger.log('error', 'A profile change listener failed', { error });
      }
    }
  }

  // Mutations run one at a time: each reads the profile file, changes it and writes it back, so
  // two overlapping ones (a sandbox and an Okta connect started together) would lose one.
  // Each one, once settled, tells the listeners that profiles may have changed — a failed one
  // too, since it may have replaced a keychain entry before putting it back.
  let queue: Promise<unknown> = Promise.resolve();
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work).finally(notifyChange);
    queue = run.catch(() => undefined);
    return run;
  }

  /** Inserts or replaces a profile built from the current file; `activate` makes it active. */
  async function saveProfile(
    build: (existing: ProfileSummary[]) => ProfileSummary,
    options: { activate: boolean },
  ): Promise<ProfileSummary> {
    const file = await deps.repository.load();
    const profile = build(file.profiles);
    const others = file.profiles.filter((existing) => existing.id !== profile.id);
    await deps.repository.save({
      ...file,
      profiles: [...others, profile],
      activeProfileId: options.activate ? profile.id : file.activeProfileId,
    });
    return profile;
  }

  async function addOkta(request: {
    orgUrl: string;
    apiToken: string;
    label?: string | undefined;
    operationId?: string | undefined;
  }) {
    const parsed = parseOrgUrl(request.orgUrl);
    if (!parsed.ok) {
      throw new AppError(parsed.error);
    }
    const orgUrl = parsed.value.orgUrl;
    const token = normaliseApiToken(request.apiToken);
    const operationId = request.operationId ?? null;
    const progress = (state: 'running' | 'done' | 'failed') => {
      deps.emitProgress({ operationId, orgUrl, step: 'save-token', state });
    };
    // Fail on a missing keychain before spending a round trip (or a rate-limit slot) on Okta.
    try {
      await deps.secrets.checkAvailable();
    } catch (error) {
      progress('failed');
      throw error;
    }
    const connection = await verify({ orgUrl, token }, operationId);
    progress('running');
    const previousToken = await deps.secrets.get(orgUrl);
    try {
      await deps.secrets.set(orgUrl, token);
    } catch (error) {
      progress('failed');
      throw error;
    }
    let profile: ProfileSummary;
    try {
      profile = await saveProfile(
        (existing) => ({
          id:
            existing.find((other) => other.kind === 'okta' && other.orgUrl === orgUrl)?.id ??
            randomUUID(),
          kind: 'okta',
          label: request.label?.trim() ? request.label.trim() : connection.orgName,
          orgUrl,
          orgName: connection.orgName,
          owner: connection.owner,
          adminRoles: connection.adminRoles,
          tokenHint: token.slice(-4),
          verifiedAt: clock().toISOString(),
        }),
        { activate: true },
      );
    } catch (error) {
      // Put the keychain back as it was, so a failed save leaves no orphaned or replaced token.
      await (previousToken === null
        ? deps.secrets.delete(orgUrl)
        : deps.secrets.set(orgUrl, previousToken));
      progress('failed');
      throw error;
    }
    progress('done');
    deps.logger.log('info', 'Connected an org', { orgUrl, profileId: profile.id });
    return profile;
  }

  async function addSandbox(
    operationId: string | null,
    options: { activate: boolean },
  ): Promise<ProfileSummary> {
    if (deps.sandbox === undefined) {
      throw new AppError({
        code: 'SANDBOX_FAILED',
        message: 'The local sandbox org is not available in this build of the console.',
        hint: 'Start it separately with `npm run sandbox` and connect to the URL it prints.',
      });
    }
    const credentials = await deps.sandbox.ensureRunning();
    const connection = await verify(credentials, operationId);
    const profile = await saveProfile(
      () => ({
        id: SANDBOX_PROFILE_ID,
        kind: 'sandbox',
        label: 'Local sandbox org',
        orgUrl: credentials.orgUrl,
        orgName: connection.orgName,
        owner: connection.owner,
        adminRoles: connection.adminRoles,
        tokenHint: null,
        verifiedAt: clock().toISOString(),
      }),
      options,
    );
    deps.logger.log('info', 'Connected the local sandbox org', { orgUrl: credentials.orgUrl });
    return profile;
  }

  async function find(profileId: string): Promise<ProfileSummary> {
    const profile = (await deps.repository.load()).profiles.find((p) => p.id === profileId);
    if (profile === undefined) {
      throw notFound(profileId);
    }
    return profile;
  }

  /** The org URL and token of a profile, for main-side services only. */
  async function getCredentials(profileId: string): Promise<OrgCredentials> {
    const profile = await find(profileId);
    if (profile.kind === 'sandbox') {
      if (deps.sandbox === undefined) {
        throw notFound(profileId);
      }
      return deps.sandbox.ensureRunning();
    }
    const token = await deps.secrets.get(profile.orgUrl);
    if (token === null) {
      throw new AppError({
        code: 'TOKEN_MISSING',
        message: `The keychain holds no API token for ${profile.orgUrl}; it may have been deleted outside the console.`,
        hint: 'Connect the org again with a token; the profile keeps its place.',
        field: 'apiToken',
      });
    }
    return { orgUrl: profile.orgUrl, token };
  }

  return {
    list,
    getCredentials,

    /**
     * Calls `listener` after every connect, re-check, switch and removal, whatever its outcome;
     * returns the function that stops it.
     *
     * @remarks
     * For whoever keeps what {@link getCredentials} answered (the active org's resolver, so a
     * search need not read the profile file and the keychain on every keystroke): the active
     * profile, its org or its token may differ afterwards, so anything kept must be read again.
     * It is called once the change is on disk and in the keychain, never before.
     */
    onChange(listener: () => void): () => void {
      changeListeners.add(listener);
      return () => {
        changeListeners.delete(listener);
      };
    },
    add: (request: Parameters<typeof addOkta>[0]) => exclusive(() => addOkta(request)),
    addSandbox: (operationId: string | null = null) =>
      exclusive(() => addSandbox(operationId, { activate: true })),

    /**
     * Re-checks a saved profile against its org and refreshes what the console knows.
     *
     * @remarks
     * Leaves the active profile as it is: checking an org is not choosing it.
     */
    verify: (profileId: string) =>
      exclusive(async () => {
        const profile = await find(profileId);
        if (profile.kind === 'sandbox') {
          return addSandbox(null, { activate: false });
        }
        const credentials = await getCredentials(profileId);
        const connection = await verify(credentials, null);
        return saveProfile(
          () => ({ ...profile, ...connection, verifiedAt: clock().toISOString() }),
          {
            activate: false,
          },
        );
      }),

    switchTo: (profileId: string) =>
      exclusive(async () => {
        const file = await deps.repository.load();
        if (!file.profiles.some((profile) => profile.id === profileId)) {
          throw notFound(profileId);
        }
        await deps.repository.save({ ...file, activeProfileId: profileId });
        return list();
      }),

    /**
     * Removes a profile and its keychain entry.
     *
     * @remarks
     * The keychain entry goes first: if the keychain fails, the profile stays listed, so the
     * admin can retry rather than be left with an orphaned token they cannot see.
     */
    remove: (profileId: string) =>
      exclusive(async () => {
        const profile = await find(profileId);
        if (profile.kind === 'okta') {
          await deps.secrets.delete(profile.orgUrl);
        }
        const file = await deps.repository.load();
        const profiles = file.profiles.filter((p) => p.id !== profileId);
        const activeProfileId =
          file.activeProfileId === profileId ? (profiles[0]?.id ?? null) : file.activeProfileId;
        await deps.repository.save({ ...file, profiles, activeProfileId });
        deps.logger.log('info', 'Removed an org profile', { orgUrl: profile.orgUrl });
        return list();
      }),
  };
}

/** The profile service's API. */
export type ProfileService = ReturnType<typeof createProfileService>;
