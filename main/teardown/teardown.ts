import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { describeFailure, toOktaAppError } from '../okta/okta-errors.ts';
import { readSetupObjects } from '../okta/setup-objects.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import {
  type JournalLine,
  planTeardown,
  type Removal,
  type TeardownPlan,
  type ThrowawayLine,
  throwawayLogins,
} from './teardown-plan.ts';

/** A line the teardown writes to the setup's journal: its own `destroy:` steps. */
export interface TeardownEntry {
  setupId: string;
  orgUrl: string;
  stepKey: string;
  phase: 'started' | 'done' | 'found' | 'not-found' | 'failed';
  at: string;
  objectId?: string;
  detail?: string;
}

/** The setup's journal, which the teardown reads whole and appends its own steps to. */
export interface TeardownJournal {
  append(entry: TeardownEntry): Promise<void>;
  read(): Promise<readonly JournalLine[]>;
}

/** What a teardown reads and writes. */
export interface TeardownDeps {
  client: OktaClient;
  document: SetupDocument;
  /** The org's URL: journal lines and keychain accounts are per org. */
  orgUrl: string;
  journal: TeardownJournal;
  /** The preview's throwaway-user journal, and the login prefix those users carry. */
  throwaways: { read(): Promise<readonly ThrowawayLine[]>; prefix: string };
}

/** Progress of one removal, for the CLI's standard error. */
export interface TeardownProgress {
  key: string;
  title: string;
  state: 'removing' | 'removed' | 'retrying';
}

/** What a teardown did. */
export interface TeardownResult {
  removed: Removal[];
  /** Keychain accounts whose secret was forgotten. */
  forgotten: string[];
  /** A keychain entry that could not be removed, in words; `null` when all went. */
  keychainWarning: string | null;
}

/** How many times one removal is tried when its answers are lost. */
const ATTEMPTS_PER_REMOVAL = 3;

function linesOf(lines: readonly JournalLine[], deps: TeardownDeps): JournalLine[] {
  return lines.filter(
    (line) =>
      line.setupId === deps.document.id &&
      (line.orgUrl === undefined || line.orgUrl === deps.orgUrl),
  );
}

/** Reads the org and the journals, and plans the teardown. */
export async function planTeardownFromOrg(deps: TeardownDeps): Promise<TeardownPlan> {
  const [journal, throwaways] = await Promise.all([deps.journal.read(), deps.throwaways.read()]);
  const objects = await readSetupObjects(
    deps.client,
    deps.document,
    throwawayLogins(throwaways, deps.throwaways.prefix),
  );
  return planTeardown({
    document: deps.document,
    journal: linesOf(journal, deps),
    throwaways,
    throwawayPrefix: deps.throwaways.prefix,
    objects,
  });
}

/** `destroy:` steps whose last `started` has no outcome after it: removals that were in flight. */
function removalsInDoubt(lines: readonly JournalLine[]): string[] {
  const open = new Set<string>();
  for (const line of lines) {
    if (!line.stepKey.startsWith('destroy:')) {
      continue;
    }
    if (line.phase === 'started') {
      open.add(line.stepKey);
    } else {
      open.delete(line.stepKey);
    }
  }
  return [...open];
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Sends Okta the one removal, deactivating first what Okta deletes only when inactive. */
async function remove(client: OktaClient, removal: Removal): Promise<void> {
  const id = removal.objectId;
  const authServerId = removal.authServerId ?? '';
  switch (removal.kind) {
    case 'app':
      if (removal.isActive) {
        await client.applicationApi.deactivateApplication({ appId: id });
      }
      await client.applicationApi.deleteApplication({ appId: id });
      return;
    case 'test-user':
    case 'throwaway-user':
      if (removal.isActive) {
        await client.userApi.deactivateUser({ userId: id });
      }
      await client.userApi.deleteUser({ userId: id });
      return;
    case 'trusted-origin':
      await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: id });
      return;
    case 'access-policy':
      await client.authorizationServerApi.deleteAuthorizationServerPolicy({
        authServerId,
        policyId: id,
      });
      return;
    case 'claim':
      await client.authorizationServerApi.deleteOAuth2Claim({ authServerId, claimId: id });
      return;
    case 'scope':
      await client.authorizationServerApi.deleteOAuth2Scope({ authServerId, scopeId: id });
      return;
    case 'auth-server':
      if (removal.isActive) {
        await client.authorizationServerApi.deactivateAuthorizationServer({ authServerId: id });
      }
      await client.authorizationServerApi.deleteAuthorizationServer({ authServerId: id });
      return;
  }
}

