import { z } from 'zod';

import {
  EXPORT_TARGET_IDS,
  exportOutputSchema,
  targetReadingViewSchema,
  verificationCheckSchema,
} from '../export/export-targets.ts';
import { DIAGNOSIS_CODES, REDIRECT_STRATEGY_KINDS } from '../preview/preview-schemas.ts';
import { profileSummarySchema } from '../profiles/profile.ts';

/*
 * The shapes that travel through the IPC contract (`contract.ts`): what main answers with and a
 * few request parts the channels share, by domain. Apart from the channel list so the contract
 * reads as the list of calls and events; `contract.ts` re-exports what callers use.
 */
export const empty = z.object({}).strict();

/**
 * Chosen by the renderer for one connection attempt and echoed in its progress events, so
 * progress that arrives after the call's answer (events and answers travel separately) is still
 * matched to the right attempt.
 */
export const operationId = z.string().min(1).max(100);

export const planAction = z.enum(['create', 'update', 'unchanged']);

/**
 * One field's value before and after. `before` is absent for a create, `after` for a removal:
 * JSON drops undefined values.
 */
export const fieldChange = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

/** A plan as the review page shows it: each object, what happens to it, and its fields. */
export const setupPlanSchema = z.object({
  steps: z.array(
    z.object({
      key: z.string(),
      kind: z.string(),
      action: planAction,
      title: z.string(),
      changes: z.array(fieldChange),
    }),
  ),
  blockers: z.array(z.string()),
  /** What to know before applying that does not stop it, e.g. how long Okta's limits make it. */
  notes: z.array(z.string()),
});
export type SetupPlan = z.infer<typeof setupPlanSchema>;

/**
 * One object that changed in the org between the plan the admin reviewed and the apply, and
 * the facts of it that differ (`before` as reviewed, `after` as the org holds it now).
 */
export const planChangeSchema = z.object({
  key: z.string(),
  title: z.string(),
  summary: z.string(),
  fields: z.array(fieldChange),
});
export type PlanChange = z.infer<typeof planChangeSchema>;

/** A plan main holds for the admin to apply: the renderer names it by `planId`. */
export const reviewedPlanSchema = z.object({
  /** Names this plan in `setup:apply`; main keeps the document and what the plan read. */
  planId: z.string(),
  plan: setupPlanSchema,
});

/** The profile list as the renderer sees it. */
/** A service app's public key as a JWK: public members only, never `d` or its primes. */
export const publicJwkSchema = z
  .object({
    kty: z.string(),
    kid: z.string(),
    use: z.literal('sig'),
    alg: z.string(),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .strict();

export const profileListSchema = z.object({
  profiles: z.array(profileSummarySchema),
  activeProfileId: z.string().nullable(),
});
export type ProfileList = z.infer<typeof profileListSchema>;

/** A user as the wizard's picker shows them. */
export const userMatchSchema = z.object({
  id: z.string(),
  login: z.string(),
  displayName: z.string(),
  status: z.string(),
});
export type UserMatch = z.infer<typeof userMatchSchema>;

/** A group as the wizard's picker shows it. */
export const groupMatchSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
});
export type GroupMatch = z.infer<typeof groupMatchSchema>;

/** A page of the Okta Admin Console, for the wizard's "open in Okta" links. */
export const adminLinkSchema = z.object({ title: z.string(), url: z.string() });
export type AdminLink = z.infer<typeof adminLinkSchema>;

/** What the renderer learns from an apply: ids and where the secrets went, never the secrets. */
export const setupAppliedSchema = z.object({
  orgUrl: z.string(),
  appId: z.string(),
  clientId: z.string(),
  issuer: z.string(),
  /** The custom authorization server's id; `null` for the org authorization server. */
  authServerId: z.string().nullable(),
  /** Whether this apply put a new client secret in the keychain (shown once on request). */
  clientSecretStored: z.boolean(),
  /** The login whose generated password is in the keychain, when this apply created it. */
  testUserLogin: z.string().nullable(),
  steps: z.array(z.object({ key: z.string(), title: z.string(), action: planAction })),
  /** Each object in the Okta Admin Console; empty for an org without one (the sandbox). */
  adminLinks: z.array(adminLinkSchema),
  /**
   * Set when the keychain failed to keep a secret this apply made: what happened and what the
   * console does about it (the next apply issues a new one into the keychain). `null` otherwise.
   */
  keychainWarning: z.string().nullable(),
});
export type SetupApplied = z.infer<typeof setupAppliedSchema>;

