import type { ManagedAppView } from '../../../shared/ipc/contract.ts';
import { PRESETS } from '../../../shared/setup/presets.ts';
import type { PresetId } from '../../../shared/setup/setup-document.ts';

/** The target in words: its preset's name, or why it is not known. */
export function targetText(app: ManagedAppView): string {
  if (app.target === null) {
    return 'Unknown (no kept setup document)';
  }
  return Object.hasOwn(PRESETS, app.target) ? PRESETS[app.target as PresetId].name : app.target;
}

/** A secret's age in words: "12 days", "today", or why there is none. */
export function secretAgeText(app: ManagedAppView): string {
  if (app.secretAgeDays === null) {
    return 'No client secret (a public client, or none active)';
  }
  if (app.secretAgeDays === 0) {
    return 'Made today';
  }
  return `${String(app.secretAgeDays)} day${app.secretAgeDays === 1 ? '' : 's'}`;
}

/** The drift flag in words, with what it means. */
export function driftText(app: ManagedAppView): string {
  if (app.drift === null) {
    return 'Unknown: no kept setup document to compare with';
  }
  return app.drift
    ? 'Yes: the org differs from the setup document (open it to see the plan)'
    : 'No: the org matches the setup document';
}

/** A time as the admin's locale shows it, with the ISO form kept for a tooltip. */
export function localTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time)
    ? iso
    : new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The file name of a path, whichever separator it uses. */
export function fileNameOf(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
