import type { ConsoleView } from '../../stores/console-view-store.ts';
import { ActivityView } from './activity-view.tsx';
import { DriftView } from './drift-view.tsx';
import { ManagedAppsView } from './managed-apps-view.tsx';
import { RotationView } from './rotation-view.tsx';
import { TeardownView } from './teardown-view.tsx';

/**
 * The day-two views of the connected org: the managed apps, and an app's teardown, sign-in
 * activity, secret rotation and drift. One chunk, loaded the first time the admin opens "Managed apps".
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
    case 'rotation':
      return <RotationView key={view.appId} appId={view.appId} />;
    case 'drift':
      return <DriftView key={view.appId} appId={view.appId} />;
  }
}
