import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import { collect } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { readOktaClientSecret } from '../okta/okta-json.ts';
import {
  clientSecretAccount,
  pendingClientSecretAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import {
  createInDoubt,
  openRotation,
  type RotationEntry,
  type RotationJournal,
  type RotationPhase,
  type RotationRecord,
} from './rotation-journal.ts';

/**
 * Rotating an app's client secret without downtime: the engine.
 *
 * @remarks
 * Okta lets an app hold two ACTIVE client secrets, and accepts either at `/token`. A rotation
 * uses that: it makes the second secret (kept in the keychain), the admin deploys it, the
 * console signs in with exactly the new files, the admin confirms, and only then the old secret
 * is deactivated and deleted. Each call reads the journal and the org, does what is due, and
 * stops where the admin has to act; so a rotation stopped anywhere is resumed by calling again.
 *
 * Two rules hold at every step, checked against a reading of the org right before each change:
 * the app never has no ACTIVE secret (a secret is deactivated only while another one is ACTIVE),
 * and a new secret is never lost (one Okta showed but the keychain did not get is deactivated
 * and deleted, never left to linger, and a fresh one is made in its place: never two extra).
 */

/** What the engine reads and writes. */
export interface RotationDeps {
  client: OktaClient;
  orgUrl: string;
  journal: RotationJournal;
  secrets: Pick<SecretStore, 'checkAvailable' | 'get' | 'set' | 'delete'>;
  clock?: () => Date;
}

/** The app a rotation is for, as the org has it. */
export interface RotationApp {
  appId: string;
  clientId: string;
  label: string;
}

/** One of the app's client secrets, as shown to the admin: never its value. */
export interface SecretView {
  id: string;
  status: string;
  created: string | undefined;
  /** Which one it is to the rotation. */
  role: 'old' | 'new' | 'other';
}

/** Where a rotation stands: what the org holds, what is done, and what the admin does next. */
export interface RotationStatus {
  appId: string;
  clientId: string;
  label: string;
  rotationId: string | null;
  phase: RotationPhase | 'finished' | 'cancelled';
  secrets: SecretView[];
  verified: { target: ExportTargetId; contentHash: string; at: string } | null;
  /** The next step, in words. */
  next: string;
}

/** A client secret as listed: its id, status and Okta's (masked) rendering of it. */
interface ListedSecret {
  id: string;
  status: string;
  shown: string | undefined;
  created: string | undefined;
}

/** A rotation refused, with why and what to do. */
function refusal(message: string, hint: string): AppError {
  return new AppError({ code: 'INVALID_REQUEST', message, hint });
}

async function listSecrets(client: OktaClient, appId: string): Promise<ListedSecret[]> {
  const listed = await collect(
    await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId }),
  );
  return listed.map(readOktaClientSecret).flatMap((secret) =>
    secret.id === undefined
      ? []
      : [
          {
            id: secret.id,
            status: secret.status,
            shown: secret.clientSecret,
            created: secret.created,
          },
        ],
  );
}

/**
 * Whether Okta's rendering of a listed secret (`head......tail`, or the whole secret) is
 * `value`'s: how a secret the keychain holds is matched to its id without Okta showing it again.
 */
export function isShownAs(shown: string | undefined, value: string): boolean {
  if (shown === undefined || shown === '') {
    return false;
  }
  const dots = shown.indexOf('......');
  if (dots === -1) {
    return shown === value;
  }
  const head = shown.slice(0, dots);
  const tail = shown.slice(dots + '......'.length);
  return (
    value.length >= head.length + tail.length &&
    value.startsWith(head) &&
    value.endsWith(tail) &&
    head.length + tail.length > 0
  );
}

