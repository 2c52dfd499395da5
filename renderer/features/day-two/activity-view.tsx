import { type SyntheticEvent, useEffect, useId, useMemo, useState } from 'react';

import type { ActivityEntry } from '../../../shared/ipc/contract.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { type RowAttributes, VirtualList } from '../../components/virtual-list.tsx';
import type { ActivityFilterValues } from '../../stores/activity-store.ts';
import { useActivity, useConsoleView, useManagedApps } from '../../stores/store-context.tsx';
import { localTime } from './format.ts';
import { useHeadingFocus } from './use-heading-focus.ts';

/** The windows the list can start from, in hours. */
const WINDOWS: readonly { hours: number; label: string }[] = [
  { hours: 1, label: 'Last hour' },
  { hours: 24, label: 'Last 24 hours' },
  { hours: 24 * 7, label: 'Last 7 days' },
  { hours: 24 * 30, label: 'Last 30 days' },
  { hours: 24 * 90, label: 'Last 90 days (all Okta keeps)' },
];

/**
 * The time of an entry, as {@link localTime} shows it, through one formatter for every row.
 *
 * @remarks
 * `toLocaleString` with options builds a new `Intl.DateTimeFormat` on every call, which the
 * activity benchmark found to be the largest share of the work per row while scrolling 50,000
 * entries; one formatter made once gives the same text.
 */
const ENTRY_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function entryTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : ENTRY_TIME.format(time);
}

/** How many characters a bucket of {@link entryKind} spans: about a third of a wrapped line. */
const TEXT_LENGTH_BUCKET = 24;

/**
 * Rows of one kind are about as tall as each other: a sign-in is as tall as its first line, a
 * failure as its diagnosis's texts, which differ by the login they name. So the kind is the
 * outcome, the code and the length of each line's text to a third of a line: a row wraps as the
 * last one of its kind did, and the virtual list's estimate for it is that row's height.
 */
function entryKind(entry: ActivityEntry): string {
  const bucket = (...texts: (string | null)[]) =>
    Math.round(texts.join('').length / TEXT_LENGTH_BUCKET);
  const first = bucket(entry.displayName, entry.login, entry.eventType);
  const diagnosis = entry.diagnosis;
  return diagnosis === null
    ? `${entry.outcome}:${entry.reason ?? ''}:${String(first)}`
    : [
        diagnosis.code,
        first,
        bucket(diagnosis.code, entry.reason, diagnosis.cause),
        bucket(diagnosis.oktaText),
        bucket(diagnosis.fix),
      ].join(':');
}

/** One sign-in or failure; a failure with its diagnosis code, Okta's words, cause and fix. */
function renderEntry(entry: ActivityEntry) {
  const who =
    entry.login === null
      ? 'No user yet'
      : entry.displayName === null
        ? entry.login
        : `${entry.displayName} (${entry.login})`;
  return (
    <div className="activity-entry__body">
      <p className="activity-entry__line">
        <span className="activity-entry__time">{entryTime(entry.published)}</span>
        <span
          className={`badge ${entry.outcome === 'SUCCESS' ? 'badge--success' : 'badge--danger'}`}
        >
          {entry.outcome === 'SUCCESS' ? 'Signed in' : 'Failed'}
        </span>
        <span className="activity-entry__who">{who}</span>
        <span className="visually-muted activity-entry__type">{entry.eventType}</span>
      </p>
      {entry.diagnosis !== null && (
        <div className="activity-entry__diagnosis">
          <p>
            <span className="diagnosis__code">{entry.diagnosis.code}</span>
            {entry.reason !== null && entry.reason !== entry.diagnosis.code && (
              <span className="visually-muted"> (Okta: {entry.reason})</span>
            )}{' '}
            {entry.diagnosis.cause}
          </p>
          {entry.diagnosis.oktaText !== null && (
            <p className="visually-muted">Okta said: “{entry.diagnosis.oktaText}”</p>
          )}
          <p>
            <strong>Fix:</strong> {entry.diagnosis.fix}
          </p>
        </div>
      )}
      {entry.outcome === 'FAILURE' && entry.diagnosis === null && entry.reason !== null && (
        <p className="visually-muted">Okta’s reason: {entry.reason}</p>
      )}
    </div>
  );
}

function entryKey(entry: ActivityEntry): string {
  return entry.uuid;
}

function entryAttributes(entry: ActivityEntry): RowAttributes {
  return {
    className:
      entry.outcome === 'FAILURE' ? 'activity-entry activity-entry--failure' : 'activity-entry',
  };
}

