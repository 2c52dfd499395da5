import { z } from 'zod';

import { setupPlanSchema } from '../../shared/ipc/contract.ts';
import {
  parseSetupDocument,
  type SetupDocument,
  SetupDocumentError,
} from '../../shared/setup/setup-document.ts';
import type { Plan } from './plan.ts';
import { STEP_KINDS } from './plan.ts';
import type { HeldPlan } from './setup-service.ts';

/** What a plan file says it is, so `sso-console apply` tells it from a setup document. */
export const PLAN_FILE_FORMAT = 'sso-console-plan';

/**
 * A saved plan, as `sso-console plan FILE --out PLANFILE` writes it: the document, the org it
 * was planned against, its steps, and what it read (Terraform's saved plan, in JSON an admin can
 * read and diff).
 *
 * @remarks
 * No secret is in it: the document has none, and what the plan read are ids, timestamps and the
 * app's settings.
 */
const planFileSchema = z.object({
  format: z.literal(PLAN_FILE_FORMAT),
  formatVersion: z.literal(1),
  orgUrl: z.string(),
  plannedAt: z.string(),
  /** Read by `parseSetupDocument`, which knows the document's versions. */
  document: z.unknown(),
  plan: setupPlanSchema.extend({
    steps: z.array(
      setupPlanSchema.shape.steps.element.extend({
        kind: z.enum(STEP_KINDS),
        dependsOn: z.array(z.string()),
      }),
    ),
    basis: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        facts: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  }),
});

/** Whether parsed JSON says it is a plan file (rather than a setup document). */
export function isPlanFile(json: unknown): boolean {
  return (json as { format?: unknown } | null)?.format === PLAN_FILE_FORMAT;
}

/** A held plan as the text of a plan file. */
export function planFileText(held: HeldPlan, plannedAt: Date): string {
  const file: z.input<typeof planFileSchema> = {
    format: PLAN_FILE_FORMAT,
    formatVersion: 1,
    orgUrl: held.orgUrl,
    plannedAt: plannedAt.toISOString(),
    document: held.document,
    plan: held.plan,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A plan file that cannot be used, with what is wrong with it. */
export class PlanFileError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('This is not a plan file sso-console can apply.');
    this.name = 'PlanFileError';
    this.problems = problems;
  }
}

/** Reads a plan file's JSON back into the plan it holds. */
export function readPlanFile(json: unknown): HeldPlan & { plannedAt: string } {
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new PlanFileError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(the file)'}: ${issue.message}`,
      ),
    );
  }
  let document: SetupDocument;
  try {
    document = parseSetupDocument(parsed.data.document);
  } catch (error) {
    if (error instanceof SetupDocumentError) {
      throw new PlanFileError(error.problems.map((problem) => `document: ${problem}`));
    }
    throw error;
  }
  const { orgUrl, plannedAt, plan } = parsed.data;
  return { orgUrl, plannedAt, document, plan: plan as Plan };
}
