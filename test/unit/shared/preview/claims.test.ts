import { describe, expect, it } from 'vitest';

import { claimTime, explainClaim } from '../../../../shared/preview/claims.ts';

describe('claim explanations', () => {
  it('explains standard and Okta claims, and leaves custom ones unexplained', () => {
    expect(explainClaim('iss')).toMatch(/^Issuer:/);
    expect(explainClaim('email_verified')).toContain('Kaimu');
    expect(explainClaim('department')).toBeUndefined();
    // Not fooled by inherited names.
    expect(explainClaim('constructor')).toBeUndefined();
  });

  it('shows time claims as dates', () => {
    expect(claimTime('exp', 1_800_000_000)).toBe('2027-01-15T08:00:00.000Z');
    expect(claimTime('sub', 1_800_000_000)).toBeUndefined();
    expect(claimTime('iat', 'soon')).toBeUndefined();
  });
});
