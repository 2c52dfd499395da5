import { useEffect, useRef } from 'react';

import type { PlanChange } from '../../../shared/ipc/contract.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { VirtualList } from '../../components/virtual-list.tsx';
import type { ApplyStepProgress, SetupPlan } from '../../stores/setup-run-store.ts';
import {
  useProfiles,
  useSetupDocument,
  useSetupRun,
  useWizard,
} from '../../stores/store-context.tsx';
import { ResultPanel } from './result-panel.tsx';

type PlanStep = SetupPlan['steps'][number];

const ACTION_WORDS: Record<PlanStep['action'], { symbol: string; word: string }> = {
  create: { symbol: '+', word: 'create' },
  update: { symbol: '~', word: 'update' },
  unchanged: { symbol: '=', word: 'unchanged' },
};

function show(value: unknown): string {
  if (value === undefined || value === null) {
    return '(none)';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.map((item) => String(item)).join(', ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Fields with their value before and after: struck out and inserted, under the given headings
 * (no "before" column when there is none, as for a create).
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
            <th scope="row">{change.field}</th>
            {props.beforeHeading !== null && (
              <td>
                <del>{show(change.before)}</del>
              </td>
            )}
            <td>
              <ins>{show(change.after)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
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
 * virtualized once it is long (a scrolling box instead of a page of 10,000 tables).
 */
function PlanObjects(props: { label: string; steps: PlanStep[] }) {
  return (
    <VirtualList
      label={props.label}
      className="plan"
      items={props.steps}
      itemKey={(step) => step.key}
      rowAttributes={planRow}
      renderItem={(step) => <PlanObject step={step} />}
      estimatedRowHeight={PLAN_ROW_HEIGHT_PX}
      rowGapPx={PLAN_ROW_GAP_PX}
    />
  );
}

/** One object of the plan, inside its row: what happens to it, and each field that changes. */
function PlanObject(props: { step: PlanStep }) {
  const { step } = props;
  const action = ACTION_WORDS[step.action];
  return (
    <>
      <p className="plan-step__title">
        <span className="plan-step__symbol" aria-hidden="true">
          {action.symbol}
        </span>{' '}
        {step.title}{' '}
        <span className="plan-step__action">
          will be {action.word === 'unchanged' ? 'left unchanged' : `${action.word}d`}
        </span>
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
        className: `verify-progress__step verify-progress__step--${step.state === 'retrying' ? 'running' : step.state}`,
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
 * be run again: main's journal resumes it without duplicating anything.
 */
export function ReviewStep() {
  const document = useSetupDocument((state) => state.document);
  const plan = useSetupRun((state) => state.plan);
  const apply = useSetupRun((state) => state.apply);
  const makePlan = useSetupRun((state) => state.makePlan);
  const applyPlan = useSetupRun((state) => state.applyPlan);
  const back = useWizard((state) => state.back);
  const next = useWizard((state) => state.next);
  const orgLabel = useProfiles(
    (state) => state.profiles.find((profile) => profile.id === state.activeProfileId)?.label,
  );
  const documentJson = JSON.stringify(document);
  const isCurrent = plan.plannedFor === documentJson;
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!isCurrent && plan.status !== 'planning') {
      void makePlan(document);
    }
  }, [isCurrent, plan.status, makePlan, document]);

  useEffect(() => {
    if (apply.status === 'done') {
      resultRef.current?.querySelector<HTMLElement>('h2')?.focus();
    }
  }, [apply.status]);

  const steps = plan.value?.steps ?? [];
  const changing = steps.filter((step) => step.action !== 'unchanged');
  const unchanged = steps.filter((step) => step.action === 'unchanged');
  const count = (action: PlanStep['action']) =>
    steps.filter((step) => step.action === action).length;
  const blockers = plan.value?.blockers ?? [];
  const isApplying = apply.status === 'applying';

  return (
    <section className="step" aria-labelledby="review-heading">
      <h1 id="review-heading" tabIndex={-1}>
        Review and apply
      </h1>
      <p className="lede">
        What applying this setup changes in {orgLabel ?? 'the org'}. Nothing is changed until you
        choose Apply.
      </p>
      <div aria-live="polite" aria-busy={plan.status === 'planning'}>
        {plan.status === 'planning' && <p role="status">Reading the org and planning…</p>}
      </div>
      {plan.status === 'error' && plan.error !== null && (
        <>
          <ErrorMessage error={plan.error} />
          <button type="button" className="button" onClick={() => void makePlan(document)}>
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
      <div className="step-footer">
        <button type="button" className="button" onClick={back} disabled={isApplying}>
          Back
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={
            !(plan.status === 'done' && isCurrent && blockers.length === 0) ||
            isApplying ||
            (apply.status === 'done' && changing.length === 0)
          }
          onClick={() => void applyPlan(document)}
        >
          {isApplying
            ? 'Applying…'
            : apply.status === 'error'
              ? 'Apply again'
              : apply.status === 'stale'
                ? 'Apply the new plan'
                : 'Apply'}
        </button>
      </div>
      <div ref={resultRef}>
        {apply.status === 'done' && apply.result !== null && (
          <>
            <ResultPanel
              result={apply.result}
              isPublicClient={document.app.tokenEndpointAuthMethod === 'none'}
            />
            <div className="step-footer">
              <button type="button" className="button button--primary" onClick={next}>
                Next: preview the login
              </button>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
