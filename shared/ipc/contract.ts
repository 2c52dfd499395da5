import { z } from 'zod';

import {
  EXPORT_TARGET_IDS,
  exportTargetInfoSchema,
  verificationResultSchema,
} from '../export/export-targets.ts';
import { RATE_LIMIT_BUCKETS } from '../okta/rate-limit-buckets.ts';
import {
  oneClickFixSchema,
  previewReportSchema,
  previewUserSchema,
  timelineEntrySchema,
} from '../preview/preview-schemas.ts';
import { profileSummarySchema, VERIFY_STEPS } from '../profiles/profile.ts';
import {
  appSettingsSchema,
  setupDocumentSchema,
  trustedOriginSchema,
} from '../setup/setup-document.ts';
import { resultSchema } from './result.ts';
import {
  activityFiltersSchema,
  activityPageSchema,
  appAssignmentsSchema,
  appMatchSchema,
  empty,
  groupMatchSchema,
  keychainStatusSchema,
  managedAppSchema,
  operationId,
  orgDriftReportSchema,
  planChangeSchema,
  profileListSchema,
  publicJwkSchema,
  redirectStrategySchema,
  renderedFilesSchema,
  reviewedPlanSchema,
  rotationStatusSchema,
  savedFileSchema,
  saveFileRequestShape,
  secretRequestSchema,
  setupAppliedSchema,
  signInUserSchema,
  targetDriftReportSchema,
  targetSignInStartedSchema,
  teardownPlanViewSchema,
  userMatchSchema,
  verificationStartedSchema,
} from './views.ts';

export {
  type ActivityEntry,
  activityEntrySchema,
  type AdminLink,
  adminLinkSchema,
  type AppAssignments,
  appAssignmentsSchema,
  type AppMatch,
  appMatchSchema,
  type GroupMatch,
  groupMatchSchema,
  type KeychainStatus,
  keychainStatusSchema,
  managedAppSchema,
  type ManagedAppView,
  orgDriftReportSchema,
  type OrgDriftReportView,
  type PlanChange,
  planChangeSchema,
  type ProfileList,
  profileListSchema,
  publicJwkSchema,
  type RedirectStrategy,
  redirectStrategySchema,
  reviewedPlanSchema,
  ROTATION_PHASES,
  rotationStatusSchema,
  type RotationStatusView,
  type SecretRequest,
  secretRequestSchema,
  type SetupApplied,
  setupAppliedSchema,
  type SetupPlan,
  setupPlanSchema,
  type SignInUser,
  signInUserSchema,
  targetDriftReportSchema,
  type TargetDriftReportView,
  type TeardownPlanView,
  teardownPlanViewSchema,
  type UserMatch,
  userMatchSchema,
} from './views.ts';

/** An app named by its id, as the day-two channels take it. */
const appRequest = z.object({ appId: z.string().min(1).max(200) }).strict();

/**
 * Every call the renderer may make into main, as `domain:action` channels.
 *
 * @remarks
 * The single source of truth for the boundary: main parses each request with `request` before a
 * handler sees it, the renderer parses each response with `response`, and the bridge type, the
 * preload and the router are all derived from this object. Adding a channel without a handler is
 * a compile error and a start-up failure.
 */