function isActive(secret: ListedSecret | undefined): boolean {
  return secret?.status === 'ACTIVE';
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** The steps of a rotation, bound to one org and one app. */
function rotationSteps(deps: RotationDeps, app: RotationApp) {
  const { client, orgUrl, journal, secrets } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { appId, clientId } = app;
  const api = client.applicationSSOPublicKeysApi;
  const pendingAccount = pendingClientSecretAccount(orgUrl, clientId);
  const currentAccount = clientSecretAccount(orgUrl, clientId);

  const record = (
    rotationId: string,
    entry: Omit<RotationEntry, 'rotationId' | 'orgUrl' | 'appId' | 'clientId' | 'at'>,
  ) => journal.append({ rotationId, orgUrl, appId, clientId, at: clock().toISOString(), ...entry });

  const open = async () => openRotation(await journal.read(), orgUrl, appId);

  /** Deactivates (if ACTIVE) and deletes `secret`, only while another secret stays ACTIVE. */
  async function removeSecret(secret: ListedSecret, listed: readonly ListedSecret[]) {
    if (secret.status === 'ACTIVE') {
      if (!listed.some((other) => other.id !== secret.id && isActive(other))) {
        throw refusal(
          `The client secret ${secret.id} is the only ACTIVE one of "${app.label}"; the console did not deactivate it, since the app would have none.`,
          'Check the app’s client secrets in the Admin Console, then run the rotation again.',
        );
      }
      await api.deactivateOAuth2ClientSecret({ appId, secretId: secret.id });
    }
    try {
      await api.deleteOAuth2ClientSecret({ appId, secretId: secret.id });
    } catch (error) {
      if (statusOf(error) !== 404) {
        throw error;
      }
    }
  }

  /**
   * Settles a create whose outcome was not journaled: the secret the org holds that was not
   * there before is adopted when the keychain holds it, else deactivated and deleted (its value
   * is gone for good). Answers the new secret's id when adopted.
   */
  async function settleCreate(rotation: RotationRecord, before: readonly string[]) {
    const listed = await listSecrets(client, appId);
    const pending = await secrets.get(pendingAccount);
    const fresh = listed.filter(
      (secret) => !before.includes(secret.id) && secret.id !== rotation.oldSecretId,
    );
    let adopted: string | undefined;
    for (const secret of fresh) {
      if (adopted === undefined && pending !== null && isShownAs(secret.shown, pending)) {
        adopted = secret.id;
        await record(rotation.rotationId, { step: 'kept', secretId: secret.id });
        continue;
      }
      await removeSecret(secret, listed);
      await record(rotation.rotationId, {
        step: 'discarded',
        secretId: secret.id,
        detail: 'Made by an interrupted rotation and not kept in the keychain.',
      });
    }
    if (adopted === undefined && fresh.length === 0) {
      // Asked for, never made: the create is settled as not done.
      await record(rotation.rotationId, {
        step: 'discarded',
        detail: 'The earlier request for a new secret did not reach Okta.',
      });
    }
    return adopted;
  }

  /** Makes the new secret and keeps it: journaled on each side of the one call that shows it. */
  async function createAndKeep(rotation: RotationRecord): Promise<void> {
    const listed = await listSecrets(client, appId);
    if (listed.length >= 2) {
      throw refusal(
        `"${app.label}" already has two client secrets (${listed.map((secret) => `${secret.id} ${secret.status}`).join(', ')}), and Okta keeps at most two; no new one was made.`,
        'If the other one is a leftover nobody deployed, deactivate and delete it in the Admin Console; then run the rotation again.',
      );
    }
    if (!isActive(listed.find((secret) => secret.id === rotation.oldSecretId))) {
      throw refusal(
        `The client secret ${rotation.oldSecretId} the rotation started from is no longer ACTIVE in "${app.label}".`,
        'Someone changed the app’s secrets meanwhile; cancel this rotation and start again.',
      );
    }
    await record(rotation.rotationId, {
      step: 'create-started',
      secretIds: listed.map((secret) => secret.id),
    });
    const fresh = readOktaClientSecret(await api.createOAuth2ClientSecret({ appId }));
    if (fresh.id === undefined || fresh.clientSecret === undefined) {
      throw new AppError({
        code: 'INVALID_RESPONSE',
        message: 'Okta answered the new client secret without its id or value.',
        hint: 'Run the rotation again: the secret it made is found and replaced.',
      });
    }
    await record(rotation.rotationId, { step: 'created', secretId: fresh.id });
    await secrets.set(pendingAccount, fresh.clientSecret);
    await record(rotation.rotationId, { step: 'kept', secretId: fresh.id });
  }

  return {
    open,
    listSecrets: () => listSecrets(client, appId),

    /** Starts a rotation, or resumes one, up to the new secret made and kept. */
    async start(): Promise<RotationRecord> {
      // The keychain must keep the new secret: fail before Okta shows one nobody could keep.
      await secrets.checkAvailable();
      let rotation = await open();
      if (rotation === undefined) {
        const listed = await listSecrets(client, appId);
        const active = listed.filter(isActive);
        const [old] = active;
        if (old === undefined || listed.length !== 1) {
          throw refusal(
            listed.length === 0 || old === undefined
              ? `"${app.label}" has no ACTIVE client secret to rotate.`
              : `"${app.label}" already has two client secrets (${listed.map((secret) => `${secret.id} ${secret.status}`).join(', ')}), and Okta keeps at most two.`,
            listed.length === 0 || old === undefined
              ? 'A rotation replaces the secret of a confidential client; this app has none.'
              : 'A rotation starts from one secret. If the other is a leftover nobody deployed, deactivate and delete it in the Admin Console; if someone else is rotating, let them finish.',
          );
        }
        await record(randomUUID(), { step: 'begun', secretId: old.id });
        rotation = await open();
      }
      if (rotation === undefined) {
        throw new AppError({
          code: 'INTERNAL',
          message: 'The rotation journal did not keep the start of the rotation.',
          hint: 'Check that the console’s data folder can be written, then try again.',
        });
      }
      if (rotation.phase !== 'creating') {
        return rotation;
      }
      const before = createInDoubt(rotation);
      const adopted = before === undefined ? undefined : await settleCreate(rotation, before);
      if (adopted === undefined) {
        await createAndKeep(rotation);
      }
      return (await open()) ?? rotation;
    },

    /** Records that the new secret's files signed in (the caller proves it did). */
    async recordVerified(verification: { target: ExportTargetId; contentHash: string }) {
      const rotation = await open();
      if (rotation?.newSecretId === undefined) {
        throw refusal(
          `"${app.label}" has no new client secret waiting to be verified.`,
          'Start the rotation first.',
        );
      }
      await record(rotation.rotationId, {
        step: 'verified',
        secretId: rotation.newSecretId,
        target: verification.target,
        contentHash: verification.contentHash,
      });
    },

    /**
     * The admin confirmed the target runs on the new secret: retires the old one (deactivated,
     * then deleted), moves the new secret to the app's keychain account, and ends the rotation.
     */
    async finish(): Promise<{ keychainWarning: string | null }> {
      const rotation = await open();
      if (rotation === undefined) {
        throw refusal(`No rotation of "${app.label}" is in progress.`, 'Start one first.');
      }
      if (rotation.phase === 'creating' || rotation.phase === 'awaiting-verification') {
        throw new AppError({
          code: 'EXPORT_NOT_VERIFIED',
          message: `The new client secret of "${app.label}" has not been verified by signing in with the target's new files, so the old one stays.`,
          hint: 'Deploy the new files, sign in with them (in the console, or `sso-console rotate-secret --target ID --verify`), then finish.',
        });
      }
      const { rotationId, oldSecretId, newSecretId } = rotation;
      let listed = await listSecrets(client, appId);
      const fresh = listed.find((secret) => secret.id === newSecretId);
      let old = listed.find((secret) => secret.id === oldSecretId);
      if (!isActive(fresh)) {
        throw refusal(
          `The new client secret ${newSecretId ?? ''} of "${app.label}" is ${fresh === undefined ? 'gone' : fresh.status}, so the old one was not retired: the app would have no ACTIVE secret.`,
          'Activate the new secret again in the Admin Console, or cancel this rotation.',
        );
      }
      if (rotation.phase === 'awaiting-confirmation') {
        await record(rotationId, { step: 'confirmed' });
      }
      if (old !== undefined && isActive(old)) {
        await record(rotationId, { step: 'deactivate-started', secretId: oldSecretId });
        await api.deactivateOAuth2ClientSecret({ appId, secretId: oldSecretId });
        await record(rotationId, { step: 'deactivated', secretId: oldSecretId });
        listed = await listSecrets(client, appId);
        old = listed.find((secret) => secret.id === oldSecretId);
      }
      if (old !== undefined) {
        await record(rotationId, { step: 'delete-started', secretId: oldSecretId });
        try {
          await api.deleteOAuth2ClientSecret({ appId, secretId: oldSecretId });
        } catch (error) {
          if (statusOf(error) !== 404) {
            throw error;
          }
        }
        await record(rotationId, { step: 'deleted', secretId: oldSecretId });
      } else if (!rotation.entries.some((entry) => entry.step === 'deleted')) {
        await record(rotationId, { step: 'deleted', secretId: oldSecretId, detail: 'gone' });
      }
      // The new secret becomes the app's secret in the keychain; the pending entry goes last,
      // so a stop in between leaves it in both places, never in neither.
      let keychainWarning: string | null = null;
      const pending = await secrets.get(pendingAccount);
      if (pending !== null) {
        await secrets.set(currentAccount, pending);
        await record(rotationId, { step: 'promoted', secretId: newSecretId });
        await secrets.delete(pendingAccount);
      } else {
        const current = await secrets.get(currentAccount);
        if (current === null || !isShownAs(fresh?.shown, current)) {
          keychainWarning = `The keychain no longer holds the new client secret of "${app.label}"; the app and the deployed target work, but the console cannot put the secret in files or previews.`;
        }
      }
      await record(rotationId, { step: 'finished', secretId: newSecretId });
      return { keychainWarning };
    },

    /**
     * Ends a rotation before the swap, keeping the old secret: the new one is deactivated and
     * deleted (only while the old one is ACTIVE) and forgotten.
     */
    async cancel(): Promise<void> {
      const rotation = await open();
      if (rotation === undefined) {
        throw refusal(`No rotation of "${app.label}" is in progress.`, 'Nothing to cancel.');
      }
      // Once the admin confirmed the target runs on the new secret, that secret must stay; and
      // once the old one may have been deactivated, the new one is all the app has.
      if (
        rotation.entries.some(
          (entry) => entry.step === 'confirmed' || entry.step === 'deactivate-started',
        )
      ) {
        throw refusal(
          `The rotation of "${app.label}" is past the admin's confirmation: the target runs on the new secret, and the old one is being retired.`,
          'Finish it (rotate-secret --finish --yes).',
        );
      }
      const listed = await listSecrets(client, appId);
      // The kept new secret, and one whose create is in doubt (not there before it was asked for).
      const inDoubt = createInDoubt(rotation);
      const made = listed.filter(
        (secret) =>
          secret.id !== rotation.oldSecretId &&
          (secret.id === rotation.newSecretId ||
            (inDoubt !== undefined && !inDoubt.includes(secret.id))),
      );
      for (const secret of made) {
        await removeSecret(secret, listed);
        await record(rotation.rotationId, {
          step: 'discarded',
          secretId: secret.id,
          detail: 'Cancelled.',
        });
      }
      await secrets.delete(pendingAccount);
      await record(rotation.rotationId, { step: 'cancelled' });
    },
  };
}

/** The next step of a phase, in words. */
function nextStep(phase: RotationStatus['phase']): string {
  switch (phase) {
    case 'none':
    case 'finished':
    case 'cancelled':
      return 'Start a rotation to give the app a second client secret.';
    case 'creating':
      return 'Resume the rotation: the new secret is not made and kept yet.';
    case 'awaiting-verification':
      return 'Deploy the new files (or set the new secret where the target reads it), then verify them by signing in.';
    case 'awaiting-confirmation':
      return 'Confirm the target runs on the new secret; the old one is then deactivated and deleted.';
    case 'retiring':
      return 'Resume the rotation: the old secret is being retired.';
  }
}

/** A rotation's status from its record and a reading of the org. */
async function readStatus(
  steps: ReturnType<typeof rotationSteps>,
  app: RotationApp,
  ended?: 'finished' | 'cancelled',
): Promise<RotationStatus> {
  const [rotation, listed] = await Promise.all([steps.open(), steps.listSecrets()]);
  const phase = rotation?.phase ?? ended ?? 'none';
  return {
    appId: app.appId,
    clientId: app.clientId,
    label: app.label,
    rotationId: rotation?.rotationId ?? null,
    phase,
    secrets: listed.map((secret) => ({
      id: secret.id,
      status: secret.status,
      created: secret.created,
      role:
        secret.id === rotation?.oldSecretId
          ? 'old'
          : secret.id === rotation?.newSecretId
            ? 'new'
            : 'other',
    })),
    verified: rotation?.verified ?? null,
    next: nextStep(phase),
  };
}

/**
 * The rotation of one app: start (or resume), record a verification, finish, cancel, and the
 * status after each — every call reading the journal and the org afresh.
 */
export function secretRotation(deps: RotationDeps, app: RotationApp) {
  const steps = rotationSteps(deps, app);
  return {
    status: () => readStatus(steps, app),
    record: steps.open,
    start: async () => {
      await steps.start();
      return readStatus(steps, app);
    },
    recordVerified: async (verification: { target: ExportTargetId; contentHash: string }) => {
      await steps.recordVerified(verification);
      return readStatus(steps, app);
    },
    finish: async () => {
      const { keychainWarning } = await steps.finish();
      return { status: await readStatus(steps, app, 'finished'), keychainWarning };
    },
    cancel: async () => {
      await steps.cancel();
      return readStatus(steps, app, 'cancelled');
    },
    /** The new secret's value, for the admin who asked to see it; `null` when none is kept. */
    newSecret: () => deps.secrets.get(pendingClientSecretAccount(deps.orgUrl, app.clientId)),
  };
}

/** One app's rotation; see {@link secretRotation}. */
export type SecretRotation = ReturnType<typeof secretRotation>;