/**
 * An app integration as the "edit an existing app" picker shows it: every sign-on mode, since a
 * real org holds SAML and SWA apps too; only OIDC ones can be edited.
 */
export const appMatchSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** Okta's `signOnMode`, e.g. `OPENID_CONNECT`, `SAML_2_0`, `AUTO_LOGIN`. */
  signOnMode: z.string(),
  /** Why the console will not edit it (not an OIDC app), or `null` when it will. */
  notEditable: z.string().nullable(),
  /** The OIDC client id; empty for other sign-on modes. */
  clientId: z.string(),
  /** `web`, `browser`, `native`, `service`; for other sign-on modes the mode's name. */
  applicationType: z.string(),
  status: z.string(),
  /** The setup id this console marked the app with, if it created it. */
  setupId: z.string().nullable(),
});
export type AppMatch = z.infer<typeof appMatchSchema>;

/** Who can sign in to an app, and how; `appId: null` before the app exists. */
export const appAssignmentsSchema = z.object({
  appId: z.string().nullable(),
  users: z.array(
    z.object({
      id: z.string(),
      login: z.string(),
      displayName: z.string(),
      via: z.enum(['direct', 'group']),
    }),
  ),
  groups: z.array(z.object({ id: z.string(), name: z.string() })),
  more: z.boolean(),
});
export type AppAssignments = z.infer<typeof appAssignmentsSchema>;

/** A secret the console kept in the keychain, as `setup:reveal-secret` names it. */
export const secretRequestSchema = z.discriminatedUnion('secret', [
  z.object({ secret: z.literal('client-secret'), clientId: z.string().min(1).max(200) }).strict(),
  z.object({ secret: z.literal('test-user-password'), login: z.string().min(1).max(320) }).strict(),
]);
export type SecretRequest = z.infer<typeof secretRequestSchema>;

/** How a sign-in (the preview's, an export's verification) comes back to the console. */
export const redirectStrategySchema = z.object({
  kind: z.enum(REDIRECT_STRATEGY_KINDS),
  redirectUri: z.string(),
  /** One sentence for the admin: why this way of receiving the sign-in. */
  explanation: z.string(),
});
export type RedirectStrategy = z.infer<typeof redirectStrategySchema>;

/** Who signs in; their password (when the console holds it) is revealed on request. */
export const signInUserSchema = z.object({
  login: z.string().nullable(),
  passwordInKeychain: z.boolean(),
});
export type SignInUser = z.infer<typeof signInUserSchema>;

/**
 * An app the console created or adopted in the connected org, as the managed apps view lists it
 * (the same facts as `sso-console list --json`).
 */
export const managedAppSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** Okta's `status`: `ACTIVE` or `INACTIVE`. */
  status: z.string(),
  clientId: z.string(),
  /** `created`: it carries the console's mark; `adopted`: a kept document names it. */
  managedAs: z.enum(['created', 'adopted']),
  issuer: z.string(),
  /** The target preset of its kept document; `null` without one. */
  target: z.string().nullable(),
  users: z.number().int().nonnegative(),
  groups: z.number().int().nonnegative(),
  /** Whole days since its active client secret was made; `null` for a public client or none. */
  secretAgeDays: z.number().int().nonnegative().nullable(),
  /** The last verified export for its client id: when, which target, the files' SHA-256. */
  lastVerifiedExport: z
    .object({ verifiedAt: z.string(), target: z.string(), contentHash: z.string() })
    .nullable(),
  /** Whether the plan of its kept document has changes; `null` without a kept document. */
  drift: z.boolean().nullable(),
  /** The kept setup document it came from: its setup id and file. */
  document: z.object({ id: z.string(), file: z.string() }).nullable(),
});
export type ManagedAppView = z.infer<typeof managedAppSchema>;

