import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId, VerificationResult } from '../../shared/export/export-targets.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
import type { PreviewUser } from '../../shared/preview/preview-schemas.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { readOktaApp } from '../okta/okta-json.ts';
import { acquireLockFile, LockHeldError } from '../platform/lock-file.ts';
import { pendingAccountOf } from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { type RotationApp, type RotationStatus, secretRotation } from './rotation.ts';
import { createFileRotationJournal, type RotationJournal } from './rotation-journal.ts';

/**
 * What a rotation needs of the export: rendering the target's files for an app, and verifying a
 * rendering by signing in with exactly what it says (the export service's own methods).
 */
export interface RotationExports {
  renderApp(request: {
    appId: string;
    target: ExportTargetId;
    issuer?: string;
    inlineSecret: boolean;
    suppliedSecret?: string;
  }): Promise<ChannelResponse<'export:render'>>;
  verifyStart(request: {
    renderId: string;
    target: ExportTargetId;
    user?: PreviewUser;
  }): Promise<ChannelResponse<'export:verify-start'>>;
  verifyWait(verificationId: string): Promise<VerificationResult>;
  verifyPaste(verificationId: string, url: string): void;
  verifyCancel(verificationId: string): Promise<void>;
}

/**
 * A view of `store` in which an app's secret is the new one while a rotation holds one.
 *
 * @remarks
 * The export looks up the app's secret under its keychain account. During a rotation the new
 * files are verified with the new secret, so the export the rotation uses sees the pending
 * secret there first; when none is pending, the app's own.
 */
export function newSecretFirst(store: Pick<SecretStore, 'get'>): Pick<SecretStore, 'get'> {
  return {
    async get(account) {
      const pending = pendingAccountOf(account);
      const value = pending === undefined ? null : await store.get(pending);
      return value ?? (await store.get(account));
    },
  };
}

/**
 * Secret rotation for the console window and `sso-console rotate-secret`, step by step.
 *
 * @remarks
 * Each method is one step the admin takes, so the window's IPC handlers and the command line
 * drive it the same way: `status` → `start` (the second secret made and kept) → `render` (the
 * target's files with the new secret) → the admin deploys them → `verifyStart` / `verifyWait`
 * (signing in with exactly those files; a success is journaled) → `finish` (the admin's
 * confirmation: the old secret is deactivated and deleted). `cancel` keeps the old secret
 * instead. Every step reads the journal and the org afresh, so a window closed or a process
 * killed between (or inside) steps resumes where it stopped.
 *
 * The export it renders and verifies with is built by `createExports` over
 * {@link newSecretFirst} (and an empty environment), so a verification can only sign in with the
 * new secret: the old one is still ACTIVE and would sign in as well, proving nothing. Only
 * renderings this service made with the new secret can be verified here.
 */
