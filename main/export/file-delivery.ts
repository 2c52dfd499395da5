import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
import { diffMask } from './render-exports.ts';
import type { Renderings } from './renderings.ts';
import { exporterFor } from './targets/index.ts';
import { type ExportFileSystem, writeExportFile, type WriteOutcome } from './write-export-file.ts';

/**
 * Delivering a rendering's files: revealed with the secret to the admin who asked, downloaded by
 * the page, or saved — atomically, and over an existing different file only after its diff
 * (secrets masked) was shown.
 *
 * @remarks
 * The console window never names a path: the save dialog's choice stays in main, and a replace
 * after the diff names it by an opaque id. The command line names its path (`--out`), so it saves
 * at that path and replaces with the hash of the file whose diff it printed.
 */

/** One file of one rendering. */
export interface RenderedFileRequest {
  renderId: string;
  target: ExportTargetId;
  name: string;
}

/** What saving a file answers the page: saved, the diff to confirm, cancelled, or download. */
export type SaveAnswer = ChannelResponse<'export:save'>;

/**
 * A save that failed, said with its cause and what to do. The save is atomic (a temporary file
 * renamed over the target), so whatever was at `destination` is still there, whole.
 */
function writeFailure(destination: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  const unchanged =
    'Nothing was written there: a save replaces a file whole or not at all, and leaves no partial copy.';
  const hints: Record<string, string> = {
    ENOSPC: 'The disk is full: free some space, then save again.',
    EDQUOT: 'Your disk quota is used up: free some space, then save again.',
    EACCES: 'Choose a folder you can write to, or fix its permissions, then save again.',
    EPERM: 'Choose a folder you can write to, or fix its permissions, then save again.',
    EROFS: 'That file system is read-only: choose another folder.',
  };
  return new AppError(
    {
      code: 'FILE_NOT_WRITTEN',
      message: `Could not write ${destination} (${code}). ${unchanged}`,
      hint: hints[code] ?? 'Choose a folder you can write to, then save again.',
    },
    { cause: error },
  );
}

/** Whether `out` names a folder: it ends like one, or is one on disk. */
async function namesFolder(out: string): Promise<boolean> {
  return (
    out.endsWith('/') ||
    out.endsWith(path.sep) ||
    (await stat(out).then(
      (found) => found.isDirectory(),
      () => false,
    ))
  );
}

/** Delivers the files of `renderings`; see the module's remarks. */
export function createFileDelivery(deps: {
  renderings: Pick<Renderings, 'fileOf' | 'outputOf'>;
  /** Electron's save dialog; absent in browser mode, where the page downloads the file. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** The file operations of a save (Node's, unless a test makes one fail). */
  files?: ExportFileSystem;
}) {
  /** Paths the save dialog chose whose replacement waits for the admin’s answer, by id. */
  const pendingReplaces = new Map<string, string>();

  /** Writes one rendered file at `destination`, its diff masked with every secret known. */
  async function writeAt(
    request: RenderedFileRequest,
    destination: string,
    replaceHash: string | undefined,
  ): Promise<WriteOutcome> {
    const { file, rendering } = deps.renderings.fileOf(
      request.renderId,
      request.target,
      request.name,
    );
    try {
      return await writeExportFile({
        target: destination,
        content: file.content,
        // Mode 0600 for the client secret, and for the admin's own file merged into.
        sensitive: file.sensitive || rendering.mergedTarget === request.target,
        ...(replaceHash === undefined ? {} : { replaceHash }),
        mask: diffMask(exporterFor(request.target), file, rendering.knownSecrets),
        ...(deps.files === undefined ? {} : { files: deps.files }),
      });
    } catch (error) {
      throw writeFailure(destination, error);
    }
  }

  return {
    /** The file with its inline secret, for the admin who asked (copy, download). */
    revealFile: (request: RenderedFileRequest) => {
      return {
        content: deps.renderings.fileOf(request.renderId, request.target, request.name).file
          .content,
      };
    },

    /**
     * Saves one file where the admin chooses in the save dialog (Electron), or answers
     * `download` (browser mode). A path never comes from the page: the dialog's choice stays in
     * main, and a replace after the diff names it by the opaque `replaceId`.
     */
    save: async (
      request: RenderedFileRequest & { replace?: { id: string; hash: string } },
    ): Promise<SaveAnswer> => {
      // Named before the dialog opens, so a rendering that is gone fails without asking.
      deps.renderings.fileOf(request.renderId, request.target, request.name);
      let destination: string;
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
        destination = pending;
      } else {
        if (deps.chooseSavePath === undefined) {
          return { kind: 'download' };
        }
        const chosen = await deps.chooseSavePath(request.name);
        if (chosen === null) {
          return { kind: 'cancelled' };
        }
        destination = chosen;
      }
      const outcome = await writeAt(request, destination, request.replace?.hash);
      if (outcome.kind === 'saved') {
        return outcome;
      }
      const replaceId = randomUUID();
      pendingReplaces.set(replaceId, outcome.path);
      return { ...outcome, replaceId };
    },

    /**
     * Where each file of the rendering's `target` goes under `out` (the command line's
     * `--out`), with the folder made: into `out` by name when it is a folder or the target
     * writes several files, else `out` itself.
     */
    destinationsUnder: async (request: {
      renderId: string;
      target: ExportTargetId;
      out: string;
    }): Promise<{ name: string; purpose: string; path: string }[]> => {
      const { files } = deps.renderings.outputOf(request.renderId, request.target).output;
      const intoFolder = files.length > 1 || (await namesFolder(request.out));
      await mkdir(intoFolder ? request.out : path.dirname(path.resolve(request.out)), {
        recursive: true,
      });
      return files.map((file) => ({
        name: file.name,
        purpose: file.purpose,
        path: intoFolder ? path.join(request.out, file.name) : request.out,
      }));
    },

    /**
     * Saves one file at a path the caller names (the command line, never the page); a different
     * file there is replaced only when `replaceHash` is the hash its diff was shown against.
     */
    saveAt: (
      request: RenderedFileRequest & { path: string; replaceHash?: string },
    ): Promise<WriteOutcome> => {
      return writeAt(request, request.path, request.replaceHash);
    },
  };
}
