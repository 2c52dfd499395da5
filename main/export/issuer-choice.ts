import { AppError } from '../../shared/errors.ts';
import { withoutTrailingSlashes } from '../../shared/text.ts';
import type { ServerCandidate } from './issuer-candidates.ts';

/**
 * Which issuer an export of an app already in the org writes, when the caller has the app but
 * not the setup document: the decision, apart from the reads (`issuer-candidates.ts`,
 * `issuer-from-setup.ts`), so every case is pinned by a unit test.
 *
 * @remarks
 * The rule: the file never names a different issuer than the apply reported, unless the admin
 * chose it. In order:
 * 1. `--issuer`, the admin's choice: the org URL or `{org}/oauth2/{id}` of an active server of
 *    this org (anything else is refused, rather than read as the org server as it once was).
 * 2. The setup the console applied: its kept document, found by the mark on the app.
 * 3. The org: the one server whose active access policy names the client. Several such servers
 *    are refused with their issuers, since guessing would write the wrong one half the time.
 * 4. Otherwise the org authorization server. A server that admits the client only through a
 *    policy for `ALL_CLIENTS` does not count: such a policy (the `default` server's "Default
 *    Policy") admits every app of the org, including every app set up on the org server, so
 *    choosing it would move those apps to a server their setup never chose. The export says so
 *    in a warning that names `--issuer` and the server, so a setup that did rely on it (the
 *    apply makes no policy of its own where one already admits the app) is one flag away.
 */

/** Where the chosen issuer came from. */
export type IssuerSource = 'requested' | 'setup' | 'policy' | 'org';

/** The issuer an export writes, with why, and a warning when the org could not settle it. */
export interface IssuerChoice {
  /** The custom server's id; `null` for the org authorization server. */
  authServerId: string | null;
  issuer: string;
  source: IssuerSource;
  /** Shown with the files, as the targets' own warnings are. */
  warning?: string;
}

/** The server a kept setup document names, as found in the org. */
export type SetupIssuer =
  | { kind: 'org' }
  | { kind: 'custom'; authServerId: string }
  /** The document names a new server that is not in the org (by name) any more. */
  | { kind: 'missing'; serverName: string };

/** The setup behind an app, for the decision: which issuer it chose, and which document said so. */
export interface AppliedSetupIssuer {
  setupId: string;
  issuer: SetupIssuer;
}

/** An export refused because the issuer is not settled; the hint names `--issuer`. */
export class ExportIssuerChoiceError extends AppError {
  /** The issuers the admin can choose from, the org's first. */
  readonly candidates: readonly string[];

