import { Component, type ReactNode } from 'react';

import { ErrorMessage } from '../components/error-message.tsx';

/**
 * Catches a step whose code could not be loaded, and says what to do instead of blanking the
 * window.
 *
 * @remarks
 * Each later step is fetched on first use (see `setup-wizard.tsx`). If that fetch fails — the
 * console was stopped, or rebuilt under a window that stayed open — React would otherwise
 * unmount the whole console. The message replaces only the step; the step list, the header and
 * the setup file actions keep working. A class, because React catches render errors only in
 * class components (`getDerivedStateFromError`). Keyed by step by its parent, so moving to
 * another step starts clean.
 */
export class StepLoadBoundary extends Component<
  { title: string; children: ReactNode },
  { failure: string | null }
> {
  override state: { failure: string | null } = { failure: null };

  static getDerivedStateFromError(error: unknown): { failure: string } {
    return { failure: error instanceof Error ? error.message : String(error) };
  }

  override render(): ReactNode {
    if (this.state.failure === null) {
      return this.props.children;
    }
    return (
      <ErrorMessage
        error={{
          code: 'INTERNAL',
          message: `The ${this.props.title} step could not be shown (${this.state.failure}).`,
          hint: 'Reload the window: the setup is kept. If the console was stopped, start it again first.',
        }}
      />
    );
  }
}
