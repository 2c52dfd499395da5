import { existsSync, writeFileSync } from 'node:fs';

import {
  createSetupDocument,
  isGenericExportTarget,
  isPresetId,
  PRESETS,
} from '../../shared/setup/presets.ts';
import {
  parseSetupDocument,
  PRESET_IDS,
  type SetupDocument,
  SetupDocumentError,
} from '../../shared/setup/setup-document.ts';
import { isWebUrl } from '../../shared/setup/uri-lint.ts';
import { CliError } from './cli-error.ts';

/** What `sso-console init` was asked for, as its flags give it. */
export interface InitOptions {
  target: string | undefined;
  baseUrl: string | undefined;
  name: string | undefined;
  clientKey: string | undefined;
  out: string | undefined;
  force: boolean;
}

/** The file `init` writes when `--out` names none. */
export const DEFAULT_INIT_FILE = 'sso-setup.json';

/**
 * The refusal of a `--target` that names no preset: the list of presets, and for a generic
 * export format (`dotenv`, `json`, …) what to pick instead, since those go with any app.
 */
function unknownTarget(target: string | undefined): CliError {
  return new CliError(
    `--target must be one of ${PRESET_IDS.join(', ')}${target === undefined ? '' : `, not "${target}"`}.`,
    target !== undefined && isGenericExportTarget(target)
      ? `${target} is an export format that goes with any app: init the preset of the app it is for (web for a server-side app, spa, native), then export with --target ${target}.`
      : 'Each app export target has its preset, with the callback, sign-out and issuer its own guide names (sso-console export --list-targets); web, spa and native are the generic app types.',
  );
}

/** The document for `options`, checked as `plan` will read it, or a refusal naming the flag. */
function documentFor(options: InitOptions, id: string): SetupDocument {
  const { target } = options;
  if (target === undefined || !isPresetId(target)) {
    throw unknownTarget(target);
  }
  const preset = PRESETS[target];
  if (options.clientKey !== undefined && preset.defaultClientKey === undefined) {
    const keyed = PRESET_IDS.filter((presetId) => PRESETS[presetId].defaultClientKey !== undefined);
    throw new CliError(
      `--client-key does not apply to ${preset.name}: its callback has no client key.`,
      `Leave --client-key out; only these targets name their client in the callback: ${keyed.join(', ')}.`,
    );
  }
  // Every URI the preset derives starts with the base URL; a native app's may be its own scheme.
  if (
    options.baseUrl !== undefined &&
    preset.app.applicationType !== 'native' &&
    !isWebUrl(options.baseUrl.trim())
  ) {
    throw new CliError(
      `--base-url "${options.baseUrl}" is not an http or https address, so ${preset.name}'s callback cannot be built from it.`,
      `Give the address browsers reach ${preset.name} at, with its scheme, e.g. --base-url ${preset.defaultBaseUrl}.`,
    );
  }
  const document = createSetupDocument({
    id,
    preset: target,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.name === undefined ? {} : { label: options.name }),
    ...(options.clientKey === undefined ? {} : { clientKey: options.clientKey }),
  });
  try {
    // What `plan` would refuse is refused here, where the flag that caused it is known.
    return parseSetupDocument(document);
  } catch (error) {
    if (!(error instanceof SetupDocumentError)) {
      throw error;
    }
    throw new CliError(
      `These flags do not make a valid ${preset.name} setup:${error.problems.map((problem) => `\n  - ${problem}`).join('')}`,
      `Give --base-url as the address browsers reach ${preset.name} at, with its scheme (e.g. ${preset.defaultBaseUrl}), and a non-blank --name.`,
    );
  }
}

/**
 * `sso-console init --target ID`: writes a fresh setup document from the preset, and says what
 * it holds and what comes next.
 *
 * @remarks
 * `--target` takes a preset id, which for every app with an export target is that target's id
 * too: the setup it writes is made the way the target signs in, and exports to it without a
 * second choice. Returns what the command prints on standard output.
 */
export function runInitCommand(options: InitOptions, newId: () => string): string {
  const document = documentFor(options, newId());
  const out = options.out ?? DEFAULT_INIT_FILE;
  if (existsSync(out) && !options.force) {
    throw new CliError(
      `${out} already exists.`,
      'Pick another --out FILE, or add --force to replace it.',
    );
  }
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o644 });
  const preset = PRESETS[document.target.preset];
  const lines = [
    `Wrote ${out}: ${preset.name}, "${document.app.label}", callback ${document.app.redirectUris.join(', ')}.`,
    `Next: sso-console plan ${out} --org-url URL`,
  ];
  if (preset.exportTarget !== undefined) {
    lines.push(
      `Once applied: sso-console export --app "${document.app.label}" --target ${preset.exportTarget} --org-url URL`,
    );
  }
  return `${lines.join('\n')}\n`;
}
