import { useEffect, useRef } from 'react';

import type { PlanChange } from '../../../shared/ipc/contract.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { isFocusKept } from '../../components/focus.ts';
import { FooterBar } from '../../components/step-footer.tsx';
import { VirtualList } from '../../components/virtual-list.tsx';
import type { ApplyStepProgress, SetupPlan } from '../../stores/setup-run-store.ts';
import {
  usePreview,
  useProfiles,
  useSetupDocument,
  useSetupRun,
  useWizard,
} from '../../stores/store-context.tsx';
import { CancelledPanel, PlanCancelledPanel, ResultPanel } from './result-panel.tsx';

type PlanStep = SetupPlan['steps'][number];

const ACTION_WORDS: Record<PlanStep['action'], { symbol: string; word: string }> = {
  create: { symbol: '+', word: 'create' },
  update: { symbol: '~', word: 'update' },
  unchanged: { symbol: '=', word: 'unchanged' },
};

/**
 * The plan's field names as Okta's Admin Console labels them (okta-behaviours.md §3); the API
 * name stays on hover, for an admin who reads the API or Terraform.
 */
const FIELD_LABELS: Record<string, string> = {
  label: 'App integration name',
  applicationType: 'Application type',
  grantTypes: 'Grant types',
  redirectUris: 'Sign-in redirect URIs',
  postLogoutRedirectUris: 'Sign-out redirect URIs',
  initiateLoginUri: 'Initiate login URI',
  pkceRequired: 'Require PKCE',
  tokenEndpointAuthMethod: 'Client authentication',
  consentMethod: 'User consent',
  issuerMode: 'Issuer',
  implicitAssignment: 'Federation Broker Mode',
  status: 'Status',
  clientSecret: 'Client secret',
  groupsClaim: 'Groups claim',
  groups: 'Groups claim',
  name: 'Name',
  audiences: 'Audience',
  clients: 'Assigned to clients',
  scopes: 'Scopes',
  login: 'Username',
  password: 'Password',
};

/** Values as the Admin Console words them, where the API's differ. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  applicationType: { web: 'Web', browser: 'Single-page app', native: 'Native' },
  tokenEndpointAuthMethod: {
    client_secret_basic: 'Client secret (HTTP Basic)',
    client_secret_post: 'Client secret (in the request body)',
    none: 'None (PKCE)',
  },
  consentMethod: { TRUSTED: 'Not required', REQUIRED: 'Required' },
  issuerMode: { ORG_URL: 'Okta URL', DYNAMIC: 'Dynamic', CUSTOM_URL: 'Custom URL' },
  grantTypes: {
    authorization_code: 'Authorization code',
    refresh_token: 'Refresh token',
    implicit: 'Implicit (hybrid)',
  },
};

/** A field's Admin Console label, or its API name when the console has none for it. */
export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

function show(value: unknown, field?: string): string {
  const words = field === undefined ? undefined : VALUE_LABELS[field];
  const word = (item: unknown) =>
    typeof item === 'string' ? (words?.[item] ?? item) : JSON.stringify(item);
  if (value === undefined || value === null) {
    return '(none)';
  }
  if (typeof value === 'boolean') {
    return value ? 'Yes' : 'No';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.map((item) => word(item)).join(', ');
  }
  return word(value);
}

/**
 * Fields with their value before and after: struck out and inserted, under the given headings
 * (no "before" column when there is none, as for a create). Each field is named as the Admin
 * Console names it, with the API name on hover.
 */
