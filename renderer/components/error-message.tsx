import type { AppErrorValue } from '../../shared/errors.ts';

/**
 * An error explained in place: what happened, and what to do.
 *
 * @remarks
 * `role="alert"` so screen readers announce it when it appears; the code is shown small so an
 * admin can quote it in a ticket.
 */
export function ErrorMessage(props: { error: AppErrorValue; id?: string }) {
  return (
    <div className="error-message" role="alert" id={props.id} data-error-code={props.error.code}>
      <p className="error-message__text">{props.error.message}</p>
      <p className="error-message__hint">{props.error.hint}</p>
      <p className="error-message__code">Error code: {props.error.code}</p>
    </div>
  );
}