/** The filter form: part of a login, the outcome, how far back. Applied on submit. */
function ActivityFilters() {
  const filters = useActivity((state) => state.filters);
  const setFilters = useActivity((state) => state.setFilters);
  const [draft, setDraft] = useState<ActivityFilterValues>(filters);
  const ids = { user: useId(), outcome: useId(), window: useId() };

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    void setFilters(draft);
  }

  return (
    <form className="activity-filters" onSubmit={submit} aria-label="Filter sign-ins">
      <div className="field">
        <label htmlFor={ids.user}>User (part of the login)</label>
        <input
          id={ids.user}
          type="search"
          value={draft.user}
          maxLength={200}
          onChange={(event) => {
            setDraft({ ...draft, user: event.target.value });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.outcome}>Outcome</label>
        <select
          id={ids.outcome}
          value={draft.outcome}
          onChange={(event) => {
            setDraft({ ...draft, outcome: event.target.value as ActivityFilterValues['outcome'] });
          }}
        >
          <option value="ALL">Sign-ins and failures</option>
          <option value="SUCCESS">Sign-ins only</option>
          <option value="FAILURE">Failures only</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.window}>Since</label>
        <select
          id={ids.window}
          value={draft.hours}
          onChange={(event) => {
            setDraft({ ...draft, hours: Number(event.target.value) });
          }}
        >
          {WINDOWS.map((window) => (
            <option key={window.hours} value={window.hours}>
              {window.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button">
        Apply filters
      </button>
    </form>
  );
}

/**
 * One app's sign-in activity: the System Log's sign-ins and failures, newest first, each failure
 * explained with the preview's diagnosis code and text, filterable by user and outcome, polled
 * live while the view is open, paged back through older entries.
 *
 * @remarks
 * The list is virtualized (TanStack Virtual through `VirtualList`), so 50,000 entries scroll as
 * fast as fifty; new entries from a poll are announced as a count, not read out one by one.
 */
export function ActivityView(props: { appId: string }) {
  const open = useActivity((state) => state.open);
  const close = useActivity((state) => state.close);
  const app = useActivity((state) => state.app);
  const status = useActivity((state) => state.status);
  const entries = useActivity((state) => state.entries);
  const hasMore = useActivity((state) => state.hasMore);
  const loadingMore = useActivity((state) => state.loadingMore);
  const loadMore = useActivity((state) => state.loadMore);
  const error = useActivity((state) => state.error);
  const live = useActivity((state) => state.live);
  const setLive = useActivity((state) => state.setLive);
  const polledAt = useActivity((state) => state.polledAt);
  const pollError = useActivity((state) => state.pollError);
  const listedLabel = useManagedApps(
    (state) => state.apps.find((candidate) => candidate.id === props.appId)?.label,
  );
  const show = useConsoleView((state) => state.show);
  const heading = useHeadingFocus();
  const liveId = useId();

  useEffect(() => {
    void open(props.appId);
    return () => {
      close();
    };
  }, [open, close, props.appId]);

  const failures = useMemo(
    () => entries.reduce((count, entry) => count + (entry.outcome === 'FAILURE' ? 1 : 0), 0),
    [entries],
  );
  const label = app?.label ?? listedLabel ?? props.appId;
  return (
    <section className="step day-two" aria-labelledby="activity-heading">
      <h1 id="activity-heading" ref={heading} tabIndex={-1}>
        Sign-in activity: {label}
      </h1>
      <p className="lede">
        Sign-ins to this app and the failures on the way, from Okta’s System Log. Each failure is
        explained the way the login preview explains it.
      </p>
      <ActivityFilters />
      <div className="day-two__toolbar">
        <span className="activity-live">
          <input
            id={liveId}
            type="checkbox"
            checked={live}
            onChange={(event) => {
              setLive(event.target.checked);
            }}
          />
          <label htmlFor={liveId}>Follow new sign-ins (every 10 seconds)</label>
        </span>
        <p role="status" className="day-two__status">
          {status === 'loading'
            ? 'Reading the System Log…'
            : status === 'ready'
              ? `${entries.length.toLocaleString('en-US')} shown: ${(entries.length - failures).toLocaleString('en-US')} sign-ins, ${failures.toLocaleString('en-US')} failures${
                  polledAt === null ? '' : `; updated ${localTime(polledAt)}`
                }.`
              : ''}
        </p>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {pollError !== null && (
        <>
          <p className="note note--warning">
            The last check for new sign-ins failed; the console keeps trying.
          </p>
          <ErrorMessage error={pollError} />
        </>
      )}
      {status === 'ready' && entries.length === 0 && (
        <p className="note">No sign-ins match the filters in this window yet.</p>
      )}
      {entries.length > 0 && (
        <VirtualList
          label="Sign-ins and failures"
          items={entries}
          itemKey={entryKey}
          renderItem={renderEntry}
          rowAttributes={entryAttributes}
          className="activity-list"
          estimatedRowHeight={44}
          rowKind={entryKind}
        />
      )}
      <div className="step-footer">
        {hasMore && (
          <button
            type="button"
            className="button"
            disabled={loadingMore}
            onClick={() => void loadMore()}
          >
            {loadingMore ? 'Reading older sign-ins…' : 'Load older sign-ins'}
          </button>
        )}
        <button
          type="button"
          className="button"
          onClick={() => {
            show({ kind: 'managed-apps' });
          }}
        >
          Back to managed apps
        </button>
      </div>
    </section>
  );
}
