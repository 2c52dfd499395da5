import { OKTA_USER_LIFECYCLE_ERRORS } from '../../shared/okta/user-lifecycle-texts.ts';
import { requestId } from './okta-ids.ts';

/** An Okta management error body (`ModelError` in management.yaml). */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

/** A sandbox response that is an Okta error. */
export interface OktaErrorResponse {
  status: number;
  body: OktaErrorBody;
}

/** Builds an Okta error response with Okta's exact code and text. */
export function oktaError(
  status: number,
  errorCode: string,
  errorSummary: string,
  causes: string[] = [],
) {
  return {
    status,
    body: {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: requestId(),
      errorCauses: causes.map((errorSummary) => ({ errorSummary })),
    },
  } satisfies OktaErrorResponse;
}

/**
 * Okta's management errors, with Okta's exact texts (okta-behaviours.md §10, management.yaml
 * examples). The console keys on `errorCode`; the texts matter for fidelity.
 */
export const OKTA_ERRORS = {
  invalidToken: () => oktaError(401, 'E0000011', 'Invalid token provided'),
  accessDenied: () =>
    oktaError(403, 'E0000006', 'You do not have permission to perform the requested action'),
  notFound: (id: string, type: string) =>
    oktaError(404, 'E0000007', `Not found: Resource not found: ${id} (${type})`),
  pathNotFound: () => oktaError(404, 'E0000008', 'The requested path was not found.'),
  methodNotAllowed: () =>
    oktaError(404, 'E0000022', 'The endpoint does not support the provided HTTP method.'),
  malformedBody: () => oktaError(400, 'E0000003', 'The request body was not well-formed.'),
  rateLimited: () =>
    oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'),
  internal: () => oktaError(500, 'E0000009', 'Internal Server Error'),
  /** A user lifecycle operation the user's status does not allow (okta-behaviours.md §5). */
  userStatusForbids: () =>
    oktaError(
      403,
      OKTA_USER_LIFECYCLE_ERRORS.wrongStatus.errorCode,
      OKTA_USER_LIFECYCLE_ERRORS.wrongStatus.errorSummary,
    ),
  /** `unlock` on a user who is not LOCKED_OUT (okta-behaviours.md §5). */
  unlockNotAllowed: () =>
    oktaError(
      403,
      OKTA_USER_LIFECYCLE_ERRORS.unlockNotAllowed.errorCode,
      OKTA_USER_LIFECYCLE_ERRORS.unlockNotAllowed.errorSummary,
    ),
};
