import type {
  ExportedFile,
  ExportOutput,
  ExportTargetId,
  ExportTargetInfo,
} from '../../shared/export/export-targets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { AppliedSetup } from '../okta/applied-setup.ts';

/**
 * The shape every target's exporter has: a pure function from what was set up to files, and a
 * reader that takes the values back out of those files the way the target itself would.
 *
 * @remarks
 * Pure so that golden tests pin every byte and the same code serves the wizard, the command line
 * and the verification. Everything an exporter needs from the org is gathered beforehand into
 * {@link ExportFacts} (see `export-facts.ts`), and the client secret arrives only when the admin
 * asked for it inline. The reader is what makes "verified" mean something: the verification signs
 * in with the values the reader found, never with the values the exporter was given.
 */

/** What the org says, read once before exporting. */
export interface ExportFacts {
  /** The issuer's discovery document, as served (the issuer string is exported exactly). */
  discovery: {
    issuer: string;
    authorization_endpoint: string;
    token_endpoint: string;
    userinfo_endpoint?: string;
    end_session_endpoint?: string;
    jwks_uri: string;
    scopes_supported?: string[];
  };
  /** Groups assigned to the app, by id and name (Terraform lists them all; see its pitfalls). */
  assignedGroups: { id: string; name: string }[];
  /** Users assigned to the app directly. */
  assignedUsers: { id: string; login: string }[];
}

export type { AppliedSetup } from '../okta/applied-setup.ts';

/** How the client secret appears in the files. */
export type SecretHandling =
  /** The files reference it (an environment variable, a Kubernetes Secret); the default. */
  | { kind: 'reference' }
  /** The files hold it, because the admin asked; they are marked sensitive. */
  | { kind: 'inline'; value: string };

/** Everything an exporter works from. */
export interface ExportInput {
  document: SetupDocument;
  applied: AppliedSetup;
  facts: ExportFacts;
  secret: SecretHandling;
  /** An existing file's content to merge into, for targets with `mergeable: true`. */
  mergeInto?: string;
  /**
   * The version of the target the admin runs, for a target whose config format changed between
   * versions (Jenkins' oic-auth plugin); its exporter refuses a version it cannot write for.
   */
  targetVersion?: string;
}

/** Where the client secret comes from, as the target reads its config. */
export type SecretSource =
  | { kind: 'inline'; value: string }
  /** e.g. `${OKTA_CLIENT_SECRET}`: the target resolves it from its environment at start-up. */
  | { kind: 'environment'; variable: string }
  /** Public clients (PKCE, `none`) have no secret. */
  | { kind: 'none' };

/** The values a target takes from its files, read the way the target reads them. */
export interface TargetReading {
  issuer: string;
  clientId: string;
  clientSecret: SecretSource;
  /** The redirect URI the target will send, derived by the target's own rule. */
  redirectUri: string;
  scopes: string[];
  /** How the target authenticates at the token endpoint. */
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** A file that does not parse, or does not hold what the target needs; the message says which. */
export class ExportReadError extends Error {
  readonly file: string;

  constructor(file: string, message: string) {
    super(message);
    this.name = 'ExportReadError';
    this.file = file;
  }
}

/** One target's exporter; registered by id in `targets/index.ts`. */
export interface Exporter extends ExportTargetInfo {
  id: ExportTargetId;
  export(input: ExportInput): ExportOutput;
  /**
   * Parses `files` with the format's real parser and returns the values the target would use.
   * Present exactly when `verifiable` is true.
   */
  read?(files: readonly ExportedFile[]): TargetReading;
}