/** A teardown as the admin reviews it before confirming: what goes, what stays, and why. */
export const teardownPlanViewSchema = z.object({
  /** Names this plan in `teardown:apply`: exactly what was reviewed is removed. */
  planId: z.string(),
  orgUrl: z.string(),
  removals: z.array(
    z.object({
      key: z.string(),
      kind: z.string(),
      title: z.string(),
      objectId: z.string(),
      why: z.string(),
    }),
  ),
  leftAlone: z.array(z.object({ title: z.string(), why: z.string() })),
  /** How many keychain entries are forgotten once their objects are gone. */
  keychainEntries: z.number().int().nonnegative(),
});
export type TeardownPlanView = z.infer<typeof teardownPlanViewSchema>;

/** One sign-in to an app, or a failure, from the System Log; a failure with its diagnosis. */
export const activityEntrySchema = z.object({
  uuid: z.string(),
  published: z.string(),
  eventType: z.string(),
  /** The login (as typed, for an unknown user); `null` when no user was known yet. */
  login: z.string().nullable(),
  displayName: z.string().nullable(),
  outcome: z.enum(['SUCCESS', 'FAILURE']),
  /** Okta's `outcome.reason`. */
  reason: z.string().nullable(),
  /** The preview's diagnosis code, Okta's text, the cause and the fix. */
  diagnosis: z
    .object({
      code: z.enum(DIAGNOSIS_CODES),
      oktaText: z.string().nullable(),
      cause: z.string(),
      fix: z.string(),
    })
    .nullable(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

/** The activity filters: part of the login (any case) and the outcome. */
export const activityFiltersSchema = {
  user: z.string().max(200).optional(),
  outcome: z.enum(['SUCCESS', 'FAILURE']).optional(),
};

/** A page of activity; `cursor` names the next page, which main holds (Okta's link never leaves). */
export const activityPageSchema = z.object({
  entries: z.array(activityEntrySchema),
  cursor: z.string().nullable(),
});

/** Written files: named by `renderId` for saving and verifying them; refused targets with why. */
export const renderedFilesSchema = z.object({
  /** Names this rendering in `export:save`, `export:reveal-file` and `export:verify-start`. */
  renderId: z.string(),
  outputs: z.array(exportOutputSchema),
  /** Targets that could not be exported, each with the reason (e.g. no matching callback). */
  refused: z.array(
    z.object({ target: z.enum(EXPORT_TARGET_IDS), message: z.string(), hint: z.string() }),
  ),
});

/** Saving one written file, named by its rendering; `replace` after the diff was shown. */
export const saveFileRequestShape = {
  renderId: z.string().max(100),
  target: z.enum(EXPORT_TARGET_IDS),
  name: z.string().max(200),
  replace: z
    .object({ id: z.string().max(100), hash: z.string().max(100) })
    .strict()
    .optional(),
};

/** How saving one file went; see `export:save`. */
export const savedFileSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('saved'), path: z.string(), mode: z.enum(['0600', '0644']) }),
  z.object({ kind: z.literal('cancelled') }),
  z.object({ kind: z.literal('download') }),
  z.object({
    kind: z.literal('confirm-overwrite'),
    /** Shown to the admin; the replace names it by `replaceId`. */
    path: z.string(),
    /** A unified diff from the file on disk to the new one (secrets masked). */
    diff: z.string(),
    replaceHash: z.string(),
    replaceId: z.string(),
  }),
]);

/** A verification's sign-in, begun: where to sign in, how it comes back, what the files say. */
export const verificationStartedSchema = z.object({
  verificationId: z.string(),
  authorizeUrl: z.string(),
  strategy: redirectStrategySchema,
  reading: targetReadingViewSchema,
  user: signInUserSchema,
});

/** The phases of a secret rotation, as `main/rotation/` journals them, and how it ended. */
export const ROTATION_PHASES = [
  'none',
  'creating',
  'awaiting-verification',
  'awaiting-confirmation',
  'retiring',
  'finished',
  'cancelled',
] as const;

/**
 * Where an app's secret rotation stands: its client secrets (ids, status, age and role — never a
 * value), what is verified, and the admin's next step in words.
 */
