import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { AppError } from '../../shared/errors.ts';
import type { ExportOutput, ExportTargetId } from '../../shared/export/export-targets.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { readAppliedSetup, SetupNotAppliedError } from '../okta/applied-setup.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { clientSecretAccount } from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { setupFromOrg } from './document-from-org.ts';
import { ExportNotReadyError, gatherExportFacts } from './export-facts.ts';
import type { AppliedSetup, Exporter } from './exporter.ts';
import { maskedFiles, renderExports, secretMask } from './render-exports.ts';
import { exporterFor } from './targets/index.ts';

/**
 * Rendering the export files and keeping each rendering, with its secret, in main.
 *
 * @remarks
 * The caller gets the files masked; what is saved, revealed and verified later is named by the
 * rendering's id, so it is exactly what was shown. Two sources feed the same rendering: the
 * wizard's setup document (its applied app read back from the org), and an app already in the
 * org, rebuilt as a document for `sso-console export --app`.
 */

/** How many renderings main keeps for save, reveal and verify (the wizard needs the latest). */
const KEPT_RENDERINGS = 20;

/** One rendering, with the secret (main only). */
export interface Rendering {
  orgUrl: string;
  document: SetupDocument;
  outputs: ExportOutput[];
  /** The app's secret as the console knows it (inline, or kept in the keychain), for masks. */
  knownSecrets: (string | undefined)[];
  /**
   * The target whose files were merged into the admin's own file, which may hold secrets of its
   * own (a database password): written readable by their owner only.
   */
  mergedTarget?: ExportTargetId;
}

/** What a render answers: the files masked, and the targets that refused, with why. */
export type RenderAnswer = ChannelResponse<'export:render'>;

/** The wizard's render: files for the applied app of the setup document. */
export interface DocumentRenderRequest {
  document: SetupDocument;
  targets: ExportTargetId[];
  inlineSecret: boolean;
  mergeInto?: { target: ExportTargetId; content: string };
}

/** The command line's render: files for an app already in the org, for one target. */
export interface AppRenderRequest {
  appId: string;
  target: ExportTargetId;
  /** The issuer to export (a custom server's); else the server whose policies name the app. */
  issuer?: string;
  inlineSecret: boolean;
  /** A secret the caller was handed for the app (the command line's environment); else the keychain's. */
  suppliedSecret?: string;
  /** A file on disk to merge into, for mergeable targets. */
  mergeIntoFile?: string;
  /** The version of the target the admin runs, where the format depends on it. */
  targetVersion?: string;
}

function maskedAnswer(
  renderId: string,
  outputs: readonly ExportOutput[],
  refused: ReturnType<typeof renderExports>['refused'],
  knownSecrets: readonly (string | undefined)[],
): RenderAnswer {
  const mask = secretMask(knownSecrets);
  return {
    renderId,
    outputs: outputs.map((output) => ({ ...output, files: maskedFiles(output.files, mask) })),
    refused,
  };
}

/** The failures a render can meet, said in the console's words. */
function renderFailure(error: unknown, org: ActiveOrg, action: string): AppError {
  if (error instanceof SetupNotAppliedError) {
    return new AppError({
      code: 'EXPORT_REFUSED',
      message: `${error.message}, so there are no values to export.`,
      hint: 'Apply the setup first (Review and apply), then export.',
    });
  }
  if (error instanceof ExportNotReadyError) {
    return new AppError({ code: 'EXPORT_REFUSED', message: error.message, hint: error.hint });
  }
  if (error instanceof AppError) {
    return error;
  }
  return toOktaAppError(error, { orgUrl: org.orgUrl, token: org.token, action });
}

