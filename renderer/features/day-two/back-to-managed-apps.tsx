import { useConsoleView, useManagedApps } from '../../stores/store-context.tsx';

/**
 * Back to the managed apps, read again so what the view changed (an app removed, a rotation
 * finished) shows in the list; `reset` first clears the view's own store.
 */
export function BackToManagedApps(props: { reset: () => void; label?: string }) {
  const show = useConsoleView((state) => state.show);
  const load = useManagedApps((state) => state.load);
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        props.reset();
        show({ kind: 'managed-apps' });
        void load();
      }}
    >
      {props.label ?? 'Back to managed apps'}
    </button>
  );
}
