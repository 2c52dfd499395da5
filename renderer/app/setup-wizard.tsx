import { type ComponentType, lazy, type RefObject, Suspense, useEffect, useRef } from 'react';

import { isFocusKept } from '../components/focus.ts';
import { StepFooter } from '../components/step-footer.tsx';
import { ConnectPage } from '../features/connect/connect-page.tsx';
import {
  useExport,
  usePreview,
  useProfiles,
  useSetupDocument,
  useSetupRun,
  useWizard,
} from '../stores/store-context.tsx';
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
 * Steps the admin has finished: an org connected; a form step the admin has moved past (its
 * Next checks it); the setup applied; a preview that signed in; files verified by a sign-in.
 */
function useDoneSteps(): ReadonlySet<WizardStepId> {
  const reached = useWizard((state) => state.reached);
  const hasOrg = useProfiles((state) => state.activeProfileId !== null);
  const isApplied = useSetupRun((state) => state.apply.status === 'done');
  const isPreviewed = usePreview((state) => state.report?.ok === true);
  const isVerified = useExport((state) =>
    Object.values(state.verifications).some((verification) => verification.result?.ok === true),
  );
  const lastReached = Math.max(
    ...reached.map((id) => WIZARD_STEPS.findIndex((candidate) => candidate.id === id)),
  );
  const done = new Set<WizardStepId>();
  WIZARD_STEPS.forEach((candidate, index) => {
    const isFormStep = ['target', 'app', 'people', 'issuer'].includes(candidate.id);
    if (
      (candidate.id === 'connect' && hasOrg) ||
      (isFormStep && index < lastReached) ||
      (candidate.id === 'review' && isApplied) ||
      (candidate.id === 'preview' && isPreviewed) ||
      (candidate.id === 'export' && isVerified)
    ) {
      done.add(candidate.id);
    }
  });
  return done;
}

/**
 * Why what was kept from before a reload could not be brought back, until the admin has read it:
 * restoring never fails silently.
 */
function RestoreProblems() {
  const documentProblem = useSetupDocument((state) => state.restoreProblem);
  const dismissDocument = useSetupDocument((state) => state.dismissRestoreProblem);
  const wizardProblem = useWizard((state) => state.restoreProblem);
  const dismissWizard = useWizard((state) => state.dismissRestoreProblem);
  if (documentProblem === null && wizardProblem === null) {
    return null;
  }
  return (
    <div className="error-message restore-problem" role="alert" data-testid="restore-problem">
      {documentProblem !== null && <p className="error-message__text">{documentProblem}</p>}
      {wizardProblem !== null && <p className="error-message__text">{wizardProblem}</p>}
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          dismissDocument();
          dismissWizard();
        }}
      >
        Dismiss
      </button>
    </div>
  );
}

/**
 * After an org is connected, the keyboard goes to the step's primary action ("Next: target
 * app") when the control that connected it has gone from the page (the sandbox choice is
 * removed once the sandbox is connected), rather than dropping to the page body.
 */
function useFocusAfterConnect(container: RefObject<HTMLDivElement | null>) {
  const activeProfileId = useProfiles((state) => state.activeProfileId);
  const previous = useRef(activeProfileId);
  useEffect(() => {
    const before = previous.current;
    previous.current = activeProfileId;
    if (activeProfileId === null || activeProfileId === before) {
      return;
    }
    if (!isFocusKept()) {
      container.current?.querySelector<HTMLElement>('[data-primary-action]')?.focus();
    }
  }, [activeProfileId, container]);
}

/**
 * The setup wizard: a list of steps, the current step, and the setup file actions.
 *
 * @remarks
 * The step list is a navigation landmark of buttons (`aria-current="step"` on the current one,
 * a check mark and "done" on finished ones) that stays in view while the step scrolls; steps
 * already reached can be revisited, later ones open through each step's Next, which checks the
 * step first. When the step changes, the keyboard moves to its heading so a screen reader
 * announces where the admin is; on first load it stays where the page put it. A step whose code
 * is still loading says so in a status line. The place is kept across a reload (see the wizard
 * store); a kept place beyond "Connect" with no org connected any more shows "Connect".
 */
export function SetupWizard() {
  const keptStep = useWizard((state) => state.step);
  const reached = useWizard((state) => state.reached);
  const goTo = useWizard((state) => state.goTo);
  const hasOrg = useProfiles((state) => state.activeProfileId !== null);
  const profilesStatus = useProfiles((state) => state.status);
  const done = useDoneSteps();
  const stepRef = useRef<HTMLDivElement>(null);
  useFocusAfterConnect(stepRef);
  // Every step after "Connect" works on an org: with none (removed since the place was kept),
  // the wizard shows "Connect" until one is.
  const isOrgGone = !hasOrg && profilesStatus === 'ready' && keptStep !== 'connect';
  const step = isOrgGone ? 'connect' : keptStep;
  useEffect(() => {
    if (isOrgGone) {
      goTo('connect');
    }
  }, [isOrgGone, goTo]);
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
            const isDone = done.has(candidate.id);
            const isReachable =
              reached.includes(candidate.id) && (candidate.id === 'connect' || hasOrg);
            return (
              <li key={candidate.id}>
                <button
                  type="button"
                  className={`wizard__step${isDone ? ' wizard__step--done' : ''}`}
                  aria-current={isCurrent ? 'step' : undefined}
                  // The check mark is drawn, not read; the name says "done" instead.
                  aria-label={isDone ? `${candidate.title}, done` : undefined}
                  disabled={!isReachable && !isCurrent}
                  onClick={() => {
                    goTo(candidate.id);
                  }}
                >
                  <span className="wizard__step-number" aria-hidden="true">
                    {isDone ? '✓' : index + 1}
                  </span>
                  <span className="wizard__step-title">{candidate.title}</span>
                </button>
              </li>
            );
          })}
        </ol>
        {step !== 'connect' && <SetupFileActions />}
      </nav>
      <div className="wizard__body" ref={stepRef}>
        <RestoreProblems />
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