  constructor(message: string, hint: string, candidates: readonly string[]) {
    super({ code: 'EXPORT_REFUSED', message, hint });
    this.name = 'ExportIssuerChoiceError';
    this.candidates = candidates;
  }
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

function describe(server: ServerCandidate, policies: readonly string[]): string {
  return `"${server.name}" (${server.issuer}, ${policies.length === 1 ? 'policy' : 'policies'} ${quoted(policies)})`;
}

/**
 * The custom server's id `issuer` names in the org at `orgUrl`, `null` for the org server, or
 * `undefined` when it is neither (another org's, a path that is not an issuer).
 */
export function serverIdOfIssuer(orgUrl: string, issuer: string): string | null | undefined {
  if (!URL.canParse(issuer) || !URL.canParse(orgUrl)) {
    return undefined;
  }
  const given = new URL(issuer);
  if (given.origin !== new URL(orgUrl).origin || given.search !== '' || given.hash !== '') {
    return undefined;
  }
  const path = withoutTrailingSlashes(given.pathname);
  if (path === '') {
    return null;
  }
  return /^\/oauth2\/([^/]+)$/.exec(path)?.[1];
}

/** Decides the issuer of an export; see the module's remarks for the order. */
export function chooseExportIssuer(input: {
  orgUrl: string;
  clientId: string;
  servers: readonly ServerCandidate[];
  /** `--issuer`, as the admin typed it. */
  requested?: string;
  /** The setup the console applied to this app, when its document is kept on this computer. */
  setup?: AppliedSetupIssuer;
}): IssuerChoice {
  const { orgUrl, clientId, servers } = input;
  const orgIssuer = orgUrl;
  const everyIssuer = [orgIssuer, ...servers.map((server) => server.issuer)];
  const byId = (id: string) => servers.find((server) => server.authServerId === id);

  if (input.requested !== undefined) {
    const id = serverIdOfIssuer(orgUrl, input.requested);
    if (id === null) {
      return { authServerId: null, issuer: orgIssuer, source: 'requested' };
    }
    const server = id === undefined ? undefined : byId(id);
    if (server === undefined) {
      throw new ExportIssuerChoiceError(
        `--issuer ${input.requested} is not an issuer of ${orgUrl}: the org's are ${everyIssuer.join(', ')} (its active authorization servers).`,
        'Give --issuer one of those, exactly as written.',
        everyIssuer,
      );
    }
    const admits = server.namingPolicies.length > 0 || server.allClientsPolicies.length > 0;
    return {
      authServerId: server.authServerId,
      issuer: server.issuer,
      source: 'requested',
      ...(admits
        ? {}
        : {
            warning: `No active access policy of "${server.name}" admits client ${clientId}, so sign-in at ${server.issuer} fails (no_matching_policy) until one does; the setup adds one when applied on that server.`,
          }),
    };
  }

  if (input.setup !== undefined) {
    const { issuer, setupId } = input.setup;
    if (issuer.kind === 'org') {
      return { authServerId: null, issuer: orgIssuer, source: 'setup' };
    }
    const server = issuer.kind === 'custom' ? byId(issuer.authServerId) : undefined;
    if (server === undefined) {
      const named =
        issuer.kind === 'custom' ? `"${issuer.authServerId}"` : `"${issuer.serverName}"`;
      throw new ExportIssuerChoiceError(
        `The setup ${setupId} applied to this app chose the authorization server ${named}, which is not an active server of ${orgUrl} now, so its issuer would not sign in.`,
        `Apply the setup again to make or activate the server, or choose another issuer with --issuer (${everyIssuer.join(', ')}).`,
        everyIssuer,
      );
    }
    return { authServerId: server.authServerId, issuer: server.issuer, source: 'setup' };
  }

  const naming = servers.filter((server) => server.namingPolicies.length > 0);
  const [only] = naming;
  if (naming.length === 1 && only !== undefined) {
    return { authServerId: only.authServerId, issuer: only.issuer, source: 'policy' };
  }
  if (naming.length > 1) {
    const issuers = naming.map((server) => server.issuer);
    throw new ExportIssuerChoiceError(
      `The access policies of ${String(naming.length)} authorization servers name client ${clientId}: ${naming.map((server) => describe(server, server.namingPolicies)).join('; ')}. Any of them issues the app's tokens, and the console has no setup document for the app that says which one its setup chose.`,
      `Choose the issuer with --issuer, one of ${issuers.join(', ')}.`,
      issuers,
    );
  }
  const allClients = servers.filter((server) => server.allClientsPolicies.length > 0);
  return {
    authServerId: null,
    issuer: orgIssuer,
    source: 'org',
    ...(allClients.length === 0
      ? {}
      : {
          warning: `The org authorization server's issuer (${orgIssuer}) was written: no access policy names client ${clientId}, and ${allClients.map((server) => describe(server, server.allClientsPolicies)).join('; ')} admit${allClients.length === 1 ? 's' : ''} it only as one of all clients, which says nothing about this app's setup. If the setup chose ${allClients.length === 1 ? 'that server' : 'one of them'}, export again with --issuer ${allClients.map((server) => server.issuer).join(' or --issuer ')}.`,
        }),
  };
}
