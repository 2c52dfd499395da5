import { oktaError } from '../okta-errors.ts';
import { InvalidCursorError, linkHeaders, paginate, readLimit } from '../pagination.ts';
import { compileFilter, FilterSyntaxError } from '../query-filter.ts';
import type { RouteContext, RouteResult } from './route.ts';

/** Okta's `E0000001` validation error for one field, with its cause. */
export function validationFailed(field: string, cause: string): RouteResult {
  return oktaError(400, 'E0000001', `Api validation failed: ${field}`, [`${field}: ${cause}`]);
}

/** What an endpoint's `filter` supports, when it names its subset (management.yaml's words). */
export interface SupportedFilter {
  /** The attribute paths it may read. */
  attributes: ReadonlySet<string>;
  /** The comparison operators it may use (`eq`, `sw`, … and `pr`), lower-case. */
  operators: ReadonlySet<string>;
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
    if (supported !== undefined) {
      const attribute = predicate.attributes.find((name) => !supported.attributes.has(name));
      const operator = predicate.operators.find((name) => !supported.operators.has(name));
      if (attribute !== undefined || operator !== undefined) {
        throw new FilterSyntaxError(
          attribute === undefined
            ? `"${operator ?? ''}" is not supported here`
            : `"${attribute}" cannot be filtered on here`,
        );
      }
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

/**
 * One page of a list as Okta answers it: the rendered items and the `Link` headers.
 *
 * @remarks
 * `limits` are the endpoint's own default and maximum (okta-behaviours.md §6). A non-positive
 * `limit` is `E0000001`; a cursor the sandbox did not issue is `E0000029`. With `matches`, only
 * the items it keeps are listed, found page by page (see {@link paginate}).
 */
export function pagedResponse<T>(
  context: RouteContext,
  items: readonly T[],
  limits: { default: number; max: number },
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
