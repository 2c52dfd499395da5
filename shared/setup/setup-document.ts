import { z } from 'zod';

import {
  CONTROL_CHARACTER_MESSAGE,
  hasControlCharacter,
  safeUriSchema,
  webUrlSchema,
} from './uri-lint.ts';

/**
 * The setup document: what an admin wants in Okta for one target app, and nothing else.
 *
 * @remarks
 * The wizard edits it, the command line reads it from a file, and the engine in `main/` plans it
 * against the org and applies the plan. It is the single description of "done", so it is plain
 * data, versioned, validated with zod at every boundary, and safe to save anywhere: it holds no
 * secret (no token, no client secret, no password — a test user's password is generated when the
 * user is created and shown once).
 */
export const SETUP_DOCUMENT_VERSION = 1;

/**
 * The target apps the console knows how to configure; see `presets.ts`.
 *
 * @remarks
 * An app with an export target of its own has the target's id: `init --target grafana` and
 * `export --target grafana` are one choice. `web`, `spa` and `native` are the generic app
 * types. Ids are only ever added: a saved document names one, and must still read.
 */
export const PRESET_IDS = [
  'kestra',
  'kaimu',
  'grafana',
  'argocd',
  'gitlab',
  'gitea',
  'jenkins',
  'harbor',
  'vault',
  'outline',
  'jupyterhub',
  'oauth2-proxy',
  'spring-boot',
  'authjs',
  'web',
  'spa',
  'native',
] as const;

/** One of {@link PRESET_IDS}. */
export type PresetId = (typeof PRESET_IDS)[number];

/** Okta's `issuer_mode` (okta-behaviours.md §2). */
export const ISSUER_MODES = ['ORG_URL', 'DYNAMIC', 'CUSTOM_URL'] as const;

/** Grant types the console sets up (a subset of what Okta offers, by design). */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'implicit'] as const;

const nonBlank = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} cannot be blank.`)
    .refine((text) => !hasControlCharacter(text), `${what}: ${CONTROL_CHARACTER_MESSAGE}`);

/** Okta's group filter types for a groups claim of type FILTER. */
export const GROUP_FILTER_TYPES = ['STARTS_WITH', 'EQUALS', 'CONTAINS', 'REGEX'] as const;

/**
 * Which groups a groups claim releases: Okta's two claim types, as the Admin Console's Sign On tab
 * ("Groups claim type: Filter / Expression") and a custom server's claims offer them.
 *
 * @remarks
 * - `FILTER`: the user's groups whose name passes one of Okta's filter types.
 * - `EXPRESSION`: an Okta Expression Language expression that yields the groups, e.g.
 *   `Groups.startsWith("OKTA", "kestra", 100)`.
 *
 * Documents written before the type existed name only a filter, so a claim without `type` reads
 * as `FILTER`: a saved setup keeps its meaning.
 */
export const groupsClaimSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('FILTER').default('FILTER'),
    /** The claim's name in the token, usually `groups`. */
    name: nonBlank('The claim name'),
    filterType: z.enum(GROUP_FILTER_TYPES),
    /** The filter's value: a prefix, a name, a substring or a regular expression. */
    value: z.string(),
  }),
  z.object({
    type: z.literal('EXPRESSION'),
    name: nonBlank('The claim name'),
    /** An Okta Expression Language expression that evaluates to a list of group names. */
    value: nonBlank('The expression'),
  }),
]);

/** A groups claim; see {@link groupsClaimSchema}. */
export type GroupsClaim = z.infer<typeof groupsClaimSchema>;

/** The app integration: Okta's OIDC app, as the Admin Console's form shows it. */
export const appSettingsSchema = z.object({
  /** Okta's app label. Labels are not unique in Okta; the console marks what it creates. */
  label: nonBlank('The app name'),
  /** An app the admin picked to edit instead of creating one. */
  existingAppId: z.string().optional(),
  applicationType: z.enum(['web', 'browser', 'native']),
  grantTypes: z.array(z.enum(GRANT_TYPES)).min(1, 'Choose at least one grant type.'),
  redirectUris: z.array(safeUriSchema),
  postLogoutRedirectUris: z.array(safeUriSchema),
  initiateLoginUri: webUrlSchema.optional(),
  pkceRequired: z.boolean(),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']),
  consentMethod: z.enum(['TRUSTED', 'REQUIRED']),
  /** Okta's Federation Broker Mode: everyone may sign in, assignments are skipped. */
  implicitAssignment: z.boolean(),
});

/** The app integration settings; see {@link appSettingsSchema}. */
export type AppSettings = z.infer<typeof appSettingsSchema>;

/** A trusted origin a browser app needs (CORS for `/token`, redirect for sign-out). */
export const trustedOriginSchema = z.object({
  name: nonBlank('The trusted origin name'),
  origin: webUrlSchema,
  scopes: z.array(z.enum(['CORS', 'REDIRECT'])).min(1),
});

/** The most users, and the most groups, one setup document names. */
export const MAX_ASSIGNED = 10_000;

/** Who may sign in: users and groups by their stable names, and an optional new test user. */
export const assignmentsSchema = z.object({
  /**
   * Existing users, by login. At most {@link MAX_ASSIGNED}: beyond that a group is the way (and a
   * request that large would pass the dispatcher's bound on a request's size).
   */
  users: z
    .array(z.object({ login: nonBlank('The login') }))
    .max(
      MAX_ASSIGNED,
      `A setup names at most ${MAX_ASSIGNED.toLocaleString('en-US')} users: assign a group instead of listing its members.`,
    ),
  /** Existing groups, by name (Okta group names are unique). */
  groups: z
    .array(z.object({ name: nonBlank('The group name') }))
    .max(
      MAX_ASSIGNED,
      `A setup names at most ${MAX_ASSIGNED.toLocaleString('en-US')} groups: assign fewer, larger groups.`,
    ),
  /** A user to create for trying the sign-in, assigned to the app directly. */
  testUser: z
    .object({
      firstName: nonBlank('The first name'),
      lastName: nonBlank('The last name'),
      email: z.email('Enter an email address, e.g. ada@example.com.'),
    })
    .optional(),
});

/** Who may sign in; see {@link assignmentsSchema}. */
export type Assignments = z.infer<typeof assignmentsSchema>;

/** The authorization server that issues the app's tokens. */
export const issuerSettingsSchema = z.discriminatedUnion('kind', [
  z.object({
    /** The org authorization server: issuer `https://{org}`, no API Access Management needed. */
    kind: z.literal('org'),
    issuerMode: z.enum(ISSUER_MODES),
    groupsClaim: groupsClaimSchema.optional(),
  }),
  z.object({
    /** A custom authorization server: issuer `https://{org}/oauth2/{id}`. */
    kind: z.literal('custom'),
    server: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('existing'), id: nonBlank('The server id') }),
      z.object({
        kind: z.literal('new'),
        name: nonBlank('The server name'),
        audience: nonBlank('The audience'),
        description: z.string(),
      }),
    ]),
    issuerMode: z.enum(ISSUER_MODES),
    /** Scopes the target requests; custom ones are created on the server when missing. */
    scopes: z.array(nonBlank('A scope')).min(1),
    groupsClaim: groupsClaimSchema.optional(),
  }),
]);

