import { useEffect, useRef } from 'react';

import { StepFooter } from '../components/step-footer.tsx';
import { ConnectPage } from '../features/connect/connect-page.tsx';
import { ExportStep } from '../features/export/export-step.tsx';
import { PreviewStep } from '../features/preview/preview-step.tsx';
import { AppStep } from '../features/setup/app-step.tsx';
import { IssuerStep } from '../features/setup/issuer-step.tsx';
import { PeopleStep } from '../features/setup/people-step.tsx';
import { ReviewStep } from '../features/setup/review-step.tsx';
import { TargetStep } from '../features/setup/target-step.tsx';
import { useProfiles, useWizard } from '../stores/store-context.tsx';
import { WIZARD_STEPS, type WizardStepId } from '../stores/wizard-store.ts';
import { SetupFileActions } from './setup-file-actions.tsx';

const STEP_VIEWS: Record<Exclude<WizardStepId, 'connect'>, () => React.JSX.Element> = {
  target: TargetStep,
  app: AppStep,
  people: PeopleStep,
  issuer: IssuerStep,
  review: ReviewStep,
  preview: PreviewStep,
  export: ExportStep,
};

/**
 * The setup wizard: a list of steps, the current step, and the setup file actions.
 *
 * @remarks
 * The step list is a navigation landmark of buttons (`aria-current="step"` on the current one);
 * steps already reached can be revisited, later ones open through each step's Next, which checks
 * the step first. When the step changes, the keyboard moves to its heading so a screen reader
 * announces where the admin is.
 */
export function SetupWizard() {
  const step = useWizard((state) => state.step);
  const reached = useWizard((state) => state.reached);
  const goTo = useWizard((state) => state.goTo);
  const hasOrg = useProfiles((state) => state.activeProfileId !== null);
  const stepRef = useRef<HTMLDivElement>(null);
  const isFirstRender = useRef(true);

  useEffect(() => {
    if (isFirstRender.current) {
      isFirstRender.current = false;
      return;
    }
    stepRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [step]);

  const StepView = step === 'connect' ? null : STEP_VIEWS[step];
  return (
    <div className="wizard">
      <nav className="wizard__steps" aria-label="Setup steps">
        <ol>
          {WIZARD_STEPS.map((candidate, index) => {
            const isCurrent = candidate.id === step;
            const isReachable =
              reached.includes(candidate.id) && (candidate.id === 'connect' || hasOrg);
            return (
              <li key={candidate.id}>
                <button
                  type="button"
                  className="wizard__step"
                  aria-current={isCurrent ? 'step' : undefined}
                  disabled={!isReachable && !isCurrent}
                  onClick={() => {
                    goTo(candidate.id);
                  }}
                >
                  <span className="wizard__step-number" aria-hidden="true">
                    {index + 1}
                  </span>
                  {candidate.title}
                </button>
              </li>
            );
          })}
        </ol>
        {step !== 'connect' && <SetupFileActions />}
      </nav>
      <div className="wizard__body" ref={stepRef}>
        {StepView === null ? (
          <>
            <ConnectPage />
            <StepFooter
              isFirst
              nextLabel="Next: target app"
              onNext={() => true}
              nextDisabledReason={
                hasOrg ? undefined : 'Connect an org or use the sandbox org first.'
              }
            />
          </>
        ) : (
          <StepView />
        )}
      </div>
    </div>
  );
}
