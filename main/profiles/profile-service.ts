import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import type { ProfileList } from '../../shared/ipc/contract.ts';
import type { EventPayload } from '../../shared/ipc/contract.ts';
import { parseOrgUrl } from '../../shared/okta/org-url.ts';
import {
  connectMethodOf,
  type ProfileSummary,
  type VerifyStep,
} from '../../shared/profiles/profile.ts';
import { planPrivileges, TASK_IDS } from '../okta/least-privilege.ts';
import type { OktaClient, ServiceAppIdentity } from '../okta/okta-client.ts';
import {
  probeGrantedScopes,
  verifyOrgConnection,
  verifyServiceAppConnection,
} from '../okta/org-connection.ts';
import { generateServiceAppKey, type PublicJwk } from '../okta/service-app-key.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { serviceAppKeyAccount } from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import type { ProfileRepository } from './profile-repository.ts';
import { provisionServiceApp } from './service-app-provisioning.ts';

/**
 * Credentials for one org: main-only, never sent to the renderer.
 *
 * @remarks
 * `token` is the secret the SDK signs in with: the API token, or for a service app
 * (`serviceApp` set) its private key. Either way it is what every error text is redacted of.
 */
export interface OrgCredentials {
  orgUrl: string;
  token: string;
  serviceApp?: ServiceAppIdentity | undefined;
}

/**
 * The scopes a service app profile asks for by default: the least-privilege planner's list for
 * everything the console does (every task), so any setup, preview, export or day-two action works.
 */