/** The issuer settings; see {@link issuerSettingsSchema}. */
export type IssuerSettings = z.infer<typeof issuerSettingsSchema>;

/** The whole setup document; see the module comment. */
export const setupDocumentSchema = z.object({
  formatVersion: z.literal(SETUP_DOCUMENT_VERSION),
  /**
   * This setup's identity, written into the app's `profile` as the console's mark. Okta labels
   * are not unique, so after a lost response the mark — not the label — says whether the app
   * was already created.
   */
  id: nonBlank('The setup id'),
  target: z.object({
    preset: z.enum(PRESET_IDS),
    /** Where the target app is served, e.g. `http://localhost:8080`; callbacks derive from it. */
    baseUrl: nonBlank('The app’s base URL'),
    /** Kestra's Micronaut client key / Kaimu's provider slug: the callback's last segment. */
    clientKey: z
      .string()
      .refine((text) => !hasControlCharacter(text), `The client key: ${CONTROL_CHARACTER_MESSAGE}`)
      .optional(),
  }),
  app: appSettingsSchema,
  trustedOrigins: z.array(trustedOriginSchema),
  assignments: assignmentsSchema,
  issuer: issuerSettingsSchema,
});

/** The setup document; see {@link setupDocumentSchema}. */
export type SetupDocument = z.infer<typeof setupDocumentSchema>;

/** Why a setup document could not be read: one line per problem, with where it is. */
export class SetupDocumentError extends Error {
  readonly problems: string[];

  constructor(message: string, problems: string[]) {
    super(message);
    this.name = 'SetupDocumentError';
    this.problems = problems;
  }
}

/**
 * Reads a setup document from parsed JSON, or says precisely what is wrong with it.
 *
 * @remarks
 * A newer `formatVersion` gets its own message (update the console), rather than a list of
 * schema errors that would send the admin looking for typos.
 */
export function parseSetupDocument(value: unknown): SetupDocument {
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > SETUP_DOCUMENT_VERSION) {
    throw new SetupDocumentError(
      `This setup document is format ${String(version)}, newer than this console reads (${String(SETUP_DOCUMENT_VERSION)}). Update SSO Setup Console to open it.`,
      [],
    );
  }
  const result = setupDocumentSchema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length === 0 ? '(document)' : issue.path.join('.')}: ${issue.message}`,
  );
  throw new SetupDocumentError(
    `This is not a valid setup document (${String(problems.length)} problem${problems.length === 1 ? '' : 's'}). Fix the fields named below, or create a new document with \`sso-console init\`.`,
    problems,
  );
}
