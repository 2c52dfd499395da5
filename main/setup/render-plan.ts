import type { SetupPlan } from '../../shared/ipc/contract.ts';

type Action = SetupPlan['steps'][number]['action'];

const SYMBOL: Record<Action, string> = { create: '+', update: '~', unchanged: '=' };

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/**
 * A plan as an admin reads it in a terminal, like `terraform plan`: one block per object that
 * changes (`+` create, `~` update) with its fields, the unchanged ones counted, then a summary.
 */
export function renderPlan(plan: SetupPlan, context: { orgUrl: string }): string {
  const lines = [`Plan against ${context.orgUrl}`, ''];
  if (!plan.steps.some((planned) => planned.action !== 'unchanged') && plan.blockers.length === 0) {
    lines.push('  No changes: the org already matches the setup document.');
  }
  for (const step of plan.steps.filter((planned) => planned.action !== 'unchanged')) {
    lines.push(`  ${SYMBOL[step.action]} ${step.title}`);
    for (const change of step.changes) {
      lines.push(
        step.action === 'create'
          ? `      ${change.field}: ${show(change.after)}`
          : `      ${change.field}: ${show(change.before)} → ${show(change.after)}`,
      );
    }
  }
  const count = (action: Action) => plan.steps.filter((step) => step.action === action).length;
  if (plan.blockers.length > 0) {
    lines.push('', 'Cannot apply yet:', ...plan.blockers.map((blocker) => `  ! ${blocker}`));
  }
  if (plan.notes.length > 0) {
    lines.push('', ...plan.notes.map((note) => `Note: ${note}`));
  }
  lines.push(
    '',
    `Plan: ${String(count('create'))} to create, ${String(count('update'))} to update, ${String(count('unchanged'))} unchanged.`,
    '',
  );
  return lines.join('\n');
}
