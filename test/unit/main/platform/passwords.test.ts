import { describe, expect, it } from 'vitest';

import { generateTestUserPassword } from '../../../../main/platform/passwords.ts';
import { meetsPasswordPolicy } from '../../../../main/sandbox/passwords.ts';

describe('generateTestUserPassword', () => {
  it('meets Okta’s default policy, for any user', () => {
    for (let round = 0; round < 200; round += 1) {
      const password = generateTestUserPassword(['ada@example.com', 'Ada', 'Lovelace']);
      expect(meetsPasswordPolicy(password, 'ada@example.com')).toBe(true);
    }
  });

  it('never holds a part of the user’s names, even when a random draw often would', () => {
    // 300 three-letter parts: about one draw in five spells one of them, and must be redrawn.
    const letters = 'abcdefghjk';
    const parts = Array.from({ length: 300 }, (_, index) =>
      [index % 10, Math.floor(index / 10) % 10, Math.floor(index / 100)]
        .map((digit) => letters[digit])
        .join(''),
    );
    for (let round = 0; round < 300; round += 1) {
      const password = generateTestUserPassword([parts.join('.')]).toLowerCase();
      expect(parts.filter((part) => password.includes(part))).toEqual([]);
    }
  });

  it('ends for a name that a fixed suffix would always spell', () => {
    const password = generateTestUserPassword(['aa1@example.com', 'Aa1']).toLowerCase();
    expect(password).not.toContain('aa1');
  });
});
