import { describe, expect, it } from 'vitest';

import { toOktaAppError } from '../../../../main/okta/okta-errors.ts';

const context = {
  orgUrl: 'https://dev-1.okta.com',
  action: 'reading the org',
  token: `00${'z'.repeat(40)}`,
};

function oktaApiError(status: number, errorCode: string, errorSummary: string) {
  return Object.assign(new Error(`Okta HTTP ${String(status)} ${errorCode} ${errorSummary}`), {
    name: 'OktaApiError',
    status,
    errorCode,
    errorSummary,
    errorId: 'oaeAbc',
  });
}

describe('toOktaAppError', () => {
  it.each([
    [401, 'E0000011', 'Invalid token provided', 'TOKEN_INVALID', 'apiToken'],
    [
      403,
      'E0000006',
      'You do not have permission to perform the requested action',
      'PERMISSION_DENIED',
      'apiToken',
    ],
    [
      429,
      'E0000047',
      'API call exceeded rate limit due to too many requests.',
      'RATE_LIMITED',
      undefined,
    ],
    [404, 'E0000007', 'Not found: Resource not found: x (User)', 'OKTA_ERROR', undefined],
  ])('maps HTTP %i %s to %s', (status, errorCode, summary, code, field) => {
    const error = toOktaAppError(oktaApiError(status, errorCode, summary), context);
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.message).toContain(errorCode);
    expect(error.hint.length).toBeGreaterThan(20);
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'CERT_HAS_EXPIRED'])(
    'maps a %s network failure to ORG_UNREACHABLE with a specific hint',
    (code) => {
      const cause = Object.assign(new Error('connect failed'), { code });
      const error = toOktaAppError(
        Object.assign(new Error('request failed'), { name: 'FetchError', cause }),
        context,
      );
      expect(error.code).toBe('ORG_UNREACHABLE');
      expect(error.field).toBe('orgUrl');
      expect(error.message).toContain(code);
    },
  );

  it('maps a non-Okta error page to ORG_NOT_OKTA, and a 5xx to an outage', () => {
    const notFound = Object.assign(new Error('HTTP 404 <html>'), {
      name: 'HttpError',
      status: 404,
    });
    expect(toOktaAppError(notFound, context).code).toBe('ORG_NOT_OKTA');
    const badGateway = Object.assign(new Error('HTTP 502 <html>'), {
      name: 'HttpError',
      status: 502,
    });
    const outage = toOktaAppError(badGateway, context);
    expect(outage.code).toBe('OKTA_ERROR');
    expect(outage.message).toContain('failing right now');
  });

  it('maps JSON that is not an Okta error object (another API) to ORG_NOT_OKTA', () => {
    const foreignJson = Object.assign(new Error('Okta HTTP 404 undefined'), {
      name: 'OktaApiError',
      status: 404,
      errorCode: undefined,
      errorSummary: '',
    });
    expect(toOktaAppError(foreignJson, context).code).toBe('ORG_NOT_OKTA');
  });

  it('maps node-fetch’s own timeout (a FetchError without a code) to ORG_UNREACHABLE', () => {
    const timeout = Object.assign(
      new Error('network timeout at: https://dev-1.okta.com/api/v1/users/me'),
      {
        name: 'FetchError',
        type: 'request-timeout',
      },
    );
    const error = toOktaAppError(timeout, context);
    expect(error.code).toBe('ORG_UNREACHABLE');
    expect(error.message).toContain('ETIMEDOUT');
  });

  it('does not mistake a programming error for an unreachable org', () => {
    const bug = Object.assign(new TypeError('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(toOktaAppError(bug, context).code).toBe('INTERNAL');
  });

  it('says when Okta allows the next call after a 429', () => {
    const limited = Object.assign(
      oktaApiError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'),
      {
        headers: new Headers({
          'x-rate-limit-reset': String(Date.UTC(2026, 0, 1, 12, 30, 5) / 1000),
        }),
      },
    );
    expect(toOktaAppError(limited, context).message).toContain('next call at 12:30:05 UTC');
  });

  it('never lets the token through, even if an upstream message carried it', () => {
    const error = toOktaAppError(
      oktaApiError(400, 'E0000001', `bad value ${context.token}`),
      context,
    );
    expect(JSON.stringify(error.toValue())).not.toContain(context.token);
  });
});
