import type {
  ExportedFile,
  ExportOutput,
  ExportTargetId,
} from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { AppliedSetup, ExportFacts, SecretHandling } from './exporter.ts';
import { exporterFor } from './targets/index.ts';

/** A target that could not be exported, with why and what to do. */
export interface RefusedExport {
  target: ExportTargetId;
  message: string;
  hint: string;
}

/**
 * Runs each chosen exporter; one target's refusal (say, no redirect URI matching its callback
 * rule) never stops the others, and is reported with the exporter's own sentence.
 */
export function renderExports(options: {
  targets: readonly ExportTargetId[];
  document: SetupDocument;
  applied: AppliedSetup;
  facts: ExportFacts;
  secret: SecretHandling;
  mergeInto?: { target: ExportTargetId; content: string };
}): { outputs: ExportOutput[]; refused: RefusedExport[] } {
  const outputs: ExportOutput[] = [];
  const refused: RefusedExport[] = [];
  for (const target of options.targets) {
    const exporter = exporterFor(target);
    if (exporter === undefined) {
      refused.push({
        target,
        message: `There is no exporter for ${target} in this build.`,
        hint: 'Pick another target.',
      });
      continue;
    }
    const mergeInto =
      options.mergeInto?.target === target && exporter.mergeable
        ? options.mergeInto.content
        : undefined;
    try {
      outputs.push(
        exporter.export({
          document: options.document,
          applied: options.applied,
          facts: options.facts,
          secret: options.secret,
          ...(mergeInto === undefined ? {} : { mergeInto }),
        }),
      );
    } catch (error) {
      refused.push({
        target,
        message: error instanceof Error ? error.message : String(error),
        hint: `Change the setup so ${exporter.title} can use it (see the message), apply it, and export again.`,
      });
    }
  }
  return { outputs, refused };
}

/** A mask that hides `secret` wherever it appears, for anything the renderer or a log sees. */
export function secretMask(secret: string | undefined): (text: string) => string {
  return secret === undefined || secret === ''
    ? (text) => text
    : (text) => text.replaceAll(secret, '••••••••');
}

/** `files` with the secret masked, for display. */
export function maskedFiles(
  files: readonly ExportedFile[],
  mask: (text: string) => string,
): ExportedFile[] {
  return files.map((file) => ({ ...file, content: mask(file.content) }));
}
