import { type ReactNode, useId } from 'react';

import { useWizard } from '../stores/store-context.tsx';

/**
 * The bar at the foot of every step: Back, the step's other actions, and its one primary
 * action, kept in view while the step scrolls.
 *
 * @remarks
 * One filled button per screen: whatever the step does next (Next, Apply, Start the preview,
 * Write the files) is the primary action here, and nothing else on the step is filled. The bar
 * sticks to the bottom of the window, so the primary action is never below the fold. A disabled
 * primary action says why next to it rather than leaving the admin to guess.
 */
export function FooterBar(props: {
  /** Shows Back (to the previous step); off on the first step. */
  hasBack?: boolean;
  isBackDisabled?: boolean;
  /** Secondary actions, before the primary one. */
  children?: ReactNode;
  primary: {
    label: string;
    onClick: () => void;
    disabledReason?: string | undefined;
    /** Disabled without a reason to show, e.g. while the action runs (its label says so). */
    isBusy?: boolean;
  } | null;
}) {
  const back = useWizard((state) => state.back);
  const reasonId = useId();
  const { primary } = props;
  const reason = primary?.disabledReason;
  return (
    <div className="step-footer step-footer--sticky">
      {props.hasBack !== false && (
        <button
          type="button"
          className="button"
          onClick={back}
          disabled={props.isBackDisabled === true}
        >
          Back
        </button>
      )}
      {props.children}
      {primary !== null && (
        <button
          type="button"
          className="button button--primary"
          data-primary-action
          // Busy stays focusable (aria-disabled), so the keyboard is not dropped to the page
          // while the action runs.
          disabled={reason !== undefined}
          aria-disabled={primary.isBusy === true ? true : undefined}
          aria-describedby={reason === undefined ? undefined : reasonId}
          onClick={() => {
            if (primary.isBusy !== true) {
              primary.onClick();
            }
          }}
        >
          {primary.label}
        </button>
      )}
      {reason !== undefined && (
        <p className="field__help" id={reasonId}>
          {reason}
        </p>
      )}
    </div>
  );
}

/**
 * Back and Next for a form step.
 *
 * @remarks
 * `onNext` checks the step and returns whether to move on; when it refuses, it has already
 * shown the problems in place and moved the keyboard to the first one.
 */
export function StepFooter(props: {
  onNext: () => boolean;
  nextLabel: string;
  isFirst?: boolean;
  nextDisabledReason?: string | undefined;
  /** Secondary actions, before Next. */
  children?: ReactNode;
}) {
  const next = useWizard((state) => state.next);
  return (
    <FooterBar
      hasBack={props.isFirst !== true}
      primary={{
        label: props.nextLabel,
        disabledReason: props.nextDisabledReason,
        onClick: () => {
          if (props.onNext()) {
            next();
          }
        },
      }}
    >
      {props.children}
    </FooterBar>
  );
}
