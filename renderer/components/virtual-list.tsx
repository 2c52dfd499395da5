import {
  defaultRangeExtractor,
  measureElement as measureRowHeight,
  type Range,
  useVirtualizer,
} from '@tanstack/react-virtual';
import { memo, type ReactNode, useCallback, useRef, useState } from 'react';

/**
 * From how many rows a list is virtualized.
 *
 * @remarks
 * Below this a list is rendered whole: a screen reader's list navigation and find-in-page see
 * every row, and a hundred rows cost React about a millisecond. Above it only the rows in view
 * (plus {@link OVERSCAN_ROWS}) are in the DOM, so a setup naming 10,000 users scrolls at full
 * frame rate (README "Performance").
 */
export const VIRTUALIZE_FROM = 100;

/**
 * Rows rendered beyond each edge of the view.
 *
 * @remarks
 * Tab moves to the next row's button only if it is in the DOM; with a few rows past the edge it
 * always is, and focusing it scrolls it into view, which renders the ones after it.
 */
const OVERSCAN_ROWS = 6;

/** What {@link VirtualList} shows, and how. */
export interface VirtualListProps<T> {
  /** The list's accessible name, e.g. "Users to assign". */
  label: string;
  items: readonly T[];
  /** A stable key for a row (its id or name), so React keeps a row's DOM across scrolls. */
  itemKey: (item: T) => string;
  /** The row's content, inside its `<li>`. */
  renderItem: (item: T) => ReactNode;
  /** The list's class: the scroll box's height and the rows' gap come from it. */
  className: string;
  /** Every row's class. */
  itemClassName?: string;
  /** A row's own class and accessible name, where they depend on its item. */
  rowAttributes?: (item: T) => RowAttributes;
  /** An `<ol>` (a sequence, such as apply progress) rather than a `<ul>`. */
  isOrdered?: boolean;
  /** A row's usual height in CSS pixels, before it has been measured. */
  estimatedRowHeight: number;
  /**
   * The kind of a row whose height depends on its item (a sign-in is one line, a failure carries
   * its diagnosis): an unmeasured row is estimated at the last measured height of its kind.
   */
  rowKind?: (item: T) => string;
  /** The space between rows in CSS pixels, as the list's CSS `gap` has it (default 5). */
  rowGapPx?: number;
}

/** What a row adds to its `<li>`. */
export interface RowAttributes {
  className?: string;
  /** The row's accessible name, when its text is not the best one. */
  label?: string;
}

/** A row's classes: every row's, then its own. */
function rowClassName(...classNames: (string | undefined)[]): string | undefined {
  const joined = classNames.filter((name) => name !== undefined && name !== '').join(' ');
  return joined === '' ? undefined : joined;
}

/**
 * A labelled list that stays fast with thousands of rows: rendered whole while short, through
 * TanStack Virtual once it reaches {@link VIRTUALIZE_FROM} rows.
 *
 * @remarks
 * Virtualized, it is still one `<ul>` (or `<ol>`) of `<li>`s under its label, each row carrying
 * `aria-setsize` and `aria-posinset` so assistive technology announces "12 of 10,000" although
 * only the rows in view exist. The scrolling box is focusable (a named group), so the keyboard
 * alone can page through it with the arrow keys, Page Up/Down, Home and End; Tab walks the rows'
 * buttons as in a plain list. The row holding the focus stays rendered while it is scrolled out
 * of view, so the keyboard never drops to the page when a row leaves the view. Rows are measured
 * after rendering, so a row whose text wraps takes the room it needs. Either way each row
 * carries `data-index`, its place in `items`, for a caller that moves the focus to a row.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  if (props.items.length < VIRTUALIZE_FROM) {
    const List = props.isOrdered === true ? 'ol' : 'ul';
    return (
      <List className={props.className} aria-label={props.label}>
        {props.items.map((item, index) => {
          const own = props.rowAttributes?.(item);
          return (
            <li
              key={props.itemKey(item)}
              className={rowClassName(props.itemClassName, own?.className)}
              aria-label={own?.label}
              data-index={index}
            >
              {props.renderItem(item)}
            </li>
          );
        })}
      </List>
    );
  }
  return <VirtualizedRows {...props} />;
}

/** What {@link VirtualRow} needs: the item and where it stands. */
interface VirtualRowProps<T> {
  item: T;
  index: number;
  start: number;
  count: number;
  className: string | undefined;
  rowAttributes: ((item: T) => RowAttributes) | undefined;
  /** TanStack's `measureElement`, which reads the row's height once it is in the DOM. */
  measure: (element: Element | null) => void;
  renderItem: (item: T) => ReactNode;
}

/**
 * One row of a virtualized list, at its offset.
 *
 * @remarks
 * Memoized: while the list scrolls, the rows already in view keep their props (only new rows
 * arrive, at the edges), so React renders just those (README "Performance").
 */
