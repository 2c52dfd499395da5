import { describe, expect, it } from 'vitest';

import {
  appGroupsClaimBody,
  appGroupsClaimPath,
  readAppGroupsClaim,
} from '../../../../main/okta/app-groups-claim.ts';
import type { GroupsClaim } from '../../../../shared/setup/setup-document.ts';

describe('the app groups claim endpoint’s JSON', () => {
  it.each<[GroupsClaim, Record<string, string>]>([
    [
      { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
      {
        issuerMode: 'ORG_URL',
        name: 'groups',
        valueType: 'GROUPS',
        groupFilterType: 'REGEX',
        value: '.*',
      },
    ],
    [
      { type: 'EXPRESSION', name: 'roles', value: 'Groups.startsWith("OKTA", "k", 9)' },
      {
        issuerMode: 'ORG_URL',
        name: 'roles',
        valueType: 'EXPRESSION',
        value: 'Groups.startsWith("OKTA", "k", 9)',
      },
    ],
  ])('writes %j as the Terraform provider does, and reads it back', (claim, body) => {
    expect(appGroupsClaimBody(claim, 'ORG_URL')).toEqual(body);
    expect(readAppGroupsClaim({ ...body, issuer: 'https://x', audience: '0oa1' })).toEqual(claim);
  });

  it('clears the claim with the issuer mode alone, and reads an answer without a name as none', () => {
    expect(appGroupsClaimBody(undefined, 'DYNAMIC')).toEqual({ issuerMode: 'DYNAMIC' });
    expect(readAppGroupsClaim({ issuerMode: 'ORG_URL', issuer: 'https://x' })).toBeUndefined();
    expect(readAppGroupsClaim({ name: '' })).toBeUndefined();
  });

  it('escapes the app id into the internal path', () => {
    expect(appGroupsClaimPath('0oa1/../x')).toBe(
      '/api/v1/internal/apps/0oa1%2F..%2Fx/settings/oauth/idToken',
    );
  });
});
