import { oktaError, type OktaErrorResponse } from './okta-errors.ts';
import type { Route } from './routes/route.ts';

/**
 * Okta's `E0000001` for a request carrying a query parameter its route does not implement, or
 * `undefined` when the route implements every one it carries.
 *
 * @remarks
 * The server answers it before the handler runs. Without it, a parameter the sandbox does not
 * read would be silently ignored, and the answer would look as if it had been honoured (every
 * user for a `fields` projection, no `_embedded` for an `expand`); the same request against an
 * Okta org would act differently. The parameter may be one management.yaml declares for the
 * operation that the sandbox has not implemented, or one the spec does not declare at all: the
 * refusal is the same, as the sandbox cannot honour either. One parameter is named, the first
 * in the request, as Okta's validation errors name one field.
 */
export function unimplementedQueryParameter(
  route: Pick<Route, 'operationId' | 'queryParameters'>,
  query: URLSearchParams,
): OktaErrorResponse | undefined {
  const name = [...query.keys()].find((key) => !route.queryParameters.includes(key));
  if (name === undefined) {
    return undefined;
  }
  const implemented =
    route.queryParameters.length === 0
      ? 'it implements no query parameters for this operation'
      : `it implements ${route.queryParameters.join(', ')} only`;
  return oktaError(400, 'E0000001', `Api validation failed: ${name}`, [
    `${name}: The sandbox org does not implement the query parameter "${name}" of ${route.operationId} (${implemented}), so it refuses the request rather than answer as if the parameter had been honoured; an Okta org honours the parameters management.yaml declares for ${route.operationId}. Leave "${name}" out, or implement it in the sandbox's route for ${route.operationId} (main/sandbox/routes/) and add it to that route's queryParameters.`,
  ]);
}
