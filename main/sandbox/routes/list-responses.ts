import { oktaError } from '../okta-errors.ts';
import { InvalidCursorError, linkHeaders, paginate, readLimit } from '../pagination.ts';
import { compileFilter, FilterSyntaxError, type FilterTerm } from '../query-filter.ts';
import type { RouteContext, RouteResult } from './route.ts';

/** Okta's `E0000001` validation error for one field, with its cause. */
export function validationFailed(field: string, cause: string): RouteResult {
  return oktaError(400, 'E0000001', `Api validation failed: ${field}`, [`${field}: ${cause}`]);
}

/**
 * Okta's `E0000033`: `q` together with `filter` or `search`, which the list cannot honour both
 * of (okta-behaviours.md §6).
 */
export function searchQueryWithFilter(): RouteResult {
  return oktaError(
    400,
    'E0000033',
    "Bad request. Can't specify a search query and filter in the same request.",
  );
}

/**
 * What an endpoint's `filter` or `search` supports, when management.yaml names its subset: which
 * attribute each comparison may read with which operator.
 */
export interface SupportedFilter {
  /** Whether the expression may compare `attribute` with `operator` (`eq`, `sw`, … `pr`). */
  allows(term: FilterTerm): boolean;
}

/** A {@link SupportedFilter} where each of `attributes` may be compared with each of `operators`. */
export function supportedFilter(
  attributes: readonly string[],
  operators: readonly string[],
): SupportedFilter {
  const attributeSet = new Set(attributes);
  const operatorSet = new Set(operators);
  return {
    allows: ({ attribute, operator }) => attributeSet.has(attribute) && operatorSet.has(operator),
  };
}

/**
 * Compiles an Okta `filter` / `search` expression into a predicate on items, or answers
 * `E0000031`.
 *
 * @remarks
 * `projectFor` gives, for the attribute paths the expression reads, the object it is evaluated
 * on — the rendered resource, so attribute names are the ones clients see (or anything that
 * holds the same values at those paths, which is cheaper for a search over every user). With
 * `supported`, an expression reading another attribute or using another operator is refused like
 * one that does not parse, with Okta's "Invalid filter parameter".
 */
export function compileItemFilter<T>(
  expression: string,
  projectFor: (attributes: readonly string[]) => (item: T) => unknown,
  supported?: SupportedFilter,
): { ok: true; matches: (item: T) => boolean } | { ok: false; error: RouteResult } {
  try {
    const predicate = compileFilter(expression);
    const refused = predicate.terms.find((term) => supported?.allows(term) === false);
    if (refused !== undefined) {
      throw new FilterSyntaxError(
        `"${refused.attribute} ${refused.operator}" is not supported by this operation`,
      );
    }
    const project = projectFor(predicate.attributes);
    return { ok: true, matches: (item) => predicate(project(item)) };
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      return {
        ok: false,
        error: oktaError(400, 'E0000031', 'Bad request. Invalid filter parameter.'),
      };
    }
    throw error;
  }
}

/** Keeps the items matching an Okta `filter` / `search` expression, or answers `E0000031`. */
export function applyFilter<T>(
  items: T[],
  expression: string | null,
  project: (item: T) => unknown,
  supported?: SupportedFilter,
): { ok: true; items: T[] } | { ok: false; error: RouteResult } {
  if (expression === null) {
    return { ok: true, items };
  }
  const filter = compileItemFilter(expression, () => project, supported);
  return filter.ok ? { ok: true, items: items.filter(filter.matches) } : filter;
}

/**
 * The `q` of a list endpoint, as a predicate: Okta matches it as a case-insensitive prefix of any
 * of an item's searchable values (okta-behaviours.md §6; management.yaml: "only supports the
 * `startsWith` operation"). `undefined` when the request has no `q`, so every item is listed.
 */
export function startsWithQuery<T>(
  context: RouteContext,
  searchable: (item: T) => readonly (string | undefined)[],
): ((item: T) => boolean) | undefined {
  const q = context.query.get('q');
  if (q === null) {
    return undefined;
  }
  const prefix = q.toLowerCase();
  return (item) =>
    searchable(item).some((value) => value?.toLowerCase().startsWith(prefix) === true);
}

/** How a search's results are ordered: `sortBy` and `sortOrder`, read. */
export interface SearchSort {
  /** The property path, e.g. `profile.lastName`. */
  by: string;
  descending: boolean;
}

