import { describe, expect, it } from 'vitest';

import {
  redactAuthorization,
  redactForm,
  redactJson,
  redactUrl,
  visibleText,
} from '../../../../main/preview/preview-redaction.ts';
import { basicCredentials } from '../../../../main/preview/sign-in-session.ts';

describe('redaction for the preview timeline', () => {
  it('redacts one-time values and secrets in the query and fragment, keeping the rest', () => {
    const url = redactUrl(
      'http://127.0.0.1:8/cb?code=abc&state=s1&iss=https%3A%2F%2Fexample.okta.com#id_token=t&x=1',
    );
    expect(url).toBe(
      'http://127.0.0.1:8/cb?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fexample.okta.com#id_token=[redacted]&x=1',
    );
    expect(redactUrl('https://o.example/v1/authorize?nonce=n&code_challenge=c&scope=openid')).toBe(
      'https://o.example/v1/authorize?nonce=[redacted]&code_challenge=[redacted]&scope=openid',
    );
    expect(redactUrl('https://user:pw@o.example/x')).toBe('https://o.example/x');
    expect(redactUrl('not a url with a secret')).toBe('[redacted]');
  });

  it('redacts form and JSON members at any depth, by exact name', () => {
    expect(
      redactForm(
        'grant_type=authorization_code&code=c&code_verifier=v&client_secret=s&client_id=i',
      ),
    ).toEqual({
      grant_type: 'authorization_code',
      code: '[redacted]',
      code_verifier: '[redacted]',
      client_secret: '[redacted]',
      client_id: 'i',
    });
    expect(
      redactJson({
        access_token: 'a',
        id_token: 'i',
        refresh_token: 'r',
        token_type: 'Bearer',
        nested: [{ Access_Token: 'x', scope: 'openid' }],
      }),
    ).toEqual({
      access_token: '[redacted]',
      id_token: '[redacted]',
      refresh_token: '[redacted]',
      token_type: 'Bearer',
      nested: [{ Access_Token: '[redacted]', scope: 'openid' }],
    });
  });

  it('keeps only the scheme of an Authorization header', () => {
    expect(redactAuthorization('Basic Zm9vOmJhcg==')).toBe('Basic [redacted]');
    expect(redactAuthorization('Bearer eyJ.x.y')).toBe('Bearer [redacted]');
    expect(redactAuthorization('opaque')).toBe('[redacted]');
  });

  it("reads an error page's visible text", () => {
    expect(
      visibleText(
        '<html><head><title>t</title><style>p{}</style></head><body><h1>400 Bad Request</h1><p>The &#39;redirect_uri&#39; parameter &amp; more</p><script>x()</script></body></html>',
      ),
    ).toBe("400 Bad Request The 'redirect_uri' parameter & more");
  });
});

describe('client_secret_basic credentials', () => {
  it('form-url-encodes the id and the secret before Base64 (RFC 6749 §2.3.1)', () => {
    const header = basicCredentials('client id', 'se:cr/et+%');
    const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(decoded).toBe('client+id:se%3Acr%2Fet%2B%25');
  });
});
