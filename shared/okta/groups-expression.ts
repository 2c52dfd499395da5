/**
 * The Okta Expression Language group functions a groups claim of type EXPRESSION is written with,
 * as far as the console and the sandbox read them.
 *
 * @remarks
 * Okta's Sign On tab offers "Groups claim type: Expression", whose value is an expression that
 * yields group names, e.g. `Groups.startsWith("OKTA", "kestra", 100)` (Okta's "Group functions":
 * `Groups.startsWith`, `Groups.endsWith`, `Groups.contains`, each with the groups' source — `OKTA`
 * for Okta groups, `active_directory`, or an app id —, a value and a limit of at most 100).
 * Other expressions (`getFilteredGroups(…)` over an app profile's allow-list, string logic) are
 * Okta's to evaluate: the sandbox refuses them when they are saved, naming the forms it reads,
 * rather than releasing a claim Okta would have filled differently; the export treats them as
 * releasing every group.
 */

/** One group function call: which function, over which source, with which value and limit. */
export interface GroupsExpression {
  function: 'startsWith' | 'endsWith' | 'contains';
  /** `OKTA` for groups mastered in Okta; another source releases none of the sandbox's groups. */
  source: string;
  value: string;
  limit: number;
}

/** Okta's ceiling on a group function's limit. */
export const GROUP_FUNCTION_MAX_LIMIT = 100;

const GROUP_FUNCTION =
  /^\s*Groups\.(startsWith|endsWith|contains)\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*,\s*(\d+)\s*\)\s*$/u;

/** The forms {@link readGroupsExpression} reads, as an error message names them. */
export const READABLE_GROUPS_EXPRESSIONS =
  'Groups.startsWith("OKTA", "prefix", 100), Groups.endsWith("OKTA", "suffix", 100) or Groups.contains("OKTA", "text", 100)';

function unescaped(text: string): string {
  return text.replace(/\\(.)/gu, '$1');
}

/**
 * Reads a groups expression, or answers why it cannot: a form outside the three group functions,
 * or a limit outside 1–100.
 */
export function readGroupsExpression(
  text: string,
): { ok: true; expression: GroupsExpression } | { ok: false; problem: string } {
  const match = GROUP_FUNCTION.exec(text);
  if (match === null) {
    return {
      ok: false,
      problem: `"${text}" is not one of the group functions read here: ${READABLE_GROUPS_EXPRESSIONS}.`,
    };
  }
  const [, name, source, value, limitText] = match;
  const limit = Number(limitText);
  if (limit < 1 || limit > GROUP_FUNCTION_MAX_LIMIT) {
    return {
      ok: false,
      problem: `The limit of a group function is between 1 and ${String(GROUP_FUNCTION_MAX_LIMIT)}; "${text}" asks for ${String(limit)}.`,
    };
  }
  return {
    ok: true,
    expression: {
      function: name as GroupsExpression['function'],
      source: unescaped(source ?? ''),
      value: unescaped(value ?? ''),
      limit,
    },
  };
}

/**
 * The group names an expression releases from a user's Okta groups, sorted, at most `limit`.
 * Names match as written (case-sensitively), like the sandbox's FILTER claims.
 */
export function groupsReleasedByExpression(
  expression: GroupsExpression,
  oktaGroupNames: readonly string[],
): string[] {
  if (expression.source !== 'OKTA') {
    return [];
  }
  const matches = (name: string): boolean => {
    switch (expression.function) {
      case 'startsWith':
        return name.startsWith(expression.value);
      case 'endsWith':
        return name.endsWith(expression.value);
      case 'contains':
        return name.includes(expression.value);
    }
  };
  return oktaGroupNames.filter(matches).sort().slice(0, expression.limit);
}