export const rotationStatusSchema = z.object({
  appId: z.string(),
  clientId: z.string(),
  label: z.string(),
  rotationId: z.string().nullable(),
  phase: z.enum(ROTATION_PHASES),
  secrets: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      created: z.string().optional(),
      /** `old`: the one being replaced; `new`: the one made by the rotation. */
      role: z.enum(['old', 'new', 'other']),
    }),
  ),
  /** The new files' successful sign-in: which target, their SHA-256, when. */
  verified: z
    .object({ target: z.enum(EXPORT_TARGET_IDS), contentHash: z.string(), at: z.string() })
    .nullable(),
  next: z.string(),
});
export type RotationStatusView = z.infer<typeof rotationStatusSchema>;

/** An app's drift from its setup document, field by field (`sso-console drift --json`'s `org`). */
export const orgDriftReportSchema = z.object({
  orgUrl: z.string(),
  app: z.object({ id: z.string(), label: z.string(), clientId: z.string(), status: z.string() }),
  /** The document compared: its setup id and the copy kept by the last apply. */
  document: z.object({
    id: z.string(),
    keptFile: z.string().nullable(),
    file: z.string().nullable(),
  }),
  drift: z.object({
    /** Whether the plan of the document is not empty (or cannot be applied). */
    drifted: z.boolean(),
    fields: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        /** Where it is in the setup document, e.g. `app.redirectUris`. */
        path: z.string(),
        documentValue: z.unknown(),
        oktaValue: z.unknown(),
        adoptable: z.boolean(),
        /** Why Adopt cannot take it ("Restore only"); `null` when it can. */
        adoptNote: z.string().nullable(),
      }),
    ),
    /** What the org lacks that the console will not create (a user, a group). */
    blockers: z.array(z.string()),
  }),
});
export type OrgDriftReportView = z.infer<typeof orgDriftReportSchema>;

/** A target's config file checked against the org: each check, and the fix of a failed one. */
export const targetDriftReportSchema = z.object({
  target: z.string(),
  file: z.string(),
  app: z.object({ id: z.string(), label: z.string(), clientId: z.string() }),
  ok: z.boolean(),
  findings: z.array(
    z.object({
      check: z.string(),
      ok: z.boolean(),
      detail: z.string(),
      fix: z.string().nullable(),
      /** The file and line the fix is made at, when the value is written there. */
      at: z.object({ file: z.string(), line: z.number().int() }).nullable(),
    }),
  ),
  /**
   * The sign-in with exactly the file, when one ran: every check the export's verification made
   * (the `sign-in` finding says the outcome and the fix). Never a token or a secret.
   */
  signIn: z
    .object({
      ok: z.boolean(),
      checks: z.array(verificationCheckSchema),
      verifiedAt: z.string().nullable(),
      contentHash: z.string(),
    })
    .optional(),
});
export type TargetDriftReportView = z.infer<typeof targetDriftReportSchema>;

/**
 * A sign-in with a target's file, begun: where to sign in and how it comes back, as the export's
 * verification answers (`export:verify-start`), without the reading (the findings hold it).
 */
export const targetSignInStartedSchema = z.object({
  verificationId: z.string(),
  authorizeUrl: z.string(),
  strategy: redirectStrategySchema,
  user: signInUserSchema,
});

/**
 * Where the console keeps the secrets it makes, and whether the OS keychain can keep them now:
 * what the window's notice at start says.
 *
 * @remarks
 * `session-memory` only ever follows the admin's explicit choice (`keychain:keep-in-memory`),
 * never a silent fallback. Holds no secret: names, a reason, a count.
 */
export const keychainStatusSchema = z.object({
  /** Where the secrets the console makes go now. */
  store: z.enum(['keychain', 'session-memory']),
  /** The OS keychain's name here: Secret Service, macOS Keychain, Windows Credential Manager. */
  keychainName: z.string(),
  /** Whether the keychain kept and gave back a throwaway secret just now. */
  isReachable: z.boolean(),
  /** Why it did not, in the keychain's own words; `null` when it did. */
  problem: z.string().nullable(),
  /** How to get one on the console's OS: what to install, start or unlock, and a command. */
  help: z.object({ text: z.string(), command: z.string().nullable() }),
  /** How many secrets this session's memory holds, all lost when the console quits. */
  secretsInMemory: z.number().int().nonnegative(),
});
export type KeychainStatus = z.infer<typeof keychainStatusSchema>;
