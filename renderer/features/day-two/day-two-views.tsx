import type { ConsoleView } from '../../stores/console-view-store.ts';
import { ActivityView } from './activity-view.tsx';
import { ManagedAppsView } from './managed-apps-view.tsx';
import { TeardownView } from './teardown-view.tsx';

/**
 * The day-two views of the connected org: the managed apps, an app's teardown, an app's
 * sign-in activity. One chunk, loaded the first time the admin opens "Managed apps".
 */
export function DayTwoViews(props: { view: Exclude<ConsoleView, { kind: 'setup' }> }) {
  const { view } = props;
  switch (view.kind) {
    case 'managed-apps':
      return <ManagedAppsView />;
    case 'teardown':
      return <TeardownView key={view.appId} appId={view.appId} />;
    case 'activity':
      return <ActivityView key={view.appId} appId={view.appId} />;
  }
}
