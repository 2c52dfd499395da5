import { useMemo, useState } from 'react';

import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { useSetupDocument } from '../stores/store-context.tsx';
import { documentProblems, focusFirstField, problemsUnder } from './validation.ts';

/**
 * A step's check before Next: the document's problems under the step's paths, plus any the
 * step adds (e.g. redirect URI findings).
 *
 * @remarks
 * Problems are shown only once the admin has tried to move on (or has typed into a field that
 * already showed one), so a half-filled form is not covered in red while it is being filled.
 */
export function useStepCheck(
  prefixes: readonly string[],
  extra?: (document: SetupDocument) => [string, string][],
) {
  const document = useSetupDocument((state) => state.document);
  const [isShowing, setIsShowing] = useState(false);
  // Checking the whole document is the step's costliest render work (a setup may name 10,000
  // users), so it runs when the document changes, not on every render of the step.
  const problems = useMemo(() => documentProblems(document), [document]);
  const all = [...problemsUnder(problems, prefixes), ...(extra?.(document) ?? [])];
  const shown = new Map(isShowing ? all : []);
  return {
    document,
    /** The problem to show for a path, if any. */
    problem: (path: string): string | undefined =>
      shown.get(path) ?? [...shown].find(([candidate]) => candidate.startsWith(`${path}.`))?.[1],
    check: (): boolean => {
      setIsShowing(true);
      if (all.length === 0) {
        return true;
      }
      // After React has rendered the messages, so the field's description is in place.
      queueMicrotask(() => {
        focusFirstField(all.map(([path]) => path));
      });
      return false;
    },
  };
}
