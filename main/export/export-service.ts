import { randomUUID } from 'node:crypto';

import { AppError } from '../../shared/errors.ts';
import type {
  ExportOutput,
  ExportTargetId,
  VerificationResult,
} from '../../shared/export/export-targets.ts';
import type { PreviewUser } from '../../shared/preview/preview-schemas.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { readAppliedSetup, SetupNotAppliedError } from '../okta/applied-setup.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { listenForCallback } from '../sign-in/loopback-callback.ts';
import {
  chooseRedirectStrategy,
  type InterceptWindowStrategy,
  parsePastedCallback,
  probeRedirectPorts,
} from '../sign-in/redirect-strategy.ts';
import { ExportNotReadyError, gatherExportFacts } from './export-facts.ts';
import { diffMask, maskedFiles, renderExports, secretMask } from './render-exports.ts';
import { allExporters, exporterFor } from './targets/index.ts';
import { recordVerification } from './verification-record.ts';
import {
  environmentThenKeychain,
  type PreparedVerification,
  prepareVerification,
  readingView,
  VerificationStopped,
} from './verify-export.ts';
import { writeExportFile, type WriteOutcome } from './write-export-file.ts';

/** How many renderings main keeps for save, reveal and verify (the wizard needs the latest). */
const KEPT_RENDERINGS = 20;

/** One rendering, with the secret (main only). */
interface Rendering {
  orgUrl: string;
  document: SetupDocument;
  outputs: ExportOutput[];
  /** The app's secret as the console knows it (inline, or kept in the keychain), for masks. */
  knownSecrets: (string | undefined)[];
}

/** One verification in progress. */
interface RunningVerification {
  prepared: PreparedVerification;
  callback: Promise<URL>;
  paste(url: string): void;
  /** Cancels the wait and frees the listener, the window and the entry; safe to repeat. */
  end(): Promise<void>;
}

/**
 * The export step: files for the target apps, saved safely, and verified by signing in with
 * exactly what they say.
 *
 * @remarks
 * Renderings stay in main with the secret; the renderer gets them masked, and the secret only
 * through `revealFile` when the admin copies or downloads an inline-secret file. Saving and
 * verifying name a rendering, so what is saved and verified is exactly what was shown.
 * Verification receives the sign-in like the preview: on the files' own loopback redirect URI
 * when its port is free, else through the Electron sign-in window, else a pasted address — never
 * through a temporary redirect URI, which would not be the files' value.
 */
