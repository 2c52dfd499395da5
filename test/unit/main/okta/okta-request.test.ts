import { describe, expect, it } from 'vitest';

import { oktaPathSegment } from '../../../../main/okta/okta-request.ts';

describe('oktaPathSegment', () => {
  it('keeps @, which a DPoP proof’s htu must carry as Okta decodes the path', () => {
    expect(oktaPathSegment('ada.lovelace@example.com')).toBe('ada.lovelace@example.com');
  });

  it('escapes what would end or change the segment', () => {
    expect(oktaPathSegment('../users/me')).toBe('..%2Fusers%2Fme');
    expect(oktaPathSegment('a?b#c d+e%f')).toBe('a%3Fb%23c%20d%2Be%25f');
  });
});
