import type {
  ExportedFile,
  ExportOutput,
  ExportTargetId,
} from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { redactText } from '../platform/logging/redact.ts';
import type { AppliedSetup, Exporter, ExportFacts, SecretHandling } from './exporter.ts';
import { MergeRefusedError } from './merge-yaml.ts';
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
  /** The version of one target the admin runs (see `ExportInput.targetVersion`). */
  targetVersion?: { target: ExportTargetId; version: string };
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
          ...(options.targetVersion?.target === target
            ? { targetVersion: options.targetVersion.version }
            : {}),
        }),
      );
    } catch (error) {
      refused.push({
        target,
        message: error instanceof Error ? error.message : String(error),
        hint:
          error instanceof MergeRefusedError
            ? `Fix the file to merge into as the message says, or export ${exporter.title} without merging and merge by hand.`
            : `Change the setup so ${exporter.title} can use it (see the message), apply it, and export again.`,
      });
    }
  }
  return { outputs, refused };
}

/**
 * A mask that hides each of `secrets` wherever it appears, for file content the page shows.
 *
 * @remarks
 * Exact values only. The log redaction (`redactText`) also rewrites anything shaped like
 * `client_secret = …`, which in a config file is often a reference such as
 * `$__env{GF_AUTH_OKTA_CLIENT_SECRET}` that the admin must see, copy and download as it is.
 */
export function secretMask(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = secrets.filter((secret): secret is string => secret !== undefined && secret !== '');
  return (text) => known.reduce((masked, secret) => masked.replaceAll(secret, '••••••••'), text);
}

/**
 * The mask for a diff against a file on disk: the known secrets, any secret the target's reader
 * finds inline in that file (one written by an earlier inline export, or by hand, or a rotated
 * one the keychain never saw), every value under a secret name (a secret the reader could not
 * find, in another provider's section or a file it cannot read alone) and every credential the
 * redactor recognises by its shape (API tokens, JWTs). References to a secret kept elsewhere
 * (`${VAR}`, `$__env{VAR}`) stay, for the admin to read.
 */
export function diffMask(
  exporter: Exporter | undefined,
  file: ExportedFile,
  known: readonly (string | undefined)[],
): (text: string) => string {
  return (text) => {
    let inline: string | undefined;
    try {
      const source = exporter?.read?.([{ ...file, content: text }]).clientSecret;
      inline = source?.kind === 'inline' ? source.value : undefined;
    } catch {
      // Not readable alone (e.g. one of several files): the known secrets still apply.
    }
    const exact = [...known, inline].filter(
      (secret): secret is string => secret !== undefined && secret !== '',
    );
    return redactText(secretMask(exact)(text), exact, { keepReferences: true });
  };
}

/** `files` with the secret masked, for display. */
export function maskedFiles(
  files: readonly ExportedFile[],
  mask: (text: string) => string,
): ExportedFile[] {
  return files.map((file) => ({ ...file, content: mask(file.content) }));
}
