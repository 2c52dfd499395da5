import { describe, expect, it } from 'vitest';

import { oktaPathSegment } from '../../../../main/okta/okta-request.ts';

describe('oktaPathSegment', () => {
  it('keeps @, which a DPoP proof’s htu must carry as Okta decodes the path', () => {
    expect(oktaPathSegment('ada.lovelace@example.com')).toBe('ada.lovelace@example.com');
  });

  it('keeps what a segment allows, as Okta decodes it: a plus-addressed login, = , $ & :', () => {
    expect(oktaPathSegment('ada+preview@example.com')).toBe('ada+preview@example.com');
    expect(oktaPathSegment("x=y,z$&:o'brien")).toBe("x=y,z$&:o'brien");
  });

  it('escapes what would end or change the segment, and ; which servers may cut a path at', () => {
    expect(oktaPathSegment('../users/me')).toBe('..%2Fusers%2Fme');
    expect(oktaPathSegment('a?b#c d%f;g')).toBe('a%3Fb%23c%20d%25f%3Bg');
  });
});