const VirtualRow = memo(function VirtualRow<T>({
  item,
  index,
  start,
  count,
  className,
  rowAttributes,
  measure,
  renderItem,
}: VirtualRowProps<T>) {
  const own = rowAttributes?.(item);
  return (
    <li
      ref={measure}
      data-index={index}
      className={rowClassName('virtual-list__row', className, own?.className)}
      aria-label={own?.label}
      aria-setsize={count}
      aria-posinset={index + 1}
      style={{ transform: `translateY(${String(start)}px)` }}
    >
      {renderItem(item)}
    </li>
  );
  // memo() loses the type parameter; the cast gives it back.
}) as <T>(props: VirtualRowProps<T>) => ReactNode;

/** The gap between rows in CSS pixels unless told: the pickers' `gap: 0.3rem`. */
const ROW_GAP_PX = 5;

function VirtualizedRows<T>(props: VirtualListProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusedIndex, setFocusedIndex] = useState<number | null>(null);
  const { items, itemKey, rowKind, estimatedRowHeight } = props;
  // TanStack lays out every row again from the first one whose options or measured height
  // changed. So the key and the estimate keep their identity across the renders a scroll causes
  // (a new function each render would lay out all 50,000 rows each frame), and a row of a known
  // kind is estimated at its kind's measured height, so measuring it as it scrolls in rarely
  // moves the rows after it.
  const latest = useRef({ items, itemKey, rowKind, estimatedRowHeight });
  latest.current = { items, itemKey, rowKind, estimatedRowHeight };
  const kindHeights = useRef(new Map<string, number>());
  // A new list is laid out whole, every row's estimate asked for: each item's kind is worked out
  // once, not again for each page a long list grows by.
  const kinds = useRef(new WeakMap<object, string>());
  const kindOf = useCallback((index: number): string | undefined => {
    const { items: rows, rowKind: kind } = latest.current;
    const item = rows[index];
    if (kind === undefined || item === undefined) {
      return undefined;
    }
    if (typeof item !== 'object' || item === null) {
      return kind(item);
    }
    let known = kinds.current.get(item);
    if (known === undefined) {
      known = kind(item);
      kinds.current.set(item, known);
    }
    return known;
  }, []);
  // A new list (filtered, paged, polled) is a new key function, so TanStack lays it out afresh;
  // a scroll is not.
  const getItemKey = useCallback(
    (index: number): string | number => {
      const item = items[index];
      return item === undefined ? index : latest.current.itemKey(item);
    },
    [items],
  );
  const estimateSize = useCallback(
    (index: number): number => {
      const kind = kindOf(index);
      return (
        (kind === undefined ? undefined : kindHeights.current.get(kind)) ??
        latest.current.estimatedRowHeight
      );
    },
    [kindOf],
  );
  // Keeps the focused row in the DOM wherever the view is (TanStack's "sticky rows" recipe).
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (focusedIndex === null || focusedIndex >= range.count || indexes.includes(focusedIndex)) {
        return indexes;
      }
      return [...indexes, focusedIndex].sort((a, b) => a - b);
    },
    [focusedIndex],
  );
  // The React Compiler rule warns that useVirtualizer's results cannot be memoized safely.
  // Nothing memoizes them here (no compiler runs in this build), and TanStack Virtual is the
  // maintained library issue 16 asks for rather than virtualizing by hand.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    measureElement: (element, entry, instance) => {
      const height = measureRowHeight(element, entry, instance);
      const kind = kindOf(instance.indexFromElement(element));
      if (kind !== undefined) {
        kindHeights.current.set(kind, height);
      }
      return height;
    },
    overscan: OVERSCAN_ROWS,
    gap: props.rowGapPx ?? ROW_GAP_PX,
    rangeExtractor,
  });
  const count = items.length.toLocaleString('en-US');
  const List = props.isOrdered === true ? 'ol' : 'ul';
  return (
    <div
      ref={scrollRef}
      className={`${props.className} virtual-list`}
      role="group"
      aria-label={`${props.label}, ${count} in all`}
      // Focusable so the keyboard can scroll it (WCAG 2.1.1); its rows' buttons follow in order.
      tabIndex={0}
    >
      <List
        className="virtual-list__rows"
        aria-label={props.label}
        style={{ height: `${String(virtualizer.getTotalSize())}px` }}
        onFocus={(event) => {
          const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
          setFocusedIndex(row === null ? null : Number(row.dataset.index));
        }}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) {
            setFocusedIndex(null);
          }
        }}
      >
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index];
          return item === undefined ? null : (
            <VirtualRow
              key={row.key}
              item={item}
              index={row.index}
              start={row.start}
              count={items.length}
              className={props.itemClassName}
              rowAttributes={props.rowAttributes}
              measure={virtualizer.measureElement}
              renderItem={props.renderItem}
            />
          );
        })}
      </List>
    </div>
  );
}
