import { type ComponentType, lazy, Suspense } from 'react';

import type { ConsoleView } from '../stores/console-view-store.ts';
import { useConsoleView } from '../stores/store-context.tsx';
import { StepLoadBoundary } from './step-load-boundary.tsx';

/**
 * The day-two views, fetched the first time the admin opens "Managed apps": the first page's
 * JavaScript stays within issue 16's budget, and a setup-only session never loads them.
 * `React.lazy` needs a default export, which lint bans in our modules, so the named one is
 * handed over as one.
 */
const DayTwoViews: ComponentType<{ view: Exclude<ConsoleView, { kind: 'setup' }> }> = lazy(
  async () => ({
    default: (await import('../features/day-two/day-two-views.tsx')).DayTwoViews,
  }),
);

/**
 * The console's two areas, once an org is connected: "Set up" (the wizard) and "Managed apps"
 * (the apps this console made or adopted there, their teardown and sign-in activity).
 *
 * @remarks
 * Buttons in a named navigation landmark, the current one with `aria-current="page"`, as the
 * wizard's step list does it; the teardown and activity views count as "Managed apps".
 */
export function ConsoleNav() {
  const view = useConsoleView((state) => state.view);
  const show = useConsoleView((state) => state.show);
  const isSetup = view.kind === 'setup';
  return (
    <nav className="console-nav" aria-label="Console">
      <button
        type="button"
        className="console-nav__item"
        aria-current={isSetup ? 'page' : undefined}
        onClick={() => {
          show({ kind: 'setup' });
        }}
      >
        Set up
      </button>
      <button
        type="button"
        className="console-nav__item"
        aria-current={isSetup ? undefined : 'page'}
        onClick={() => {
          show({ kind: 'managed-apps' });
        }}
      >
        Managed apps
      </button>
    </nav>
  );
}

/** The day-two view on screen, loaded on first use; a failed load says what to do in place. */
export function DayTwoArea(props: { view: Exclude<ConsoleView, { kind: 'setup' }> }) {
  return (
    <StepLoadBoundary key={props.view.kind} title="Managed apps">
      <Suspense
        fallback={
          <p role="status" className="step-loading">
            Loading Managed apps…
          </p>
        }
      >
        <DayTwoViews view={props.view} />
      </Suspense>
    </StepLoadBoundary>
  );
}