async function readMergeTarget(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError(
      {
        code: 'INVALID_REQUEST',
        message: `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
        hint: 'Check the path of the file to merge into.',
      },
      { cause: error },
    );
  }
}

/** Renders files and keeps the renderings; see the module's remarks. */
export function createRenderings(deps: {
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'get'>;
  fetch?: typeof fetch;
}) {
  const kept = new Map<string, Rendering>();

  async function keptSecret(orgUrl: string, clientId: string): Promise<string | undefined> {
    return (await deps.secrets.get(clientSecretAccount(orgUrl, clientId))) ?? undefined;
  }

  /** The secret to write inline: `supplied` if given, else the keychain's; refused if neither. */
  async function inlineSecretFor(
    applied: AppliedSetup,
    supplied: string | undefined,
  ): Promise<string> {
    const secret =
      supplied !== undefined && supplied !== ''
        ? supplied
        : await keptSecret(applied.orgUrl, applied.clientId);
    if (secret === undefined) {
      throw new AppError({
        code: 'SECRET_NOT_FOUND',
        message: `The console has no client secret for ${applied.clientId} in the keychain, so it cannot put it in the files: it keeps only the secrets of apps it created on this computer.`,
        hint: 'Export with the secret referenced (the default), and set it in the target’s environment.',
      });
    }
    return secret;
  }

  /** Reads the org's facts, renders, keeps the rendering and answers it masked. */
  async function renderAndKeep(
    org: ActiveOrg,
    setup: { document: SetupDocument; applied: AppliedSetup },
    options: {
      targets: readonly ExportTargetId[];
      inlineSecret: boolean;
      suppliedSecret?: string;
      mergeInto?: () => Promise<{ target: ExportTargetId; content: string } | undefined>;
      targetVersion?: { target: ExportTargetId; version: string };
    },
  ): Promise<RenderAnswer> {
    const { document, applied } = setup;
    const facts = await gatherExportFacts(org.client, applied, deps.fetch);
    const secret =
      options.inlineSecret && document.app.tokenEndpointAuthMethod !== 'none'
        ? await inlineSecretFor(applied, options.suppliedSecret)
        : undefined;
    const mergeInto = await options.mergeInto?.();
    const { outputs, refused } = renderExports({
      targets: options.targets,
      document,
      applied,
      facts,
      secret: secret === undefined ? { kind: 'reference' } : { kind: 'inline', value: secret },
      ...(mergeInto === undefined ? {} : { mergeInto }),
      ...(options.targetVersion === undefined ? {} : { targetVersion: options.targetVersion }),
    });
    // The app's secret is masked wherever the page would see it, inline or not; a diff
    // against a file on disk also masks what the target's reader finds inline there.
    const knownSecrets = [
      secret,
      ...(options.suppliedSecret === undefined ? [] : [options.suppliedSecret]),
      await keptSecret(org.orgUrl, applied.clientId),
    ];
    const renderId = randomUUID();
    kept.set(renderId, {
      orgUrl: org.orgUrl,
      document,
      outputs,
      knownSecrets,
      ...(mergeInto === undefined ? {} : { mergedTarget: mergeInto.target }),
    });
    for (const key of [...kept.keys()].slice(0, -KEPT_RENDERINGS)) {
      kept.delete(key);
    }
    return maskedAnswer(renderId, outputs, refused, knownSecrets);
  }

  function rendering(renderId: string): Rendering {
    const found = kept.get(renderId);
    if (found === undefined) {
      throw new AppError({
        code: 'INVALID_REQUEST',
        message: 'Those files are no longer held by the console (it keeps the latest few).',
        hint: 'Write the files again.',
      });
    }
    return found;
  }

  return {
    /** Files for the applied app of the wizard's document. */
    render: async (request: DocumentRenderRequest): Promise<RenderAnswer> => {
      const org = await deps.activeOrg();
      try {
        const { applied } = await readAppliedSetup(org.client, org.orgUrl, request.document);
        return await renderAndKeep(
          org,
          { document: request.document, applied },
          {
            targets: request.targets,
            inlineSecret: request.inlineSecret,
            mergeInto: () => Promise.resolve(request.mergeInto),
          },
        );
      } catch (error) {
        throw renderFailure(error, org, 'reading the setup to export');
      }
    },

    /** Files for an app already in the org (the command line names it, not a document). */
    renderApp: async (request: AppRenderRequest): Promise<RenderAnswer> => {
      const org = await deps.activeOrg();
      try {
        const setup = await setupFromOrg(org.client, org.orgUrl, request.appId, {
          target: request.target,
          ...(request.issuer === undefined ? {} : { issuer: request.issuer }),
        });
        const { mergeIntoFile } = request;
        return await renderAndKeep(org, setup, {
          targets: [request.target],
          inlineSecret: request.inlineSecret,
          ...(request.suppliedSecret === undefined
            ? {}
            : { suppliedSecret: request.suppliedSecret }),
          ...(request.targetVersion === undefined
            ? {}
            : { targetVersion: { target: request.target, version: request.targetVersion } }),
          ...(mergeIntoFile === undefined
            ? {}
            : {
                mergeInto: async () => ({
                  target: request.target,
                  content: await readMergeTarget(mergeIntoFile),
                }),
              }),
        });
      } catch (error) {
        throw renderFailure(error, org, 'exporting');
      }
    },

    rendering,

    /** The rendering's output for `target`, with its exporter. */
    outputOf: (
      renderId: string,
      target: ExportTargetId,
    ): { rendering: Rendering; output: ExportOutput; exporter: Exporter } => {
      const found = rendering(renderId);
      const output = found.outputs.find((candidate) => candidate.target === target);
      const exporter = exporterFor(target);
      if (output === undefined || exporter === undefined) {
        throw new AppError({
          code: 'INVALID_REQUEST',
          message: `Those files hold nothing for ${target}.`,
          hint: 'Write the files for it first.',
        });
      }
      return { rendering: found, output, exporter };
    },

    /** One file of a rendering, with the rendering it belongs to. */
    fileOf: (renderId: string, target: ExportTargetId, name: string) => {
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
    },
  };
}

/** The kept renderings; see {@link createRenderings}. */
export type Renderings = ReturnType<typeof createRenderings>;
