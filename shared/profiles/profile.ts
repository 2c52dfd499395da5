import { z } from 'zod';

/**
 * What the console knows about a connected org, as the renderer may see it.
 *
 * @remarks
 * Holds no secret: the API token stays in the OS keychain and only its last four characters
 * (`tokenHint`) ever leave main, so an admin can tell two tokens apart.
 */
export const profileSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['okta', 'sandbox']),
  label: z.string(),
  orgUrl: z.string(),
  orgName: z.string(),
  owner: z.object({ id: z.string(), login: z.string(), displayName: z.string() }),
  /** Admin role types of the token's owner, or `null` when the token may not read them. */
  adminRoles: z.array(z.string()).nullable(),
  /** The token's last four characters, or `null` for the sandbox (it has no stored token). */
  tokenHint: z.string().nullable(),
  verifiedAt: z.string(),
});

/** A connected org as the renderer sees it; see {@link profileSummarySchema}. */
export type ProfileSummary = z.infer<typeof profileSummarySchema>;

/** The steps of verifying a connection, reported as progress events. */
export const VERIFY_STEPS = [
  'reach-org',
  'check-token',
  'read-org',
  'read-roles',
  'save-token',
] as const;

/** One step of verifying a connection; see {@link VERIFY_STEPS}. */
export type VerifyStep = (typeof VERIFY_STEPS)[number];