function ChangesTable(props: {
  changes: { field: string; before?: unknown; after?: unknown }[];
  beforeHeading: string | null;
  afterHeading: string;
}) {
  return (
    <table className="plan-step__changes">
      <thead>
        <tr>
          <th scope="col">Field</th>
          {props.beforeHeading !== null && <th scope="col">{props.beforeHeading}</th>}
          <th scope="col">{props.afterHeading}</th>
        </tr>
      </thead>
      <tbody>
        {props.changes.map((change) => (
          <tr key={change.field}>
            <th scope="row">
              <span title={`API name: ${change.field}`} data-api-name={change.field}>
                {fieldLabel(change.field)}
              </span>
            </th>
            {props.beforeHeading !== null && (
              <td>
                <del>{show(change.before, change.field)}</del>
              </td>
            )}
            <td>
              <ins>{show(change.after, change.field)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Who a step's key names: `user-assignment:<login>` → `<login>`. */
function subjectOf(step: PlanStep): string {
  return step.key.slice(step.key.indexOf(':') + 1);
}

/**
 * What happens to a plan object, as a sentence: "ada\@example.com will be assigned to the
 * app", "Test user ada\@example.com will be created and assigned to the app".
 */
function sentence(step: PlanStep, alsoAssigned: boolean): string {
  const isUnchanged = step.action === 'unchanged';
  switch (step.kind) {
    case 'user-assignment':
      return isUnchanged
        ? `${subjectOf(step)} is already assigned to the app`
        : `${subjectOf(step)} will be assigned to the app`;
    case 'group-assignment':
      return isUnchanged
        ? `Group "${subjectOf(step)}" is already assigned to the app`
        : `Group "${subjectOf(step)}" will be assigned to the app`;
    case 'test-user':
      // Merged only within one list, so the assignment changes exactly when the user does.
      if (alsoAssigned) {
        return isUnchanged
          ? `${step.title} exists and is assigned to the app`
          : `${step.title} will be created and assigned to the app`;
      }
      break;
    default:
      break;
  }
  return `${step.title} ${isUnchanged ? 'stays as it is' : `will be ${ACTION_WORDS[step.action].word}d`}`;
}

/** The test user's own assignment, which the review says in the test user's sentence. */
function testUserAssignmentKey(steps: readonly PlanStep[]): string | null {
  const testUser = steps.find((step) => step.kind === 'test-user');
  return testUser === undefined ? null : `user-assignment:${subjectOf(testUser)}`;
}

/** A plan row before it is measured: a title line over a short table of fields. */
const PLAN_ROW_HEIGHT_PX = 96;
/** `.plan`'s `gap: 0.75rem`. */
const PLAN_ROW_GAP_PX = 12;

/** A plan object's row: its class by action, and its name ("App integration "X": create"). */
function planRow(step: PlanStep) {
  return {
    className: `plan-step plan-step--${step.action}`,
    label: `${step.title}: ${ACTION_WORDS[step.action].word}`,
  };
}

/**
 * The objects of the plan, each with what happens to it and each field that changes.
 *
 * @remarks
 * One row per object, and a setup naming 10,000 users plans 10,000 assignments, so the list is
 * virtualized once it is long (a scrolling box instead of a page of 10,000 tables). The test
 * user's assignment is said with the test user ("will be created and assigned") when both
 * change together, rather than as a row of its own.
 */
function PlanObjects(props: { label: string; steps: PlanStep[] }) {
  const assignmentKey = testUserAssignmentKey(props.steps);
  const assignment = props.steps.find((step) => step.key === assignmentKey);
  const steps =
    assignment === undefined ? props.steps : props.steps.filter((step) => step !== assignment);
  return (
    <VirtualList
      label={props.label}
      className="plan"
      items={steps}
      itemKey={(step) => step.key}
      rowAttributes={planRow}
      renderItem={(step) => (
        <PlanObject
          step={step}
          alsoAssigned={step.kind === 'test-user' && assignment !== undefined}
        />
      )}
      estimatedRowHeight={PLAN_ROW_HEIGHT_PX}
      rowGapPx={PLAN_ROW_GAP_PX}
    />
  );
}

/** One object of the plan, inside its row: what happens to it, and each field that changes. */
function PlanObject(props: { step: PlanStep; alsoAssigned: boolean }) {
  const { step } = props;
  const action = ACTION_WORDS[step.action];
  return (
    <>
      <p className="plan-step__title">
        <span className="plan-step__symbol" aria-hidden="true">
          {action.symbol}
        </span>{' '}
        {sentence(step, props.alsoAssigned)}.
      </p>
      {step.changes.length > 0 && (
        <ChangesTable
          changes={step.changes}
          beforeHeading={step.action === 'update' ? 'Now' : null}
          afterHeading={step.action === 'update' ? 'After apply' : 'Value'}
        />
      )}
    </>
  );
}

/**
 * Why the reviewed plan was not applied: what changed in the org since, object by object, with
 * each fact as it was when reviewed and as it is now.
 */
function StaleNotice(props: { changes: PlanChange[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div
      className="error-message stale-plan"
      role="alert"
      tabIndex={-1}
      ref={ref}
      data-testid="stale-plan"
    >
      <p className="error-message__text">
        The org changed since you reviewed this plan, so nothing was applied.
      </p>
      <ul aria-label="What changed in the org">
        {props.changes.map((change) => (
          <li key={change.key}>
            <strong>{change.title}</strong>: {change.summary}
            {change.fields.length > 0 && (
              <ChangesTable
                changes={change.fields}
                beforeHeading="When you reviewed"
                afterHeading="Now"
              />
            )}
          </li>
        ))}
      </ul>
      <p className="error-message__hint">
        Below is the plan of the org as it is now. Review it, then apply it — or go back and change
        the setup. Someone else may be changing this app: check with them first.
      </p>
    </div>
  );
}

/** One line of apply progress. */
const PROGRESS_ROW_HEIGHT_PX = 24;

const STATE_WORDS: Record<ApplyStepProgress['state'], string> = {
  pending: 'waiting',
  running: 'in progress',
  retrying: 'retrying',
  done: 'done',
  stopped: 'not done (cancelled)',
};

/** The marker's look by state: a step the cancel stopped looks like one still waiting. */
const STATE_CLASSES: Record<ApplyStepProgress['state'], string> = {
  pending: 'pending',
  running: 'running',
  retrying: 'running',
  done: 'done',
  stopped: 'pending',
};

/**
 * Apply progress: each step with its state, announced as it changes.
 *
 * @remarks
 * One row per planned change, so thousands for a big setup, each re-rendered as its state
 * moves: virtualized once long, like the plan.
 */
function ApplyProgress(props: { steps: ApplyStepProgress[] }) {
  return (
    <VirtualList
      label="Apply progress"
      className="verify-progress"
      isOrdered
      items={props.steps}
      itemKey={(step) => step.key}
      rowAttributes={(step) => ({
        className: `verify-progress__step verify-progress__step--${STATE_CLASSES[step.state]}`,
      })}
      renderItem={(step) => (
        <>
          <span className="verify-progress__marker" aria-hidden="true" />
          {step.title} — {STATE_WORDS[step.state]}
        </>
      )}
      estimatedRowHeight={PROGRESS_ROW_HEIGHT_PX}
      rowGapPx={0}
    />
  );
}

/**
 * Step six: the plan as a readable diff, then apply with progress, then the result.
 *
 * @remarks
 * The plan is made on arrival and again whenever the document has changed since; Apply is
 * offered only for a plan of the current document with no blockers. An apply that fails can
 * be run again: main's journal resumes it without duplicating anything. A running apply can be
 * cancelled (it may wait a minute for Okta's rate limit): main stops it before its next request,
 * the step says what was made, and the keyboard goes to that message, since the Cancel button
 * goes away. A plan being made can be cancelled the same way, with the same button (its reads
 * can wait as long): the step says that nothing was changed and offers Plan again, with the
 * keyboard on that message unless the admin has put it somewhere else meanwhile.
 */
export function ReviewStep() {
  const document = useSetupDocument((state) => state.document);
  const plan = useSetupRun((state) => state.plan);
  const apply = useSetupRun((state) => state.apply);
  const makePlan = useSetupRun((state) => state.makePlan);
  const applyPlan = useSetupRun((state) => state.applyPlan);
  const cancelApply = useSetupRun((state) => state.cancelApply);
  const cancelPlan = useSetupRun((state) => state.cancelPlan);
  const next = useWizard((state) => state.next);
  const startPreview = usePreview((state) => state.start);
  const orgLabel = useProfiles(
    (state) => state.profiles.find((profile) => profile.id === state.activeProfileId)?.label,
  );
  const documentJson = JSON.stringify(document);
  const isCurrent = plan.plannedFor === documentJson;
  const resultRef = useRef<HTMLDivElement>(null);
  const planCancelledRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isPlanning = plan.status === 'planning' || plan.status === 'cancelling';

  useEffect(() => {
    if (!isCurrent && !isPlanning) {
      void makePlan(document);
    }
  }, [isCurrent, isPlanning, makePlan, document]);

  useEffect(() => {
    // The Cancel button went away with the plan: the keyboard goes to what happened, unless the
    // admin has already put it somewhere on the page.
    if (plan.status === 'cancelled' && !isFocusKept()) {
      planCancelledRef.current?.querySelector<HTMLElement>('h2')?.focus();
    }
  }, [plan.status]);

  useEffect(() => {
    if (apply.status === 'done' || apply.status === 'cancelled') {
      resultRef.current?.querySelector<HTMLElement>('h2')?.focus();
    }
  }, [apply.status]);

  const steps = plan.value?.steps ?? [];
  const changing = steps.filter((step) => step.action !== 'unchanged');
  const unchanged = steps.filter((step) => step.action === 'unchanged');
  const count = (action: PlanStep['action']) =>
    steps.filter((step) => step.action === action).length;
  const blockers = plan.value?.blockers ?? [];
  const isApplyCancelling = apply.status === 'cancelling';
  const isApplying = apply.status === 'applying' || isApplyCancelling;
  // One Cancel for whichever runs: an apply, or the plan made before or after it.
  const isCancelling = isApplying ? isApplyCancelling : plan.status === 'cancelling';
  const isPlanned = plan.status === 'done' && isCurrent;
  // The one primary action: Apply while there is something to apply; once the org matches the
  // setup (applied, or already so), the next step.
  const hasNothingToApply = isPlanned && blockers.length === 0 && changing.length === 0;
  // With a test user, the next thing is to sign in as them: one action opens the preview and
  // starts it (as the preview step's own default would), rather than a Next and a Start.
  const signsInAsTestUser = hasNothingToApply && document.assignments.testUser !== undefined;
  const primary = signsInAsTestUser
    ? {
        label: 'Sign in as the test user',
        onClick: () => {
          next();
          void startPreview(document, { kind: 'test-user' }, { allowAppChange: true });
        },
      }
    : hasNothingToApply
      ? { label: 'Next: preview the login', onClick: next }
      : {
          label: isApplying
            ? 'Applying…'
            : apply.status === 'error' || apply.status === 'cancelled'
              ? 'Apply again'
              : apply.status === 'stale'
                ? 'Apply the new plan'
                : 'Apply',
          isBusy: isApplying || isPlanning,
          disabledReason:
            plan.status === 'error'
              ? 'The plan could not be made: plan again.'
              : plan.status === 'cancelled'
                ? 'Planning was cancelled: plan again.'
                : isPlanned && blockers.length > 0
                  ? 'Go back and change what stops the setup, then review again.'
                  : undefined,
          onClick: () => void applyPlan(document),
        };

  return (
    <section className="step" aria-labelledby="review-heading">
      <h1 id="review-heading" tabIndex={-1} ref={headingRef}>
        Review and apply
      </h1>
      <p className="lede">
        What applying this setup changes in {orgLabel ?? 'the org'}. Nothing is changed until you
        choose Apply.
      </p>
      <div aria-live="polite" aria-busy={isPlanning}>
        {plan.status === 'planning' && <p role="status">Reading the org and planning…</p>}
        {plan.status === 'cancelling' && <p role="status">Stopping the plan…</p>}
      </div>
      <div ref={planCancelledRef}>
        {plan.status === 'cancelled' && plan.error !== null && (
          <PlanCancelledPanel
            error={plan.error}
            onPlanAgain={() => {
              // The panel and its button go as the plan starts: the keyboard goes to the step's
              // heading rather than to the page.
              headingRef.current?.focus();
              void makePlan(document);
            }}
          />
        )}
      </div>
      {plan.status === 'error' && plan.error !== null && (
        <>
          <ErrorMessage error={plan.error} />
          <button
            type="button"
            className="button"
            onClick={() => {
              // The button goes as the plan starts: the keyboard goes to the step's heading.
              headingRef.current?.focus();
              void makePlan(document);
            }}
          >
            Plan again
          </button>
        </>
      )}
      {apply.status === 'stale' && <StaleNotice changes={apply.changes} />}
      {plan.status === 'done' && isCurrent && (
        <>
          <p className="plan-summary" data-testid="plan-summary">
            Plan: {count('create')} to create, {count('update')} to update, {count('unchanged')}{' '}
            unchanged.
          </p>
          {changing.length === 0 && blockers.length === 0 && (
            <p>No changes: the org already matches this setup.</p>
          )}
          {(plan.value?.notes ?? []).map((note) => (
            <p key={note} className="plan-note" data-testid="plan-note">
              {note}
            </p>
          ))}
          {blockers.length > 0 && (
            <div className="error-message" role="alert">
              <p className="error-message__text">This setup cannot be applied yet:</p>
              <ul>
                {blockers.map((blocker) => (
                  <li key={blocker}>{blocker}</li>
                ))}
              </ul>
              <p className="error-message__hint">
                Go back and change the setup, then review again.
              </p>
            </div>
          )}
          {changing.length > 0 && <PlanObjects label="Changes" steps={changing} />}
          {unchanged.length > 0 && (
            <details className="plan-unchanged">
              <summary>{unchanged.length} unchanged</summary>
              <PlanObjects label="Unchanged" steps={unchanged} />
            </details>
          )}
        </>
      )}
      {apply.status !== 'idle' && apply.progress.length > 0 && (
        <ApplyProgress steps={apply.progress} />
      )}
      {apply.status === 'error' && apply.error !== null && (
        <>
          <ErrorMessage error={apply.error} />
          <p className="field__help">
            What was already made is recorded; applying again continues from there and creates
            nothing twice.
          </p>
        </>
      )}
      <div ref={resultRef}>
        {apply.status === 'done' && apply.result !== null && (
          <ResultPanel
            result={apply.result}
            isPublicClient={document.app.tokenEndpointAuthMethod === 'none'}
          />
        )}
        {apply.status === 'cancelled' && apply.error !== null && (
          <CancelledPanel error={apply.error} />
        )}
      </div>
      <FooterBar isBackDisabled={isApplying} primary={primary}>
        {(isApplying || isPlanning) && (
          <button
            type="button"
            className="button"
            // Stays focusable while the operation stops (aria-disabled), so the keyboard is not
            // dropped to the page before the message it goes to appears.
            aria-disabled={isCancelling ? true : undefined}
            onClick={() => {
              if (!isCancelling) {
                void (isApplying ? cancelApply() : cancelPlan());
              }
            }}
          >
            {isCancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {signsInAsTestUser && (
          <button type="button" className="button" onClick={next}>
            Next: preview the login
          </button>
        )}
      </FooterBar>
    </section>
  );
}
