import { describe, expect, it } from 'vitest';

import {
  groupsReleasedByExpression,
  readGroupsExpression,
} from '../../../../shared/okta/groups-expression.ts';

const NAMES = ['Everyone', 'Kestra Admins', 'Kestra Users', 'Engineering', 'Data Engineering'];

describe('readGroupsExpression', () => {
  it.each([
    ['Groups.startsWith("OKTA", "Kestra", 100)', ['Kestra Admins', 'Kestra Users']],
    ['  Groups.startsWith( "OKTA" , "Kestra" , 1 )  ', ['Kestra Admins']],
    ['Groups.endsWith("OKTA", "Engineering", 10)', ['Data Engineering', 'Engineering']],
    ['Groups.contains("OKTA", "Users", 10)', ['Kestra Users']],
    // Names match as written: Okta's groups are named by people, and a claim is read by machines.
    ['Groups.startsWith("OKTA", "kestra", 100)', []],
    // Only Okta-mastered groups live in the sandbox.
    ['Groups.startsWith("active_directory", "Kestra", 100)', []],
    ['Groups.contains("OKTA", "say \\"hi\\"", 5)', []],
  ])('%s releases %j', (text, expected) => {
    const read = readGroupsExpression(text);
    expect(read.ok).toBe(true);
    if (read.ok) {
      expect(groupsReleasedByExpression(read.expression, NAMES)).toEqual(expected);
    }
  });

  it.each([
    ['getFilteredGroups(app.profile.allow, "group.name", 40)', 'is not one of the group functions'],
    ['Groups.startsWith("OKTA", "a")', 'is not one of the group functions'],
    ['isMemberOfGroupName("Kestra Admins")', 'is not one of the group functions'],
    ['Groups.startsWith("OKTA", "a", 0)', 'between 1 and 100'],
    ['Groups.startsWith("OKTA", "a", 101)', 'between 1 and 100'],
  ])('refuses %s, saying why', (text, problem) => {
    const read = readGroupsExpression(text);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.problem).toContain(problem);
    }
  });

  it('reads escaped quotes in the value', () => {
    expect(readGroupsExpression('Groups.contains("OKTA", "a\\"b", 3)')).toEqual({
      ok: true,
      expression: { function: 'contains', source: 'OKTA', value: 'a"b', limit: 3 },
    });
  });
});