export function createExportService(deps: {
  /** The org the service acts on: the connected profile's in the console, the flags' on the CLI. */
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'get'>;
  dataDir: string;
  /** Electron's save dialog; absent in browser mode, where the page downloads the file. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  interceptWindow?: InterceptWindowStrategy;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}) {
  const { activeOrg } = deps;
  const renderings = new Map<string, Rendering>();
  const verifications = new Map<string, RunningVerification>();
  /** Paths the save dialog chose whose replacement waits for the admin’s answer, by id. */
  const pendingReplaces = new Map<string, string>();
  const env = deps.env ?? process.env;

  function rendering(renderId: string): Rendering {
    const found = renderings.get(renderId);
    if (found === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'Those files are no longer held by the console (it keeps the latest few).',
        hint: 'Write the files again.',
      });
    }
    return found;
  }

  function fileOf(renderId: string, target: ExportTargetId, name: string) {
    const found = rendering(renderId);
    const output = found.outputs.find((candidate) => candidate.target === target);
    const file = output?.files.find((candidate) => candidate.name === name);
    if (output === undefined || file === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: `There is no ${name} for ${target} among those files.`,
        hint: 'Write the files again.',
      });
    }
    return { rendering: found, output, file };
  }

  function verification(verificationId: string): RunningVerification {
    const found = verifications.get(verificationId);
    if (found === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'That verification has ended.',
        hint: 'Start the verification again.',
      });
    }
    return found;
  }

  return {
    targets() {
      return {
        targets: allExporters().map(({ id, title, description, mergeable, verifiable }) => ({
          id,
          title,
          description,
          mergeable,
          verifiable,
        })),
      };
    },

    async render(request: {
      document: SetupDocument;
      targets: ExportTargetId[];
      inlineSecret: boolean;
      mergeInto?: { target: ExportTargetId; content: string };
    }) {
      const org = await activeOrg();
      try {
        const { applied } = await readAppliedSetup(org.client, org.orgUrl, request.document);
        const facts = await gatherExportFacts(org.client, applied, deps.fetch);
        let secret: string | undefined;
        if (request.inlineSecret && request.document.app.tokenEndpointAuthMethod !== 'none') {
          secret =
            (await deps.secrets.get(clientSecretAccount(org.orgUrl, applied.clientId))) ??
            undefined;
          if (secret === undefined) {
            throw new AppError({
              code: 'SECRET_NOT_FOUND',
              message: `The console has no client secret for ${applied.clientId} in the keychain, so it cannot put it in the files: it keeps only the secrets of apps it created on this computer.`,
              hint: 'Export with the secret referenced (the default), and set it in the target’s environment.',
            });
          }
        }
        const { outputs, refused } = renderExports({
          targets: request.targets,
          document: request.document,
          applied,
          facts,
          secret: secret === undefined ? { kind: 'reference' } : { kind: 'inline', value: secret },
          ...(request.mergeInto === undefined ? {} : { mergeInto: request.mergeInto }),
        });
        const renderId = randomUUID();
        // The app's secret is masked wherever the page would see it, inline or not; a diff
        // against a file on disk also masks what the target's reader finds inline there.
        const knownSecrets = [
          secret,
          (await deps.secrets.get(clientSecretAccount(org.orgUrl, applied.clientId))) ?? undefined,
        ];
        const mask = secretMask(knownSecrets);
        renderings.set(renderId, {
          orgUrl: org.orgUrl,
          document: request.document,
          outputs,
          knownSecrets,
        });
        for (const key of [...renderings.keys()].slice(0, -KEPT_RENDERINGS)) {
          renderings.delete(key);
        }
        return {
          renderId,
          outputs: outputs.map((output) => ({
            ...output,
            files: maskedFiles(output.files, mask),
          })),
          refused,
        };
      } catch (error) {
        if (error instanceof SetupNotAppliedError) {
          throw new AppError({
            code: 'EXPORT_REFUSED',
            message: `${error.message}, so there are no values to export.`,
            hint: 'Apply the setup first (Review and apply), then export.',
          });
        }
        if (error instanceof ExportNotReadyError) {
          throw new AppError({ code: 'EXPORT_REFUSED', message: error.message, hint: error.hint });
        }
        if (error instanceof AppError) {
          throw error;
        }
        throw toOktaAppError(error, {
          orgUrl: org.orgUrl,
          token: org.token,
          action: 'reading the setup to export',
        });
      }
    },

    /** The file with its inline secret, for the admin who asked (copy, download). */
    revealFile(request: { renderId: string; target: ExportTargetId; name: string }) {
      return { content: fileOf(request.renderId, request.target, request.name).file.content };
    },

    /**
     * Saves one file where the admin chooses in the save dialog (Electron), or answers
     * `download` (browser mode). A path never comes from the page: the dialog's choice stays in
     * main, and a replace after the diff names it by the opaque `replaceId`.
     */
    async save(request: {
      renderId: string;
      target: ExportTargetId;
      name: string;
      replace?: { id: string; hash: string };
    }) {
      const { file, rendering: found } = fileOf(request.renderId, request.target, request.name);
      let target: string;
      if (request.replace !== undefined) {
        const pending = pendingReplaces.get(request.replace.id);
        pendingReplaces.delete(request.replace.id);
        if (pending === undefined) {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: 'That save is no longer waiting for an answer.',
            hint: 'Save the file again.',
          });
        }
        target = pending;
      } else {
        if (deps.chooseSavePath === undefined) {
          return { kind: 'download' as const };
        }
        const chosen = await deps.chooseSavePath(file.name);
        if (chosen === null) {
          return { kind: 'cancelled' as const };
        }
        target = chosen;
      }
      let outcome: WriteOutcome;
      try {
        outcome = await writeExportFile({
          target,
          content: file.content,
          sensitive: file.sensitive,
          ...(request.replace === undefined ? {} : { replaceHash: request.replace.hash }),
          mask: diffMask(exporterFor(request.target), file, found.knownSecrets),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `Could not write ${target} (${code}).`,
          hint: 'Choose a folder you can write to.',
        });
      }
      if (outcome.kind === 'saved') {
        return outcome;
      }
      const replaceId = randomUUID();
      pendingReplaces.set(replaceId, outcome.path);
      return {
        kind: 'confirm-overwrite' as const,
        path: outcome.path,
        diff: outcome.diff,
        replaceHash: outcome.replaceHash,
        replaceId,
      };
    },

    async verifyStart(request: { renderId: string; target: ExportTargetId; user: PreviewUser }) {
      const { outputs, orgUrl } = rendering(request.renderId);
      const output = outputs.find((candidate) => candidate.target === request.target);
      const exporter = exporterFor(request.target);
      if (output === undefined || exporter === undefined) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `Those files hold nothing for ${request.target}.`,
          hint: 'Write the files for it first.',
        });
      }
      // Who signs in first: a wrong choice is cheaper to say than a discovery round trip.
      let login: string | null = null;
      if (request.user.kind === 'existing') {
        login = request.user.login;
      } else if (request.user.kind === 'test-user') {
        login = rendering(request.renderId).document.assignments.testUser?.email ?? null;
        if (login === null) {
          throw new AppError({
            code: 'INVALID_REQUEST',
            message: 'This setup has no test user to sign in with.',
            hint: 'Choose someone who already exists; they type their own password.',
          });
        }
      } else {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: 'A verification signs in as the setup’s test user or someone who exists.',
          hint: 'A throwaway user is for the login preview; choose the test user or a login.',
        });
      }

      let prepared: PreparedVerification;
      try {
        prepared = await prepareVerification({
          exporter,
          files: output.files,
          secrets: environmentThenKeychain(
            env,
            async (clientId) =>
              (await deps.secrets.get(clientSecretAccount(orgUrl, clientId))) ?? undefined,
          ),
          ...(deps.now === undefined ? {} : { now: deps.now }),
        });
      } catch (error) {
        if (error instanceof VerificationStopped) {
          throw new AppError({
            code: 'EXPORT_NOT_VERIFIED',
            message: `The ${exporter.title} files cannot be signed in with: ${error.message}`,
            hint: 'Fix what the check names, write the files again, and verify.',
          });
        }
        throw error;
      }

      const choice = chooseRedirectStrategy({
        appRedirectUris: [prepared.reading.redirectUri],
        freePorts: await probeRedirectPorts([prepared.reading.redirectUri]),
        // Never a temporary redirect URI: it would not be the files' value.
        canEditApp: false,
        interceptAvailable: deps.interceptWindow !== undefined,
      });
      const strategy = {
        kind: choice.kind,
        explanation:
          choice.kind === 'app-loopback'
            ? "The console listens on the files' own redirect URI while you sign in, so the sign-in uses exactly what the files say."
            : choice.explanation,
      };
      const passwordInKeychain =
        (await deps.secrets.get(testUserPasswordAccount(orgUrl, login))) !== null;
      let deliverPasted: ((url: URL) => void) | undefined;
      const pasted = new Promise<URL>((resolve) => {
        deliverPasted = resolve;
      });
      const stop = new AbortController();
      const stopped = new Promise<never>((_, reject) => {
        stop.signal.addEventListener('abort', () => {
          reject(new Error('The verification was cancelled.'));
        });
      });
      stopped.catch(() => undefined);
      const listener =
        choice.kind === 'app-loopback'
          ? await listenForCallback({ redirectUri: prepared.reading.redirectUri })
          : undefined;
      const intercepted =
        choice.kind === 'intercept-window'
          ? deps.interceptWindow?.interceptCallback(
              prepared.authorizeUrl,
              prepared.reading.redirectUri,
              stop.signal,
            )
          : undefined;
      intercepted?.catch(() => undefined);
      const callback = Promise.race([
        ...(listener === undefined ? [] : [listener.callback]),
        ...(intercepted === undefined ? [] : [intercepted]),
        pasted,
        stopped,
      ]);
      callback.catch(() => undefined);
      const verificationId = randomUUID();
      verifications.set(verificationId, {
        prepared,
        callback,
        paste: (url) => deliverPasted?.(parsePastedCallback(url, prepared.reading.redirectUri)),
        // Ends everything the verification holds: the listener on the files' port (the real app
        // may need it), the sign-in window, and the entry.
        end: async () => {
          stop.abort();
          verifications.delete(verificationId);
          await listener?.close();
        },
      });
      return {
        verificationId,
        authorizeUrl: prepared.authorizeUrl,
        strategy: {
          kind: strategy.kind,
          redirectUri: prepared.reading.redirectUri,
          explanation: strategy.explanation,
        },
        reading: readingView(prepared.reading),
        user: { login, passwordInKeychain },
      };
    },

    async verifyWait(verificationId: string): Promise<VerificationResult> {
      const running = verification(verificationId);
      try {
        const callback = await running.callback;
        const result = await running.prepared.complete(callback);
        await recordVerification(deps.dataDir, result);
        return result;
      } catch (error) {
        throw new AppError({
          code: 'EXPORT_NOT_VERIFIED',
          message: `The verification stopped: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'Start the verification again.',
        });
      } finally {
        await running.end();
      }
    },

    verifyPaste(verificationId: string, url: string): void {
      try {
        verification(verificationId).paste(url);
      } catch (error) {
        if (error instanceof AppError) {
          throw error;
        }
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: error instanceof Error ? error.message : String(error),
          hint: 'Paste the whole address the browser shows after signing in.',
        });
      }
    },

    async verifyCancel(verificationId: string): Promise<void> {
      await verifications.get(verificationId)?.end();
    },

    /** Ends every verification still open (the console is closing). */
    async stop(): Promise<void> {
      await Promise.all([...verifications.values()].map((running) => running.end()));
    },
  };
}

/** The export service; see {@link createExportService}. */
export type ExportService = ReturnType<typeof createExportService>;
