import { z } from 'zod';

/**
 * What the console knows about a connected org, as the renderer may see it.
 *
 * @remarks
 * Holds no secret: the API token stays in the OS keychain and only its last four characters
 * (`tokenHint`) ever leave main, so an admin can tell two tokens apart.
 */
export const connectMethodSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api-token') }),
  z.object({
    type: z.literal('service-app'),
    /** The API services app's client id. */
    clientId: z.string().min(1),
    /** The `kid` of the key pair; the private half is in the keychain under this id. */
    keyId: z.string().min(1),
    /** The `okta.*` scopes the console asks for in each access token. */
    scopes: z.array(z.string()),
    /**
     * Scopes the console's work needs that the app was not granted when last checked: what needs
     * them is refused until they are granted. Absent when Okta did not say which it refused.
     */
    notGranted: z.array(z.string()).optional(),
    /** Scopes granted to the app that nothing the console does uses: revoke them. */
    unused: z.array(z.string()).optional(),
  }),
]);

/**
 * How a profile signs in to its org: an API token (SSWS), or an API services app with a private
 * key (OAuth 2.0 client credentials, `private_key_jwt`).
 *
 * @remarks
 * Only the public facts of the service app are here; its private key never leaves main.
 */
export type ConnectMethod = z.infer<typeof connectMethodSchema>;

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
  /**
   * How the profile connects; absent in profiles saved before service apps existed, which all
   * use an API token (read it through {@link connectMethodOf}).
   */
  method: connectMethodSchema.optional(),
});

/** A connected org as the renderer sees it; see {@link profileSummarySchema}. */
export type ProfileSummary = z.infer<typeof profileSummarySchema>;

/** How `profile` connects: its recorded method, or an API token for an older profile. */
export function connectMethodOf(profile: Pick<ProfileSummary, 'method'>): ConnectMethod {
  return profile.method ?? { type: 'api-token' };
}

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
