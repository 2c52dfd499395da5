import { expect } from 'vitest';

import type { Exporter, SecretHandling, TargetReading } from '../../main/export/exporter.ts';
import type { ExportedFile, ExportOutput } from '../../shared/export/export-targets.ts';
import { FIXTURE_CLIENT_SECRET } from './export-fixtures.ts';

/**
 * Checks every exporter's output must pass, whatever the target: the secret appears only when it
 * was inlined, and exactly the files holding it are marked sensitive and warned about.
 */
export function expectSecretHandledAsAsked(output: ExportOutput, secret: SecretHandling): void {
  for (const file of output.files) {
    const holdsSecret = file.content.includes(FIXTURE_CLIENT_SECRET);
    expect(file.sensitive, `${file.name} sensitive`).toBe(holdsSecret);
    if (secret.kind === 'reference') {
      expect(holdsSecret, `${file.name} holds the secret`).toBe(false);
    }
  }
  if (secret.kind === 'inline') {
    const sensitive = output.files.filter((file) => file.sensitive);
    expect(sensitive.length).toBeGreaterThan(0);
    for (const file of sensitive) {
      expect(output.warnings.join('\n')).toContain(`${file.name} holds the client secret`);
    }
  }
  // The secret never reaches the steps or warnings, which the console prints.
  expect([...output.nextSteps, ...output.warnings].join('\n')).not.toContain(FIXTURE_CLIENT_SECRET);
}

/** The next steps and warnings as one text, for a golden file beside the exported ones. */
export function notesOf(output: ExportOutput): string {
  const lines = [
    'Next steps:',
    ...output.nextSteps.map((step, index) => `${String(index + 1)}. ${step}`),
  ];
  const warnings = output.warnings.length === 0 ? ['(none)'] : output.warnings;
  lines.push('', 'Warnings:', ...warnings.map((warning) => `- ${warning}`), '');
  return lines.join('\n');
}

/** The exported file called `name`; fails the test when there is none. */
export function fileNamed(output: ExportOutput, name: string): ExportedFile {
  const file = output.files.find((candidate) => candidate.name === name);
  if (file === undefined) {
    throw new Error(
      `The export has no ${name}; it has ${output.files.map((f) => f.name).join(', ')}.`,
    );
  }
  return file;
}

/** The exporter's reader; fails the test for an exporter that has none. */
export function readerOf(exporter: Exporter): (files: readonly ExportedFile[]) => TargetReading {
  const read = exporter.read;
  if (read === undefined) {
    throw new Error(`${exporter.id} has no reader.`);
  }
  return (files) => read(files);
}

/** `content` as an exported file called `name`, for feeding hand-written files to a reader. */
export function fileOf(
  name: string,
  language: ExportedFile['language'],
  content: string,
): ExportedFile {
  return { name, language, content, sensitive: false, purpose: '' };
}
