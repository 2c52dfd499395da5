import { z } from 'zod';

/**
 * The config files the console writes for target apps, as they cross from main to the renderer
 * and the command line.
 *
 * @remarks
 * Target ids are stable identifiers, like error codes: the CLI's `--target`, the UI and the
 * tests key on them. The exporters themselves live in `main/export/` (pure functions); only
 * their results and their catalogue are shared.
 */
export const EXPORT_TARGET_IDS = [
  'kestra',
  'kaimu',
  'okta-env',
  'dotenv',
  'json',
  'spring-boot',
  'grafana',
  'argocd',
  'oauth2-proxy',
  'authjs',
  'gitlab',
  'vault',
  'outline',
  'jenkins',
  'gitea',
  'harbor',
  'jupyterhub',
  'terraform',
] as const;

/** One of {@link EXPORT_TARGET_IDS}. */
export type ExportTargetId = (typeof EXPORT_TARGET_IDS)[number];

/**
 * Each target's title, as the export's catalogue (`export:targets`) gives it: for pickers that
 * name a target without loading the catalogue (the rotation's and drift's). The one list of
 * titles: main's exporters take theirs from it.
 */
export const EXPORT_TARGET_TITLES: Readonly<Record<ExportTargetId, string>> = {
  kestra: 'Kestra',
  kaimu: 'Kaimu',
  'okta-env': 'Okta CLI .okta.env',
  dotenv: 'Generic .env',
  json: 'Generic JSON',
  'spring-boot': 'Spring Boot',
  grafana: 'Grafana',
  argocd: 'Argo CD',
  'oauth2-proxy': 'oauth2-proxy',
  authjs: 'Auth.js',
  gitlab: 'GitLab',
  vault: 'HashiCorp Vault',
  outline: 'Outline',
  jenkins: 'Jenkins',
  gitea: 'Gitea / Forgejo',
  harbor: 'Harbor',
  jupyterhub: 'JupyterHub',
  terraform: 'Terraform (okta provider)',
};

/** The syntax of an exported file, for highlighting and for picking its parser. */
export const FILE_LANGUAGES = ['yaml', 'json', 'dotenv', 'ini', 'toml', 'ruby', 'hcl'] as const;

/** One of {@link FILE_LANGUAGES}. */
export type FileLanguage = (typeof FILE_LANGUAGES)[number];

/** One exported file. */
export const exportedFileSchema = z.object({
  /** The file's conventional name, e.g. `application.yml`; the admin picks where it goes. */
  name: z.string(),
  language: z.enum(FILE_LANGUAGES),
  content: z.string(),
  /**
   * The content holds the client secret inline (only when the admin asked for it): such a file
   * is written with mode 0600 and shown with a warning.
   */
  sensitive: z.boolean(),
  /** One sentence: what the file is for and where it goes. */
  purpose: z.string(),
});

/** One exported file; see {@link exportedFileSchema}. */
export type ExportedFile = z.infer<typeof exportedFileSchema>;

/** What an exporter produced for one target. */
export const exportOutputSchema = z.object({
  target: z.enum(EXPORT_TARGET_IDS),
  files: z.array(exportedFileSchema).min(1),
  /**
   * What the admin does next, in order: where the files go, which environment variable must hold
   * the secret, how to restart the target so it reads them (for Kaimu, `docker compose up -d`
   * rather than `restart`, which keeps the old environment).
   */
  nextSteps: z.array(z.string()),
  /** Things to know before using the files (e.g. an inline secret, an assumption made). */
  warnings: z.array(z.string()),
});

/** What an exporter produced; see {@link exportOutputSchema}. */
export type ExportOutput = z.infer<typeof exportOutputSchema>;

/** A target in the catalogue: what the UI lists and `sso-console export --list-targets` prints. */
export const exportTargetInfoSchema = z.object({
  id: z.enum(EXPORT_TARGET_IDS),
  title: z.string(),
  /** One sentence on what is written, e.g. "application.yml with a Micronaut OAuth client". */
  description: z.string(),
  /** Whether a file can be merged into an existing one (`--merge-into`). */
  mergeable: z.boolean(),
  /** Whether the console can sign in with what the files say (see `main/export/verify`). */
  verifiable: z.boolean(),
});

/** A catalogue entry; see {@link exportTargetInfoSchema}. */
export type ExportTargetInfo = z.infer<typeof exportTargetInfoSchema>;

/** One check a verification made, in the order made; `detail` says what was compared. */
export const verificationCheckSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});

/** One verification check; see {@link verificationCheckSchema}. */
export type VerificationCheck = z.infer<typeof verificationCheckSchema>;

/**
 * What the verification read from the files, the way the target reads them: the values it signs
 * in with. The secret appears only as where it comes from, never as its value.
 */
export const targetReadingViewSchema = z.object({
  issuer: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  scopes: z.array(z.string()),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']),
  /** `inline`, `none`, or the environment variable the target resolves it from. */
  clientSecretFrom: z.string(),
});

/** A reading as shown; see {@link targetReadingViewSchema}. */
export type TargetReadingView = z.infer<typeof targetReadingViewSchema>;

/**
 * A finished verification: whether signing in with exactly what the files say worked, and the
 * record that makes "verified" checkable later (when, and the hash of what was verified).
 */
export const verificationResultSchema = z.object({
  ok: z.boolean(),
  target: z.enum(EXPORT_TARGET_IDS),
  /** SHA-256 over the files' names and contents, hex; the files verified are exactly these. */
  contentHash: z.string(),
  /** ISO time of the sign-in; `null` when it failed. */
  verifiedAt: z.string().nullable(),
  reading: targetReadingViewSchema.nullable(),
  checks: z.array(verificationCheckSchema),
  /** The verified ID token's claims (never the token). */
  claims: z.record(z.string(), z.unknown()).nullable(),
});

/** A finished verification; see {@link verificationResultSchema}. */
export type VerificationResult = z.infer<typeof verificationResultSchema>;