/**
 * Removes exactly what a setup made (see `planTeardown`), journaled in the setup's journal and
 * resumable.
 *
 * @remarks
 * - **Journaled.** A `started` line before each removal and an outcome after it (`done`; or,
 *   when the answer was lost or a 5xx came back, `found` / `not-found` as a reading of the org
 *   showed; or `failed`), under `destroy:` step keys beside the apply's.
 * - **Never blindly twice.** A removal whose answer was lost is settled by reading the org: gone
 *   means done; still there means it is tried again (deactivating what is still active), up to
 *   {@link ATTEMPTS_PER_REMOVAL} times. A 404 means someone (or the lost answer) removed it already.
 * - **Resumable.** The plan is made from a reading of the org each time, so a teardown run again
 *   after a kill removes what is left; removals the killed one left in flight are settled first.
 * - **Secrets.** The client secret and the test user's password this setup kept in the keychain
 *   are forgotten once their object is gone — never before.
 */
export async function destroySetup(
  deps: TeardownDeps & {
    /** The teardown the admin reviewed; without it, the one planned now. */
    reviewed?: TeardownPlan;
    forgetSecret: (account: string) => Promise<unknown>;
    onProgress?: (event: TeardownProgress) => void;
    clock?: () => Date;
  },
): Promise<TeardownResult> {
  const { client, document, orgUrl } = deps;
  const clock = deps.clock ?? (() => new Date());
  const record = (entry: Omit<TeardownEntry, 'setupId' | 'orgUrl' | 'at'>) =>
    deps.journal.append({ setupId: document.id, orgUrl, at: clock().toISOString(), ...entry });
  const failure = (error: unknown, title: string) =>
    toOktaAppError(error, { orgUrl, action: `deleting ${title}` });

  let plan = await planTeardownFromOrg(deps);
  const isPlanned = (key: string, objectId: string | undefined) =>
    plan.removals.some(
      (removal) => removal.key === key && (objectId === undefined || removal.objectId === objectId),
    );

  // Removals an earlier teardown left in flight: the org, just read, says whether each was made.
  const history = linesOf(await deps.journal.read(), deps);
  for (const key of removalsInDoubt(history)) {
    const objectId = history.findLast((line) => line.stepKey === key)?.objectId;
    await record({
      stepKey: key,
      phase: isPlanned(key, objectId) ? 'not-found' : 'found',
      ...(objectId === undefined ? {} : { objectId }),
    });
  }

  // Only what was reviewed: an object of the setup's that appeared since is left for the next run.
  const allowed =
    deps.reviewed === undefined
      ? undefined
      : new Set(deps.reviewed.removals.map((removal) => `${removal.key} ${removal.objectId}`));
  const order = plan.removals.filter(
    (removal) => allowed === undefined || allowed.has(`${removal.key} ${removal.objectId}`),
  );
  const gone = new Set<string>();
  const removed: Removal[] = [];
  for (const first of order) {
    let removal: Removal | undefined = first;
    for (let attempt = 1; removal !== undefined; attempt += 1) {
      const { key, objectId, title }: Removal = removal;
      deps.onProgress?.({ key, title, state: attempt === 1 ? 'removing' : 'retrying' });
      await record({ stepKey: key, phase: 'started', objectId });
      try {
        await remove(client, removal);
        await record({ stepKey: key, phase: 'done', objectId });
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) {
          // Gone already: removed by the lost answer of an earlier attempt, or by someone else.
          await record({ stepKey: key, phase: 'done', objectId, detail: '404' });
        } else if (status !== undefined && status < 500) {
          await record({ stepKey: key, phase: 'failed', objectId, detail: describeFailure(error) });
          throw failure(error, title);
        } else {
          // No answer, or a server error: the removal may have happened. Read, never resend blind.
          plan = await planTeardownFromOrg(deps);
          const still: Removal | undefined = plan.removals.find(
            (candidate) => candidate.key === key && candidate.objectId === objectId,
          );
          await record({
            stepKey: key,
            phase: still === undefined ? 'found' : 'not-found',
            objectId,
          });
          if (still !== undefined && attempt >= ATTEMPTS_PER_REMOVAL) {
            throw failure(error, title);
          }
          removal = still;
          continue;
        }
      }
      removal = undefined;
    }
    gone.add(first.key);
    removed.push(first);
    deps.onProgress?.({ key: first.key, title: first.title, state: 'removed' });
  }

  // The keychain, once the objects its secrets open are gone.
  const forgotten: string[] = [];
  let keychainWarning: string | null = null;
  for (const secret of plan.secrets) {
    if (secret.after !== undefined && !gone.has(secret.after)) {
      continue;
    }
    const account =
      secret.kind === 'client-secret'
        ? clientSecretAccount(orgUrl, secret.id)
        : testUserPasswordAccount(orgUrl, secret.id);
    try {
      await deps.forgetSecret(account);
      forgotten.push(account);
    } catch (error) {
      keychainWarning ??= `The keychain kept the ${
        secret.kind === 'client-secret' ? 'client secret' : 'test user password'
      } of an object that is gone (${describeFailure(error) || String(error)}); remove "${account}" by hand.`;
    }
  }
  return { removed, forgotten, keychainWarning };
}