/**
 * `sortBy` and `sortOrder` of a `listUsers` or `listGroups` request; `undefined` when the answer
 * keeps the list's own order.
 *
 * @remarks
 * As management.yaml describes them: they apply "for search queries only" (a request without
 * `search` is answered in the list's order), `sortOrder` "is ignored if `sortBy` isn't present",
 * `sortBy` is "any single property" and `sortOrder` is `asc` (the default) or `desc`. Any other
 * `sortOrder`, or a `sortBy` that is not a property path, is `E0000001`.
 */
export function readSearchSort(
  query: URLSearchParams,
): { ok: true; sort: SearchSort | undefined } | { ok: false; error: RouteResult } {
  const by = query.get('sortBy');
  if (query.get('search') === null || by === null) {
    return { ok: true, sort: undefined };
  }
  if (!/^[A-Za-z_][\w.]*$/.test(by)) {
    return {
      ok: false,
      error: validationFailed('sortBy', 'must name one property, such as profile.lastName'),
    };
  }
  const order = (query.get('sortOrder') ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') {
    return { ok: false, error: validationFailed('sortOrder', 'must be asc or desc') };
  }
  return { ok: true, sort: { by, descending: order === 'desc' } };
}

/** The value at a property path, when it is one a sort can order (a string, number or boolean). */
function sortValueAt(subject: unknown, path: readonly string[]): string | number | boolean | null {
  let current = subject;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) {
      return null;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean'
    ? current
    : null;
}

/** Numbers, then strings, then booleans, then items without a value: one order for any mix. */
function sortRank(value: string | number | boolean | null): number {
  return value === null ? 3 : typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : 2;
}

function compareSortValues(
  left: string | number | boolean | null,
  right: string | number | boolean | null,
): number {
  const rank = sortRank(left) - sortRank(right);
  if (rank !== 0 || left === null || right === null) {
    return rank;
  }
  const [a, b] =
    typeof left === 'string' && typeof right === 'string'
      ? [left.toLowerCase(), right.toLowerCase()]
      : [left, right];
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `items` ordered by the property `sort.by` of each one's `subject`, ties by id (management.yaml:
 * "with the same value for the `sortBy` property are ordered by `id`").
 *
 * @remarks
 * Okta does not document its collation, nor where items without the property go: strings are
 * compared case-insensitively (as search compares them), and an item without a value sorts as
 * the greatest — last ascending, first descending **(unverified)**. Ties stay in id order either
 * way.
 */
export function sortedBySearch<T>(
  items: readonly T[],
  sort: SearchSort,
  subject: (item: T) => unknown,
  idOf: (item: T) => string,
): T[] {
  const path = sort.by.split('.');
  const direction = sort.descending ? -1 : 1;
  return items
    .map((item) => ({ item, id: idOf(item), value: sortValueAt(subject(item), path) }))
    .sort(
      (a, b) =>
        direction * compareSortValues(a.value, b.value) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map(({ item }) => item);
}

/**
 * Okta's `E0000001` for a value of `parameter` that the sandbox does not implement, although the
 * route implements the parameter with its `supported` values (e.g. `expand=group`, not
 * `expand=metadata`).
 */
export function unsupportedValue(
  parameter: string,
  value: string,
  supported: readonly string[],
): RouteResult {
  return validationFailed(
    parameter,
    `The sandbox org implements ${supported.map((one) => `${parameter}=${one}`).join(' and ')} here, not ${parameter}=${value}, so it refuses the request rather than answer without what was asked for. Leave ${parameter} out, or use one of those values.`,
  );
}

/**
 * One page of a list as Okta answers it: the rendered items and the `Link` headers.
 *
 * @remarks
 * `limits` are the endpoint's own default and maximum (okta-behaviours.md §6), and its minimum
 * where the spec declares one (a smaller `limit` is raised to it, as a larger one is lowered to
 * the maximum). A non-positive
 * `limit` is `E0000001`; a cursor the sandbox did not issue is `E0000029`. With `matches`, only
 * the items it keeps are listed, found page by page (see {@link paginate}).
 */
export function pagedResponse<T>(
  context: RouteContext,
  items: readonly T[],
  limits: { default: number; max: number; min?: number },
  idOf: (item: T) => string,
  render: (item: T) => unknown,
  matches?: (item: T) => boolean,
): RouteResult {
  const limit = readLimit(context.query, limits);
  if (limit === null) {
    return validationFailed('limit', 'must be a positive integer');
  }
  try {
    const page = paginate(items, { limit, after: context.query.get('after'), matches }, idOf);
    return {
      status: 200,
      body: page.items.map(render),
      headers: { Link: linkHeaders(context.url, limit, page.nextCursor) },
    };
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      return oktaError(
        400,
        'E0000029',
        'Invalid paging request. Ensure the pagination cursor has not been altered',
      );
    }
    throw error;
  }
}
