import type { ReactNode } from 'react';

import type { VerificationCheck } from '../../shared/export/export-targets.ts';

/**
 * One check's line: its mark, the outcome in words for screen readers (the mark is hidden from
 * them), its name and detail; `children` (a fix, nested checks) go under it.
 */
export function CheckItem(props: {
  ok: boolean;
  name: string;
  detail: string;
  /** `data-check`, for a check the tests and styles pick out by name (drift's findings). */
  dataCheck?: string;
  children?: ReactNode;
}) {
  return (
    <li
      className={props.ok ? 'check check--ok' : 'check check--failed'}
      data-check={props.dataCheck}
    >
      <span className="check__mark" aria-hidden="true">
        {props.ok ? '✓' : '✗'}
      </span>
      <span className="visually-hidden">{props.ok ? 'Passed: ' : 'Failed: '}</span>
      <strong>{props.name}</strong> — {props.detail}
      {props.children}
    </li>
  );
}

/**
 * A sign-in's checks, each with its outcome: the same list for the export's verification, the
 * rotation's sign-in with the new files and drift's sign-in with a deployed file.
 */
export function ChecksList(props: { checks: readonly VerificationCheck[]; label: string }) {
  return (
    <ul className="checks" aria-label={props.label}>
      {props.checks.map((check) => (
        <CheckItem key={check.name} ok={check.ok} name={check.name} detail={check.detail} />
      ))}
    </ul>
  );
}