export function consoleServiceAppScopes(): string[] {
  return planPrivileges(TASK_IDS).scopes.map((planned) => planned.scope);
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

  /** The connects still verifying, by operation id: what cancels each. */
  const pendingConnects = new Map<string, (error: AppError) => void>();
  /**
   * Connects cancelled before their verification began (the cancel can overtake the keychain
   * check that comes first): each is refused as soon as it gets there. Bounded, oldest out.
   */
  const cancelledEarly = new Set<string>();

  function cancelledError(): AppError {
    return new AppError({
      code: 'CANCELLED',
      message: 'The connection was cancelled before the org answered, so nothing was saved.',
      hint: 'Check the org URL and your network (VPN, proxy), then connect again.',
    });
  }

  /**
   * Runs a connect's verification so that {@link cancelConnect} can stop waiting for it.
   *
   * @remarks
   * An org that never answers holds a connect for the request timeout (30 s), and with it the
   * queue every profile change waits in. A cancel rejects at once, before anything is stored;
   * the request itself runs out in the background and its answer is dropped.
   */
  async function cancellable<T>(operationId: string | null, work: Promise<T>): Promise<T> {
    if (operationId === null) {
      return work;
    }
    if (cancelledEarly.delete(operationId)) {
      work.catch(() => undefined);
      throw cancelledError();
    }
    const cancelled = new Promise<never>((_resolve, reject) => {
      pendingConnects.set(operationId, reject);
    });
    try {
      return await Promise.race([work, cancelled]);
    } finally {
      pendingConnects.delete(operationId);
      work.catch(() => undefined);
    }
  }

  async function verify(credentials: OrgCredentials, operationId: string | null) {
    return cancellable(operationId, verifyNow(credentials, operationId));
  }

  async function verifyNow(credentials: OrgCredentials, operationId: string | null) {
    const onProgress = (step: VerifyStep, state: 'running' | 'done' | 'failed' | 'skipped') => {
      deps.emitProgress({ operationId, orgUrl: credentials.orgUrl, step, state });
    };
    if (credentials.serviceApp !== undefined) {
      return verifyServiceAppConnection({
        client: deps.createClient(credentials),
        orgUrl: credentials.orgUrl,
        clientId: credentials.serviceApp.clientId,
        privateKey: credentials.token,
        onProgress,
      });
    }
    return verifyOrgConnection({
      client: deps.createClient(credentials),
      orgUrl: credentials.orgUrl,
      token: credentials.token,
      onProgress: (step, state) => {
        deps.emitProgress({ operationId, orgUrl: credentials.orgUrl, step, state });
      },
    });
  }

  /**
   * What a service app asks for in its access tokens: the planned scopes it was granted, and what
   * the admin should hear about (planned but not granted, granted but never used).
   *
   * @remarks
   * Asking only for the granted ones lets an admin grant less than everything (no teardown, say):
   * the console connects, and what needs a missing scope is refused and named before it starts.
   */
  async function serviceAppScopes(
    orgUrl: string,
    privateKey: string,
    identity: { clientId: string; keyId: string },
    planned: readonly string[],
  ): Promise<{ scopes: string[]; notGranted?: string[]; unused?: string[] }> {
    const granted = await probeGrantedScopes((scopes) =>
      deps.createClient({ orgUrl, token: privateKey, serviceApp: { ...identity, scopes } }),
    );
    if (granted === null) {
      return { scopes: [...planned] };
    }
    const usable = planned.filter((scope) => granted.includes(scope));
    const everything = consoleServiceAppScopes();
    return {
      // None usable: ask for them all, so the connection check names what to grant.
      scopes: usable.length > 0 ? usable : [...planned],
      notGranted: planned.filter((scope) => !granted.includes(scope)),
      unused: granted.filter((scope) => !everything.includes(scope)),
    };
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

  /**
   * An org profile just verified, whichever way it connects: it keeps the id of the org's profile
   * it replaces (one profile per org), and the admin's label or else the org's name.
   */
  function connectedProfile(
    existing: readonly ProfileSummary[],
    orgUrl: string,
    label: string | undefined,
    connection: Awaited<ReturnType<typeof verify>>,
  ) {
    return {
      id:
        existing.find((other) => other.kind === 'okta' && other.orgUrl === orgUrl)?.id ??
        randomUUID(),
      kind: 'okta' as const,
      label: label?.trim() ? label.trim() : connection.orgName,
      orgUrl,
      orgName: connection.orgName,
      owner: connection.owner,
      adminRoles: connection.adminRoles,
      verifiedAt: clock().toISOString(),
    };
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
          ...connectedProfile(existing, orgUrl, request.label, connection),
          tokenHint: token.slice(-4),
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

  /**
   * Makes a key pair for a service app of `orgUrl`: the private key goes straight into the
   * keychain, the public JWK is answered for the admin to register.
   *
   * @remarks
   * The key is stored before anything is answered, so a public key the admin registers always
   * has its private half. A key never connected stays in the keychain under its `kid` (the
   * admin may register it later); removing the org's profile does not know it.
   */
  async function newServiceAppKey(request: { orgUrl: string }): Promise<{
    orgUrl: string;
    keyId: string;
    publicJwk: PublicJwk;
    scopes: string[];
    roles: string[];
  }> {
    const orgUrl = parseOrThrow(request.orgUrl);
    await deps.secrets.checkAvailable();
    const key = generateServiceAppKey();
    await deps.secrets.set(serviceAppKeyAccount(orgUrl, key.keyId), key.privateKey);
    deps.logger.log('info', 'Made a service app key pair', { orgUrl, keyId: key.keyId });
    const plan = planPrivileges(TASK_IDS);
    return {
      orgUrl,
      keyId: key.keyId,
      publicJwk: key.publicJwk,
      scopes: plan.scopes.map((planned) => planned.scope),
      roles: plan.roles,
    };
  }

  /** The private key of `keyId` from the keychain, or an error saying it is gone. */
  async function serviceAppKey(orgUrl: string, keyId: string): Promise<string> {
    const privateKey = await deps.secrets.get(serviceAppKeyAccount(orgUrl, keyId));
    if (privateKey === null) {
      throw new AppError({
        code: 'TOKEN_MISSING',
        message: `The keychain holds no private key ${keyId} for ${orgUrl}; it may have been deleted outside the console.`,
        hint: 'Make a new key pair in the console, register its public key on the service app in Okta, and connect again.',
      });
    }
    return privateKey;
  }

  /**
   * Connects `orgUrl` as an API services app with the key `keyId` the console made.
   *
   * @remarks
   * Same order as the token's: verify with the real SDK in `PrivateKey` mode, then save. The
   * profile of the org is reused (one per org), so connecting with a service app switches the
   * org's profile from its token; the token stays in the keychain until {@link forgetToken}.
   */
  async function addServiceApp(request: {
    orgUrl: string;
    clientId: string;
    keyId: string;
    scopes?: readonly string[] | undefined;
    label?: string | undefined;
    operationId?: string | undefined;
  }): Promise<ProfileSummary> {
    const orgUrl = parseOrThrow(request.orgUrl);
    const clientId = request.clientId.trim();
    if (!/^[\w.-]{1,200}$/.test(clientId)) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'The client id is empty or has characters an Okta client id never has.',
        hint: 'Copy the Client ID from the service app’s General tab in the Admin Console.',
        field: 'clientId',
      });
    }
    const operationId = request.operationId ?? null;
    await deps.secrets.checkAvailable();
    const privateKey = await serviceAppKey(orgUrl, request.keyId);
    const identity = { clientId, keyId: request.keyId };
    // Cancellable too: the probe is the connect's first call to the org.
    const checked = await cancellable(
      operationId,
      serviceAppScopes(orgUrl, privateKey, identity, request.scopes ?? consoleServiceAppScopes()),
    );
    const serviceApp = { ...identity, scopes: checked.scopes };
    const connection = await verify({ orgUrl, token: privateKey, serviceApp }, operationId);
    deps.emitProgress({ operationId, orgUrl, step: 'save-token', state: 'running' });
    const profile = await saveProfile(
      (existing) => ({
        ...connectedProfile(existing, orgUrl, request.label, connection),
        tokenHint: null,
        method: { type: 'service-app', ...serviceApp, ...checked },
      }),
      { activate: true },
    );
    deps.emitProgress({ operationId, orgUrl, step: 'save-token', state: 'done' });
    deps.logger.log('info', 'Connected an org with a service app', {
      orgUrl,
      profileId: profile.id,
      clientId,
    });
    return profile;
  }

  function parseOrThrow(input: string): string {
    const parsed = parseOrgUrl(input);
    if (!parsed.ok) {
      throw new AppError(parsed.error);
    }
    return parsed.value.orgUrl;
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
    const method = connectMethodOf(profile);
    if (method.type === 'service-app') {
      const { clientId, keyId, scopes } = method;
      return {
        orgUrl: profile.orgUrl,
        token: await serviceAppKey(profile.orgUrl, keyId),
        serviceApp: { clientId, keyId, scopes },
      };
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
     * Stops a connect: it fails with `CANCELLED` and saves nothing. Answers whether it was
     * verifying; one not verifying yet (its keychain check comes first) is refused when it gets
     * there, and one already finished is left as it is.
     */
    cancelConnect(operationId: string): boolean {
      const cancel = pendingConnects.get(operationId);
      if (cancel === undefined) {
        // Not verifying yet (or already done): refused if it gets there.
        cancelledEarly.add(operationId);
        for (const oldest of [...cancelledEarly].slice(0, Math.max(0, cancelledEarly.size - 20))) {
          cancelledEarly.delete(oldest);
        }
        return false;
      }
      cancel(cancelledError());
      return true;
    },

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
    newServiceAppKey: (request: Parameters<typeof newServiceAppKey>[0]) =>
      exclusive(() => newServiceAppKey(request)),
    addServiceApp: (request: Parameters<typeof addServiceApp>[0]) =>
      exclusive(() => addServiceApp(request)),

    /**
     * With a profile connected by API token: makes the console's API services app (key, planned
     * scopes, planned roles; see {@link provisionServiceApp}) and switches the profile to it.
     *
     * @remarks
     * A rerun finds the app it made by its label instead of making a second. The token stays in
     * the keychain until the admin chooses to forget it.
     */
    createServiceApp: async (request: { profileId: string; operationId?: string | undefined }) => {
      const profile = await find(request.profileId);
      if (profile.kind !== 'okta' || connectMethodOf(profile).type !== 'api-token') {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `${profile.label} is not connected with an API token, so the console cannot create a service app with it.`,
          hint: 'Connect the org with an API token of an admin who may create apps and assign roles (Super Administrator), then try again.',
        });
      }
      const credentials = await getCredentials(profile.id);
      const plan = planPrivileges(TASK_IDS);
      const scopes = plan.scopes.map((planned) => planned.scope);
      const made = await exclusive(() =>
        provisionServiceApp({
          client: deps.createClient(credentials),
          orgUrl: credentials.orgUrl,
          token: credentials.token,
          secrets: deps.secrets,
          scopes,
          roles: plan.roles,
        }),
      );
      deps.logger.log('info', 'Made the console’s service app', {
        orgUrl: credentials.orgUrl,
        clientId: made.clientId,
        created: made.created,
      });
      return exclusive(() =>
        addServiceApp({
          orgUrl: credentials.orgUrl,
          clientId: made.clientId,
          keyId: made.keyId,
          scopes,
          label: profile.label,
          operationId: request.operationId,
        }),
      );
    },

    /**
     * Deletes the API token a profile no longer uses from the keychain, once it connects with a
     * service app: refused while the profile still uses the token.
     */
    forgetToken: (profileId: string) =>
      exclusive(async () => {
        const profile = await find(profileId);
        if (profile.kind !== 'okta' || connectMethodOf(profile).type !== 'service-app') {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: `${profile.label} still connects with its API token, so the token cannot be forgotten.`,
            hint: 'Connect the org with a service app first.',
          });
        }
        await deps.secrets.delete(profile.orgUrl);
        deps.logger.log('info', 'Forgot the API token of an org', { orgUrl: profile.orgUrl });
        return list();
      }),
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
        let credentials = await getCredentials(profileId);
        let method = connectMethodOf(profile);
        if (method.type === 'service-app' && credentials.serviceApp !== undefined) {
          // Grants change in the Admin Console: a re-check asks again for everything planned.
          const { clientId, keyId } = method;
          const checked = await serviceAppScopes(
            profile.orgUrl,
            credentials.token,
            { clientId, keyId },
            consoleServiceAppScopes(),
          );
          method = { type: 'service-app', clientId, keyId, ...checked };
          credentials = { ...credentials, serviceApp: { clientId, keyId, scopes: checked.scopes } };
        }
        const connection = await verify(credentials, null);
        return saveProfile(
          () => ({
            ...profile,
            ...connection,
            ...(profile.method === undefined ? {} : { method }),
            verifiedAt: clock().toISOString(),
          }),
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
          const method = connectMethodOf(profile);
          if (method.type === 'service-app') {
            await deps.secrets.delete(serviceAppKeyAccount(profile.orgUrl, method.keyId));
          }
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
