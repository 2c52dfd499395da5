import { ADMIN_ROLE_LABELS, GRANT_SCOPES_PATH } from '../../shared/okta/management-scopes.ts';
import { createSetupDocument, PRESETS } from '../../shared/setup/presets.ts';
import type { PresetId } from '../../shared/setup/setup-document.ts';
import {
  missingScopes,
  planPrivileges,
  type PrivilegePlan,
  tasksForSetup,
  unusedScopes,
} from '../okta/least-privilege.ts';

/** Where the admin assigns the role in the Admin Console. */
const ROLE_PATH = 'the service app → Admin roles → Edit assignments';

/**
 * The least privilege of a preset's setup and the day-two work on it, as `sso-console scopes`
 * prints it.
 *
 * @remarks
 * The plan assumes the admin also assigns users and groups and lets the console make a test
 * user, since the wizard offers all three: a service app granted less would fail halfway through
 * a setup. `granted` (the scopes the service app holds) adds what is missing and what is unused.
 */
export function scopesReport(options: { preset: PresetId; granted?: readonly string[] }): {
  plan: PrivilegePlan;
  missing?: string[];
  unused?: string[];
} {
  const document = createSetupDocument({ id: 'scopes', preset: options.preset });
  document.assignments.testUser = {
    firstName: 'Test',
    lastName: 'User',
    email: 'test@example.com',
  };
  const plan = planPrivileges(tasksForSetup(document, { withAssignments: true }));
  return options.granted === undefined
    ? { plan }
    : {
        plan,
        missing: missingScopes(options.granted, plan),
        unused: unusedScopes(options.granted, plan),
      };
}

/** `sso-console scopes`: the report as text, or as JSON with `json`. */
export function runScopesCommand(options: {
  preset: PresetId;
  granted?: readonly string[];
  json: boolean;
}): string {
  const report = scopesReport(options);
  if (options.json) {
    return `${JSON.stringify({ target: options.preset, ...report }, null, 2)}\n`;
  }
  const { plan } = report;
  const lines = [
    `Least privilege for a ${PRESETS[options.preset].name} setup through an OAuth 2.0 service app`,
    `Planned work: ${plan.tasks.join(', ')}`,
    '',
    `Scopes to grant (${GRANT_SCOPES_PATH}):`,
  ];
  for (const { scope, reasons } of plan.scopes) {
    lines.push(`  ${scope}`);
    for (const reason of reasons) {
      lines.push(`    - ${reason.title}: ${reason.operations.join(', ')}`);
    }
  }
  lines.push(
    '',
    `Admin role (${ROLE_PATH}): ${plan.role} (${ADMIN_ROLE_LABELS[plan.role]}), the least privileged single role that may make every call.`,
  );
  if (plan.roles.length > 1 || plan.roles[0] !== plan.role) {
    lines.push('  Or, narrower, these roles together:');
    for (const { role, label, tasks } of plan.roleReasons) {
      lines.push(`    ${role} (${label}): ${tasks.join(', ')}`);
    }
  }
  for (const step of plan.unscoped) {
    lines.push('', `No scope opens ${step.operations.join(', ')} (${step.task}): ${step.instead}`);
  }
  for (const { operationId, scope, why } of plan.optional) {
    lines.push(
      '',
      `Not planned: ${operationId}${scope === undefined ? '' : ` (${scope})`}, which ${why}.`,
    );
  }
  if (report.missing !== undefined && report.unused !== undefined) {
    lines.push(
      '',
      report.missing.length === 0
        ? 'Granted: every planned scope.'
        : `Missing (grant them): ${report.missing.join(', ')}`,
      report.unused.length === 0
        ? 'Nothing granted goes unused.'
        : `Granted but never used by this work (revoke them): ${report.unused.join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