export function createRotationService<Exports extends RotationExports>(deps: {
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'checkAvailable' | 'get' | 'set' | 'delete'>;
  dataDir: string;
  /** The export service the rotation renders and verifies with, over the secrets it is given. */
  createExports: (secrets: Pick<SecretStore, 'get'>) => Exports;
  /** The journal; the data folder's `journals/rotations.jsonl` unless a test gives its own. */
  journal?: RotationJournal;
  clock?: () => Date;
}) {
  const journal =
    deps.journal ??
    createFileRotationJournal(path.join(deps.dataDir, 'journals', 'rotations.jsonl'));
  const exports = deps.createExports(newSecretFirst(deps.secrets));
  /** Renderings made with a new secret: which app, which secret. */
  const renders = new Map<string, { appId: string; secretId: string; target: ExportTargetId }>();
  const verifications = new Map<string, { appId: string; secretId: string }>();

  async function rotationOf(appId: string) {
    const org = await deps.activeOrg();
    const app = readOktaApp(await org.client.applicationApi.getApplication({ appId }));
    if (app.clientCredentials.tokenEndpointAuthMethod === 'none') {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: `"${app.label}" is a public client: it has no client secret to rotate.`,
        hint: 'Rotation is for confidential clients (web apps such as Kestra).',
      });
    }
    const rotationApp: RotationApp = {
      appId: app.id ?? appId,
      clientId: app.clientCredentials.clientId ?? appId,
      label: app.label,
    };
    return secretRotation(
      {
        client: org.client,
        orgUrl: org.orgUrl,
        journal,
        secrets: deps.secrets,
        ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      },
      rotationApp,
    );
  }

  /** Runs `step`, saying an Okta failure in the console's words (never a response body). */
  async function inWords<T>(action: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof AppError) {
        throw error;
      }
      const org = await deps.activeOrg();
      throw toOktaAppError(error, { orgUrl: org.orgUrl, token: org.token, action });
    }
  }

  /** Runs `step` holding the app's rotation lock, so two windows or processes never interleave. */
  async function locked<T>(appId: string, step: () => Promise<T>): Promise<T> {
    let release: () => Promise<void>;
    try {
      release = await acquireLockFile(
        path.join(deps.dataDir, 'journals', `rotation-${appId.replaceAll(/[^\w-]/g, '_')}.lock`),
      );
    } catch (error) {
      if (error instanceof LockHeldError) {
        throw new AppError({
          code: 'APPLY_IN_PROGRESS',
          message: `This app's client secret is being rotated by another console or command (process ${String(error.holder.pid)} since ${error.holder.since}).`,
          hint: 'Wait for it to finish, then try again.',
        });
      }
      throw error;
    }
    try {
      return await step();
    } finally {
      await release();
    }
  }

  /** The kept new secret of the app's open rotation, or a refusal saying to start one. */
  async function keptNewSecret(appId: string): Promise<{ secretId: string; value: string }> {
    const rotation = await rotationOf(appId);
    const record = await rotation.record();
    const value = await rotation.newSecret();
    if (record?.newSecretId === undefined || value === null) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'There is no new client secret for this app yet.',
        hint: 'Start the rotation first; it makes the new secret and keeps it in the keychain.',
      });
    }
    return { secretId: record.newSecretId, value };
  }

  return {
    /** Where the app's rotation stands (no change made). */
    status: async (request: { appId: string }): Promise<RotationStatus> =>
      inWords('reading the client secrets', async () => (await rotationOf(request.appId)).status()),

    /** Starts the rotation, or resumes it, up to the second secret made and kept. */
    start: async (request: { appId: string }): Promise<RotationStatus> =>
      inWords('making the new client secret', () =>
        locked(request.appId, async () => (await rotationOf(request.appId)).start()),
      ),

    /** The target's files with the new secret, masked (reveal and save through `files`). */
    render: async (request: {
      appId: string;
      target: ExportTargetId;
      issuer?: string;
      inlineSecret: boolean;
    }): Promise<ChannelResponse<'export:render'>> => {
      const kept = await keptNewSecret(request.appId);
      const answer = await exports.renderApp({
        appId: request.appId,
        target: request.target,
        ...(request.issuer === undefined ? {} : { issuer: request.issuer }),
        inlineSecret: request.inlineSecret,
        suppliedSecret: kept.value,
      });
      renders.set(answer.renderId, {
        appId: request.appId,
        secretId: kept.secretId,
        target: request.target,
      });
      return answer;
    },

    /** Starts signing in with a rendering of the new secret's files. */
    verifyStart: async (request: {
      appId: string;
      renderId: string;
      user?: PreviewUser;
    }): Promise<ChannelResponse<'export:verify-start'>> => {
      const made = renders.get(request.renderId);
      const kept = await keptNewSecret(request.appId);
      if (made?.appId !== request.appId || made.secretId !== kept.secretId) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: 'Those files were not made with this rotation’s new secret.',
          hint: 'Write the files again from the rotation, then verify them.',
        });
      }
      const started = await exports.verifyStart({
        renderId: request.renderId,
        target: made.target,
        ...(request.user === undefined ? {} : { user: request.user }),
      });
      verifications.set(started.verificationId, {
        appId: request.appId,
        secretId: kept.secretId,
      });
      return started;
    },

    /** Waits for the sign-in; a success is journaled as the new secret's proof. */
    verifyWait: async (request: { verificationId: string }): Promise<VerificationResult> => {
      const run = verifications.get(request.verificationId);
      if (run === undefined) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: 'That verification was not started by this rotation.',
          hint: 'Start the verification again.',
        });
      }
      verifications.delete(request.verificationId);
      const result = await exports.verifyWait(request.verificationId);
      if (result.ok) {
        await locked(run.appId, async () => {
          const rotation = await rotationOf(run.appId);
          if ((await rotation.record())?.newSecretId !== run.secretId) {
            throw new AppError({
              code: 'INVALID_REQUEST',
              message: 'The rotation changed while the sign-in ran; the verification is not kept.',
              hint: 'Write the files again from the rotation, then verify them.',
            });
          }
          await rotation.recordVerified({ target: result.target, contentHash: result.contentHash });
        });
      }
      return result;
    },

    verifyPaste: (request: { verificationId: string; url: string }): void => {
      exports.verifyPaste(request.verificationId, request.url);
    },

    verifyCancel: async (request: { verificationId: string }): Promise<void> => {
      verifications.delete(request.verificationId);
      await exports.verifyCancel(request.verificationId);
    },

    /**
     * The admin confirmed the target runs on the new secret: the old one is deactivated and
     * deleted. Refused until a verification of the new files succeeded.
     */
    finish: async (request: {
      appId: string;
      confirmTargetRunsOnNewSecret: true;
    }): Promise<{ status: RotationStatus; keychainWarning: string | null }> =>
      inWords('retiring the old client secret', () =>
        locked(request.appId, async () => (await rotationOf(request.appId)).finish()),
      ),

    /** Ends the rotation before the swap: the new secret is removed, the old one kept. */
    cancel: async (request: { appId: string }): Promise<RotationStatus> =>
      inWords('removing the new client secret', () =>
        locked(request.appId, async () => (await rotationOf(request.appId)).cancel()),
      ),

    /**
     * The new secret's value, for the command line's `--show-secret` only: the window shows a
     * secret to nobody, so no IPC channel may call this.
     */
    revealNewSecret: async (request: { appId: string }): Promise<string> =>
      (await keptNewSecret(request.appId)).value,

    /** The export the rotation renders with: reveal, save and the file paths of its renderings. */
    files: exports,
  };
}

/** The rotation service; see {@link createRotationService}. */
export type RotationService<Exports extends RotationExports = RotationExports> = ReturnType<
  typeof createRotationService<Exports>
>;
