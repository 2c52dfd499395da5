import { useId } from 'react';

import { useWizard } from '../stores/store-context.tsx';

/**
 * Back and Next for a step.
 *
 * @remarks
 * `onNext` checks the step and returns whether to move on; when it refuses, it has already
 * shown the problems in place and moved the keyboard to the first one. A disabled Next says why
 * next to it rather than leaving the admin to guess.
 */
export function StepFooter(props: {
  onNext: () => boolean;
  nextLabel: string;
  isFirst?: boolean;
  nextDisabledReason?: string | undefined;
}) {
  const back = useWizard((state) => state.back);
  const next = useWizard((state) => state.next);
  const reasonId = useId();
  return (
    <div className="step-footer">
      {props.isFirst !== true && (
        <button type="button" className="button" onClick={back}>
          Back
        </button>
      )}
      <button
        type="button"
        className="button button--primary"
        disabled={props.nextDisabledReason !== undefined}
        aria-describedby={props.nextDisabledReason === undefined ? undefined : reasonId}
        onClick={() => {
          if (props.onNext()) {
            next();
          }
        }}
      >
        {props.nextLabel}
      </button>
      {props.nextDisabledReason !== undefined && (
        <p className="field__help" id={reasonId}>
          {props.nextDisabledReason}
        </p>
      )}
    </div>
  );
}
