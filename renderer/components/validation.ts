import { PRESETS } from '../../shared/setup/presets.ts';
import { type SetupDocument, setupDocumentSchema } from '../../shared/setup/setup-document.ts';
import {
  documentAddressProblems,
  lintRedirectUris,
  type UriFinding,
} from '../../shared/setup/uri-lint.ts';

/**
 * The document's problems by path (`app.label`, `issuer.scopes.0`, …), first message each.
 *
 * @remarks
 * Addresses come first (a base URL or origin without its scheme), so their message — which
 * names the fix — wins over the schema's generic one for the same path. They are the same
 * checks the plan in main refuses to apply, so the wizard never lets through what main refuses.
 */
export function documentProblems(document: SetupDocument): Map<string, string> {
  const problems = new Map<string, string>(documentAddressProblems(document));
  const result = setupDocumentSchema.safeParse(document);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      if (!problems.has(path)) {
        problems.set(path, issue.message);
      }
    }
  }
  return problems;
}

/** The problems under one part of the document, e.g. `app` or `assignments`. */
export function problemsUnder(
  problems: Map<string, string>,
  prefixes: readonly string[],
): [string, string][] {
  return [...problems].filter(([path]) =>
    prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}.`)),
  );
}

/** The first problem at or under a path, for a field that edits a whole list. */
export function problemAt(problems: Map<string, string>, path: string): string | undefined {
  return problemsUnder(problems, [path])[0]?.[1];
}

/** The redirect URI findings for the document's app, against its target's callback. */
export function uriFindings(document: SetupDocument): {
  signIn: UriFinding[];
  signOut: UriFinding[];
  callback: string;
} {
  const { callback } = PRESETS[document.target.preset].uris(
    document.target.baseUrl,
    document.target.clientKey,
  );
  const applicationType = document.app.applicationType;
  return {
    callback,
    signIn: lintRedirectUris(document.app.redirectUris, {
      kind: 'sign-in',
      expected: callback,
      applicationType,
    }),
    signOut: lintRedirectUris(document.app.postLogoutRedirectUris, {
      kind: 'sign-out',
      applicationType,
    }),
  };
}

/**
 * Moves the keyboard to the first field that edits one of `paths`.
 *
 * @remarks
 * Fields carry `data-field` with the document path they edit (see `components/fields.tsx`);
 * a problem under a list (`app.redirectUris.0`) finds the list's field.
 */
export function focusFirstField(paths: readonly string[]): void {
  for (const path of paths) {
    const parts = path.split('.');
    for (let length = parts.length; length > 0; length -= 1) {
      const candidate = parts.slice(0, length).join('.');
      const field = document.querySelector<HTMLElement>(`[data-field="${CSS.escape(candidate)}"]`);
      if (field !== null) {
        field.focus();
        return;
      }
    }
  }
}
