/**
 * What every part of the preview's diagnosis shares: what it knows of the setup, and how it names
 * an app, lists values, and passes on an error it has no explanation for.
 */
import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import type { Diagnosis } from '../preview-types.ts';
import type { AppFacts, OrgFacts } from './org-facts.ts';

/** What the diagnosis knows beyond the failure and the org: what the console set up. */
export interface DiagnosisContext {
  /** The setup document the preview runs for. */
  document?: SetupDocument;
  /** The callback the target sends, derived from its settings (the preset's `uris`). */
  expectedCallback?: string;
  /** The issuer the target was configured with (what the console exported). */
  configuredIssuer?: string;
  /** How the relying party authenticated at `/token`. */
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** The app as the admin knows it: its label and id, or its id alone when it was not found. */
export function appName(app: AppFacts | null, facts: OrgFacts): string {
  return app === null ? `the app ${facts.request.appId}` : `"${app.label}" (${app.id})`;
}

/** Values as a sentence lists them, `(none)` for none. */
export function list(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.join(', ');
}

/** Okta's words, passed through, where the console has no specific explanation. */
export function oktaError(oktaText: string | null, cause: string): Diagnosis {
  return {
    code: 'OKTA_ERROR',
    oktaText,
    cause,
    fix: 'Read Okta’s message above; the console has no specific explanation for it. The System Log (Reports → System Log) has the event with its reason.',
  };
}