export const CHANNELS = {
  'app:get-info': {
    request: empty,
    response: z.object({
      mode: z.enum(['electron', 'browser']),
      version: z.string(),
      secretStore: z.object({
        kind: z.string(),
        isPersistent: z.boolean(),
        isOsProtected: z.boolean(),
      }),
    }),
  },
  /** Checks the OS keychain now (a throwaway secret kept and removed) and says where secrets go. */
  'keychain:status': { request: empty, response: keychainStatusSchema },
  /**
   * The admin's explicit choice, with the consequences read: keep secrets in this session's
   * memory, lost when the console quits. Taken only while no keychain is reachable.
   */
  'keychain:keep-in-memory': {
    request: z.object({ consequencesRead: z.literal(true) }).strict(),
    response: keychainStatusSchema,
  },
  'profiles:list': { request: empty, response: profileListSchema },
  'profiles:add': {
    request: z
      .object({
        orgUrl: z.string().max(2048),
        // Write-only: the token travels renderer → main once and never comes back.
        apiToken: z.string().max(4096),
        label: z.string().max(120).optional(),
        operationId: operationId.optional(),
      })
      .strict(),
    response: z.object({ profile: profileSummarySchema }),
  },
  'profiles:add-sandbox': {
    request: z.object({ operationId: operationId.optional() }).strict(),
    response: z.object({ profile: profileSummarySchema }),
  },
  // Makes a service app's key pair in main: the private key goes to the keychain, only the
  // public JWK comes back, with the planner's scopes and roles for the admin to grant.
  'profiles:new-service-app-key': {
    request: z.object({ orgUrl: z.string().max(2048) }).strict(),
    response: z.object({
      orgUrl: z.string(),
      keyId: z.string(),
      publicJwk: publicJwkSchema,
      scopes: z.array(z.string()),
      roles: z.array(z.string()),
    }),
  },
  'profiles:add-service-app': {
    request: z
      .object({
        orgUrl: z.string().max(2048),
        clientId: z.string().max(200),
        keyId: z.string().max(200),
        label: z.string().max(120).optional(),
        operationId: operationId.optional(),
      })
      .strict(),
    response: z.object({ profile: profileSummarySchema }),
  },
  // With a token profile: the console makes its own service app and switches the profile to it.
  'profiles:create-service-app': {
    request: z
      .object({ profileId: z.string().max(200), operationId: operationId.optional() })
      .strict(),
    response: z.object({ profile: profileSummarySchema }),
  },
  // Deletes the API token of a profile that now connects with a service app.
  'profiles:forget-token': {
    request: z.object({ profileId: z.string().max(200) }).strict(),
    response: profileListSchema,
  },
  // Stops waiting for a connect still verifying (an org that never answers): nothing is saved.
  'profiles:cancel-connect': {
    request: z.object({ operationId }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  'profiles:verify': {
    request: z.object({ profileId: z.string().max(200) }).strict(),
    response: z.object({ profile: profileSummarySchema }),
  },
  'profiles:switch': {
    request: z.object({ profileId: z.string().max(200) }).strict(),
    response: profileListSchema,
  },
  'directory:search-users': {
    request: z.object({ query: z.string().max(200) }).strict(),
    response: z.object({ matches: z.array(userMatchSchema), more: z.boolean() }),
  },
  'directory:search-groups': {
    request: z.object({ query: z.string().max(200) }).strict(),
    response: z.object({ matches: z.array(groupMatchSchema), more: z.boolean() }),
  },
  'setup:plan': {
    /**
     * Plans the document against the org and holds the plan. With `operationId` (the wizard),
     * `setup:cancel` can stop it while it reads; without one (the CLI, scripts) it runs to the
     * end.
     */
    request: z
      .object({ document: setupDocumentSchema, operationId: operationId.optional() })
      .strict(),
    response: reviewedPlanSchema,
  },
  'setup:apply': {
    /**
     * Applies exactly the plan the admin reviewed, named by its id: main holds its document and
     * what it read, and refuses it (writing nothing) if the org changed since.
     */
    request: z.object({ planId: z.string().min(1).max(100), operationId }).strict(),
    response: z.discriminatedUnion('outcome', [
      // Ids and where the secrets went, never the secrets: they stay in the keychain.
      z.object({ outcome: z.literal('applied'), applied: setupAppliedSchema }),
      // Nothing was written: what changed, and the plan of the org as it is now.
      z.object({
        outcome: z.literal('stale'),
        changes: z.array(planChangeSchema),
        fresh: reviewedPlanSchema,
      }),
    ]),
  },
  // Cancels the plan or apply running under `operationId`: one cancel channel for both, since
  // an operation id names exactly one of them and the renderer never needs to say which. It
  // stops before its next request to Okta (one waiting for a rate limit is dropped at once);
  // `setup:plan` then answers CANCELLED (it only reads: nothing changed), `setup:apply`
  // CANCELLED with what it made. `cancelled`: whether one was running (a cancel that overtook
  // its operation's start is kept and stops it as it begins).
  'setup:cancel': {
    request: z.object({ operationId }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  'setup:list-apps': {
    // OIDC app integrations whose label starts with `query`, for "edit an existing app".
    request: z.object({ query: z.string().max(200) }).strict(),
    response: z.object({ apps: z.array(appMatchSchema), more: z.boolean() }),
  },
  'setup:read-app': {
    // An existing app read into the document's terms (with `existingAppId` set).
    request: z.object({ appId: z.string().min(1).max(200) }).strict(),
    response: z.object({ app: appSettingsSchema, trustedOrigins: z.array(trustedOriginSchema) }),
  },
  'setup:assignments': {
    // Who can already sign in to the document's app, and how; `appId: null` before it exists.
    request: z.object({ document: setupDocumentSchema }).strict(),
    response: appAssignmentsSchema,
  },
  'setup:reveal-secret': {
    // The one channel that hands a secret to the renderer, and only when the admin asks.
    request: secretRequestSchema,
    response: z.object({ value: z.string() }),
  },
  'preview:start': {
    // Starts a login preview of the document's app; answers once the sign-in can begin.
    request: z
      .object({
        document: setupDocumentSchema,
        user: previewUserSchema,
        operationId,
        /**
         * Whether the console may add a temporary loopback redirect URI to the app for the
         * preview (default yes). No: the sign-in comes back through the console's sign-in
         * window (Electron) or a pasted address, and the app is left exactly as it is.
         */
        allowAppChange: z.boolean().optional(),
      })
      .strict(),
    response: z.object({
      previewId: z.string(),
      /**
       * Where the admin signs in: opened in the system browser (or by the renderer). `null`
       * when the preview stopped before the sign-in (e.g. Okta refused the redirect URI); the
       * report then says why.
       */
      authorizeUrl: z.string().nullable(),
      strategy: redirectStrategySchema,
      user: signInUserSchema,
    }),
  },
  'preview:wait': {
    request: z.object({ previewId: z.string().max(100) }).strict(),
    response: previewReportSchema,
  },
  'preview:paste-callback': {
    // The final redirected URL, pasted by the admin when no listener could receive it.
    request: z.object({ previewId: z.string().max(100), url: z.string().max(8192) }).strict(),
    response: z.object({}),
  },
  'preview:cancel': {
    request: z.object({ previewId: z.string().max(100) }).strict(),
    response: z.object({}),
  },
  'preview:fix': {
    // Applies a one-click fix to the document; the wizard then plans and applies it as usual.
    request: z.object({ document: setupDocumentSchema, fix: oneClickFixSchema }).strict(),
    response: z.object({ document: setupDocumentSchema, summary: z.string() }),
  },
  'profiles:remove': {
    request: z.object({ profileId: z.string().max(200) }).strict(),
    response: profileListSchema,
  },
  'export:targets': {
    request: empty,
    response: z.object({ targets: z.array(exportTargetInfoSchema) }),
  },
  'export:render': {
    /**
     * Writes the files for the document's applied app. With `inlineSecret`, main keeps the
     * files with the secret and the answer shows it masked; `export:reveal-file` hands it over
     * when the admin copies or downloads.
     */
    request: z
      .object({
        document: setupDocumentSchema,
        targets: z.array(z.enum(EXPORT_TARGET_IDS)).min(1).max(EXPORT_TARGET_IDS.length),
        inlineSecret: z.boolean(),
        /** An existing file to merge into, for mergeable targets (Kestra's application.yml). */
        mergeInto: z
          .object({ target: z.enum(EXPORT_TARGET_IDS), content: z.string().max(1_000_000) })
          .strict()
          .optional(),
      })
      .strict(),
    response: renderedFilesSchema,
  },
  'export:reveal-file': {
    // A file with its inline secret, for the admin who asked to copy or download it.
    request: z
      .object({
        renderId: z.string().max(100),
        target: z.enum(EXPORT_TARGET_IDS),
        name: z.string().max(200),
      })
      .strict(),
    response: z.object({ content: z.string() }),
  },
  'export:save': {
    /**
     * Saves one file: Electron asks where with its save dialog, in main; in browser mode the
     * answer is `download`, and the page downloads it. The page never names a path. An existing
     * file is replaced only after its diff was shown: the first answer is `confirm-overwrite`,
     * and the page asks again with `replace` — the opaque id of the path the dialog chose and
     * the hash of the file whose diff the admin saw.
     */
    request: z.object(saveFileRequestShape).strict(),
    response: savedFileSchema,
  },
  'export:verify-start': {
    // Signs in with exactly what the files say; answers once the sign-in can begin.
    request: z
      .object({
        renderId: z.string().max(100),
        target: z.enum(EXPORT_TARGET_IDS),
        user: previewUserSchema,
      })
      .strict(),
    response: verificationStartedSchema,
  },
  'export:verify-wait': {
    request: z.object({ verificationId: z.string().max(100) }).strict(),
    response: verificationResultSchema,
  },
  'export:verify-paste': {
    request: z.object({ verificationId: z.string().max(100), url: z.string().max(8192) }).strict(),
    response: z.object({}),
  },
  'export:verify-cancel': {
    request: z.object({ verificationId: z.string().max(100) }).strict(),
    response: z.object({}),
  },
  'managed-apps:list': {
    // Every app the console created or adopted in the connected org, by label.
    request: empty,
    response: z.object({ orgUrl: z.string(), apps: z.array(managedAppSchema) }),
  },
  'managed-apps:document': {
    // The setup document an app came from, as kept by its last apply, to open in the wizard.
    request: z.object({ setupId: z.string().min(1).max(200) }).strict(),
    response: z.object({ document: setupDocumentSchema }),
  },
  'teardown:plan': {
    // What removing the setup would delete, read from the org and the journals; removes nothing.
    request: z.object({ setupId: z.string().min(1).max(200) }).strict(),
    response: teardownPlanViewSchema,
  },
  'teardown:apply': {
    // Removes exactly the reviewed plan, journaled and resumable; progress as events.
    request: z.object({ planId: z.string().min(1).max(100), operationId }).strict(),
    response: z.object({
      removed: z.array(z.object({ key: z.string(), title: z.string() })),
      keychainEntriesForgotten: z.number().int().nonnegative(),
      /** A keychain entry that could not be removed, in words; `null` when all went. */
      keychainWarning: z.string().nullable(),
    }),
  },
  'activity:list': {
    /**
     * One app's sign-ins and failures since a time, newest first: the first page, or (with a
     * later `since`) what arrived since the last poll.
     */
    request: z
      .object({
        appId: z.string().min(1).max(200),
        since: z.iso.datetime(),
        limit: z.number().int().min(1).max(1000).optional(),
        ...activityFiltersSchema,
      })
      .strict(),
    response: activityPageSchema.extend({
      app: z.object({ id: z.string(), label: z.string(), clientId: z.string() }),
    }),
  },
  'activity:page': {
    // The page after an earlier answer, named by its cursor.
    request: z.object({ cursor: z.string().min(1).max(100) }).strict(),
    response: activityPageSchema,
  },
  'rotation:status': {
    // Where the app's secret rotation stands, read from the journal and the org; changes nothing.
    request: appRequest,
    response: rotationStatusSchema,
  },
  'rotation:start': {
    // Starts (or resumes) a rotation up to the second secret made and kept in the keychain.
    request: appRequest,
    response: rotationStatusSchema,
  },
  'rotation:render': {
    /**
     * The target's files for the new secret. Always with the secret referenced: the new secret
     * stays in the keychain, and no channel ever hands it to the window.
     */
    request: z
      .object({ appId: z.string().min(1).max(200), target: z.enum(EXPORT_TARGET_IDS) })
      .strict(),
    response: renderedFilesSchema,
  },
  'rotation:save': {
    // Saves one of the rotation's files, as `export:save` does (a dialog, or `download`).
    request: z.object(saveFileRequestShape).strict(),
    response: savedFileSchema,
  },
  'rotation:verify-start': {
    // Signs in with exactly the rotation's new files; without `login`, whoever signs in.
    request: z
      .object({
        appId: z.string().min(1).max(200),
        renderId: z.string().max(100),
        login: z.string().min(1).max(200).optional(),
      })
      .strict(),
    response: verificationStartedSchema,
  },
  'rotation:verify-wait': {
    // The sign-in's outcome; a success is journaled as the new secret's proof.
    request: z.object({ verificationId: z.string().max(100) }).strict(),
    response: verificationResultSchema,
  },
  'rotation:verify-paste': {
    request: z.object({ verificationId: z.string().max(100), url: z.string().max(8192) }).strict(),
    response: z.object({}),
  },
  'rotation:verify-cancel': {
    request: z.object({ verificationId: z.string().max(100) }).strict(),
    response: z.object({}),
  },
  'rotation:finish': {
    // The admin's confirmation that the target runs on the new secret: the old one is retired.
    request: z
      .object({ appId: z.string().min(1).max(200), confirmTargetRunsOnNewSecret: z.literal(true) })
      .strict(),
    response: z.object({
      status: rotationStatusSchema,
      /** The keychain no longer holding the new secret, in words; `null` when all is well. */
      keychainWarning: z.string().nullable(),
    }),
  },
  'rotation:cancel': {
    // Ends the rotation before the swap: the new secret is removed, the old one kept.
    request: appRequest,
    response: rotationStatusSchema,
  },
  'drift:check': {
    // The app against its kept setup document, field by field; changes nothing.
    request: appRequest,
    response: orgDriftReportSchema,
  },
  'drift:adopt': {
    // Okta's values into the kept document; what Adopt cannot take stays as drift.
    request: appRequest,
    response: z.object({
      adopted: z.array(z.string()),
      written: z.array(z.string()),
      after: orgDriftReportSchema,
    }),
  },
  'drift:restore': {
    // Plans and applies the kept document (journaled, locked), then compares again.
    request: appRequest,
    response: orgDriftReportSchema,
  },
  'drift:check-target': {
    /**
     * Reads the config file at `path` on this computer (the console is local) with the target's
     * reader and checks it against Okta. `target`: the document's when left out.
     */
    request: z
      .object({
        appId: z.string().min(1).max(200),
        target: z.enum(EXPORT_TARGET_IDS).optional(),
        path: z.string().min(1).max(4096),
      })
      .strict(),
    response: targetDriftReportSchema,
  },
  'drift:target-sign-in-start': {
    /**
     * `drift:check-target`, then a sign-in with exactly that file through the export's
     * verification (without `login`, whoever signs in). `signIn` is `null` when none was
     * started — the checks already failed, or it could not begin — and the report says why.
     */
    request: z
      .object({
        appId: z.string().min(1).max(200),
        target: z.enum(EXPORT_TARGET_IDS).optional(),
        path: z.string().min(1).max(4096),
        login: z.string().min(1).max(200).optional(),
      })
      .strict(),
    response: z.object({
      report: targetDriftReportSchema,
      signIn: targetSignInStartedSchema.nullable(),
    }),
  },
  'drift:target-sign-in-wait': {
    // The sign-in's outcome: the file's report with the sign-in's finding, its checks and fix.
    request: z.object({ verificationId: z.string().max(100) }).strict(),
    response: targetDriftReportSchema,
  },
  'drift:target-sign-in-paste': {
    request: z.object({ verificationId: z.string().max(100), url: z.string().max(8192) }).strict(),
    response: z.object({}),
  },
  'drift:target-sign-in-cancel': {
    request: z.object({ verificationId: z.string().max(100) }).strict(),
    response: z.object({}),
  },
} as const;

/**
 * Every event main pushes to the renderer.
 *
 * @remarks
 * Events carry progress only; anything the renderer must rely on comes back as a call's result.
 */
export const EVENTS = {
  'preview:progress': z.object({ operationId, entry: timelineEntrySchema }),
  'setup:apply-progress': z.object({
    operationId,
    stepKey: z.string(),
    title: z.string(),
    state: z.enum(['running', 'done', 'retrying']),
  }),
  /**
   * The console is holding its requests to an org for Okta's rate limit (a bucket ran dry, or a
   * 429 came back): said whatever the operation, so every slow step can show why it waits.
   */
  'okta:rate-limit-wait': z.object({
    orgUrl: z.string(),
    bucket: z.enum(RATE_LIMIT_BUCKETS),
    seconds: z.number().int().nonnegative(),
    reason: z.enum(['rate-limit', 'backoff']),
    /** "waiting 23 s for Okta's rate limit on apps". */
    message: z.string(),
  }),
  'teardown:progress': z.object({
    operationId,
    key: z.string(),
    title: z.string(),
    state: z.enum(['removing', 'removed', 'retrying']),
  }),
  'profiles:verify-progress': z.object({
    operationId: operationId.nullable(),
    orgUrl: z.string(),
    step: z.enum(VERIFY_STEPS),
    state: z.enum(['running', 'done', 'failed', 'skipped']),
  }),
} as const;

/** A renderer → main channel name. */
export type Channel = keyof typeof CHANNELS;
/** A main → renderer event name. */
export type EventName = keyof typeof EVENTS;
/** The request a channel takes. */
export type ChannelRequest<C extends Channel> = z.input<(typeof CHANNELS)[C]['request']>;
/**
 * A request as main's handler gets it: parsed by the channel's schema, so with its defaults
 * filled in (a renderer may leave them out; see {@link ChannelRequest}).
 */
export type ParsedChannelRequest<C extends Channel> = z.output<(typeof CHANNELS)[C]['request']>;
/** The data a channel answers with on success. */
export type ChannelResponse<C extends Channel> = z.infer<(typeof CHANNELS)[C]['response']>;
/** The payload of an event. */
export type EventPayload<E extends EventName> = z.infer<(typeof EVENTS)[E]>;

/** All channel names, in contract order. */
export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];
/** All event names, in contract order. */
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** Each channel's answer schema, built on first use: zod builds a schema in about 0.1 ms. */
const channelResultSchemas = new Map<Channel, ReturnType<typeof buildChannelResultSchema>>();

function buildChannelResultSchema(channel: Channel) {
  return resultSchema(CHANNELS[channel].response);
}

/**
 * The schema of a channel's whole answer, success or failure; built once per channel, since the
 * renderer checks every answer (a search per keystroke among them) against it.
 */
export function channelResultSchema(channel: Channel) {
  let schema = channelResultSchemas.get(channel);
  if (schema === undefined) {
    schema = buildChannelResultSchema(channel);
    channelResultSchemas.set(channel, schema);
  }
  return schema;
}

/** An event as it travels on the single event channel (Electron IPC, browser mode's stream). */
export const eventEnvelopeSchema = z.object({ event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The IPC channel name that carries main → renderer events. */
export const EVENT_IPC_CHANNEL = 'sso-console:event';
