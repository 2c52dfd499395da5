import { type ComponentType, lazy, type RefObject, Suspense, useEffect, useRef } from 'react';

import { StepFooter } from '../components/step-footer.tsx';
import { ConnectPage } from '../features/connect/connect-page.tsx';
import { useProfiles, useWizard } from '../stores/store-context.tsx';
import { WIZARD_STEPS, type WizardStepId } from '../stores/wizard-store.ts';
import { SetupFileActions } from './setup-file-actions.tsx';
import { StepLoadBoundary } from './step-load-boundary.tsx';

/**
 * A step's view, loaded the first time the admin opens the step.
 *
 * @remarks
 * The first page (connect an org) ships alone, so the console is ready quickly on a cold start
 * (issue 16, P4: its JavaScript at most 150 KB gzip); each later step is its own chunk, fetched
 * when the admin first goes there. `React.lazy` needs a default export, which lint bans in our
 * modules, so the named export is handed over as one.
 */
function lazyStep<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(async () => ({ default: pick(await load()) }));
}

const STEP_VIEWS: Record<Exclude<WizardStepId, 'connect'>, ComponentType> = {
  target: lazyStep(
    () => import('../features/setup/target-step.tsx'),
    (module) => module.TargetStep,
  ),
  app: lazyStep(
    () => import('../features/setup/app-step.tsx'),
    (module) => module.AppStep,
  ),
  people: lazyStep(
    () => import('../features/setup/people-step.tsx'),
    (module) => module.PeopleStep,
  ),
  issuer: lazyStep(
    () => import('../features/setup/issuer-step.tsx'),
    (module) => module.IssuerStep,
  ),
  review: lazyStep(
    () => import('../features/setup/review-step.tsx'),
    (module) => module.ReviewStep,
  ),
  preview: lazyStep(
    () => import('../features/preview/preview-step.tsx'),
    (module) => module.PreviewStep,
  ),
  export: lazyStep(
    () => import('../features/export/export-step.tsx'),
    (module) => module.ExportStep,
  ),
};

/**
 * Moves the keyboard to the step's heading once the step is on screen.
 *
 * @remarks
 * Rendered after the step inside its `Suspense`, so it mounts in the same commit as the step's
 * view — after the chunk has loaded, not while "Loading…" shows — and its effect finds the `h1`.
 * Keyed by step, so each step change mounts it afresh.
 */
function FocusStepHeading(props: { container: RefObject<HTMLDivElement | null> }) {
  const { container } = props;
  useEffect(() => {
    container.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [container]);
  return null;
}

/**
 * The setup wizard: a list of steps, the current step, and the setup file actions.
 *
 * @remarks
 * The step list is a navigation landmark of buttons (`aria-current="step"` on the current one);
 * steps already reached can be revisited, later ones open through each step's Next, which checks
 * the step first. When the step changes, the keyboard moves to its heading so a screen reader
 * announces where the admin is; on first load it stays where the page put it. A step whose code
 * is still loading says so in a status line.
 */
export function SetupWizard() {
  const step = useWizard((state) => state.step);
  const reached = useWizard((state) => state.reached);
  const goTo = useWizard((state) => state.goTo);
  const hasOrg = useProfiles((state) => state.activeProfileId !== null);
  const stepRef = useRef<HTMLDivElement>(null);
  // The wizard records every step the admin reaches, so more than one means they have moved.
  const hasMoved = reached.length > 1;
  const focusHeading = hasMoved ? <FocusStepHeading key={step} container={stepRef} /> : null;

  const StepView = step === 'connect' ? null : STEP_VIEWS[step];
  const title = WIZARD_STEPS.find((candidate) => candidate.id === step)?.title ?? step;
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
            {focusHeading}
          </>
        ) : (
          <StepLoadBoundary key={step} title={title}>
            <Suspense
              fallback={
                <p role="status" className="step-loading">
                  Loading {title}…
                </p>
              }
            >
              <StepView />
              {focusHeading}
            </Suspense>
          </StepLoadBoundary>
        )}
      </div>
    </div>
  );
}
