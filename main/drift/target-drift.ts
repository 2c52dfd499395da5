import { OKTA_OAUTH_TEXTS } from '../../shared/okta/oauth-texts.ts';

/**
 * Drift against the deployed target: the config file the target runs with, read the way the
 * target reads it, checked against what Okta holds — each finding with its fix.
 *
 * @remarks
 * Pure: the service reads the file, the org and the secret, and this module only judges. The
 * reading comes from the export's own reader for the target (given to the service as a
 * function: a domain never imports a sibling), so "the file says client id X" means what the
 * target itself would take from it, not what a search of the text found. The text is searched
 * only to say where to make the fix.
 */

/** Where the target takes its client secret from, as the export's reader says. */
export type TargetSecretSource =
  { kind: 'inline'; value: string } | { kind: 'environment'; variable: string } | { kind: 'none' };

/** The values a target takes from its file (the export's `TargetReading`, structurally). */
export interface TargetValues {
  issuer: string;
  clientId: string;
  clientSecret: TargetSecretSource;
  redirectUri: string;
  scopes: readonly string[];
  tokenEndpointAuthMethod: string;
}

/** A config file as the admin pointed at it. */
export interface TargetFile {
  /** The file's name as the target's reader expects it, e.g. `application.yml`. */
  name: string;
  /** Where it is on disk, as the admin gave it. */
  path: string;
  content: string;
}

/** The app the document manages, as Okta has it now. */
export interface ManagedAppFacts {
  id: string;
  label: string;
  clientId: string;
  status: string;
  redirectUris: readonly string[];
  tokenEndpointAuthMethod: string;
}

/** What the service found out for the checks. */
export interface TargetFacts {
  app: ManagedAppFacts;
  /**
   * The app whose client id the file gives, when it is not the managed app's: `null` when the
   * org has no app with that client id.
   */
  fileClientApp: { id: string; label: string; status: string } | null;
  /** The issuer the app's tokens carry (the document's: the org's, or its custom server's). */
  expectedIssuer: string;
  /** Whether the file's secret reference resolves here (env, then the keychain); `null`: none needed. */
  secretResolves: boolean | null;
  /**
   * Where a referenced secret resolved: this command's environment, or (the variable unset here)
   * this computer's keychain entry for the app's client; absent when the file holds it inline.
   */
  secretFrom?: 'environment' | 'keychain';
}

/** The checks a target file goes through, in order. */
export const TARGET_CHECKS = [
  'read',
  'client-id',
  'app-active',
  'issuer',
  'redirect-uri',
  'auth-method',
  'secret',
  'sign-in',
] as const;

/** One check of the target file: what was found and, when it failed, what to change where. */
export interface TargetFinding {
  check: (typeof TARGET_CHECKS)[number];
  ok: boolean;
  detail: string;
  /** What to change, and where; `null` when the check passed. */
  fix: string | null;
  /** The file and line the fix is made at, when the value is written there; else `null`. */
  at: { file: string; line: number } | null;
}

/** The first line (1-based) of `file` holding `text`, or `null`. */
export function lineOf(file: TargetFile, text: string): number | null {
  if (text === '') {
    return null;
  }
  const index = file.content.split('\n').findIndex((line) => line.includes(text));
  return index === -1 ? null : index + 1;
}

function at(file: TargetFile, ...texts: string[]): TargetFinding['at'] {
  for (const text of texts) {
    const line = lineOf(file, text);
    if (line !== null) {
      return { file: file.path, line };
    }
  }
  return null;
}

function where(found: TargetFinding['at'], file: TargetFile): string {
  return found === null ? `in ${file.path}` : `in ${found.file} line ${String(found.line)}`;
}

const pass = (check: TargetFinding['check'], detail: string): TargetFinding => ({
  check,
  ok: true,
  detail,
  fix: null,
  at: null,
});

/**
 * A reader's message without what it quotes of the file: parsers copy the offending lines into
 * their messages (YAML's excerpt after the first line, JSON's quoted text), and a file named by
 * mistake may hold anything — keys, passwords — which must not reach the window or a log. The
 * position (line, column) and the kind of error stay.
 */
export function withoutQuotedContent(message: string): string {
  const [firstLine = ''] = message.split('\n');
  return firstLine
    .replace(/"[^"]*"?(\.\.\.)?/g, '“…”')
    .replace(/'[^']*'?/g, '‘…’')
    .replace(/:\s*$/, '');
}

/** The file could not be read the way the target reads it: the reader's words, never the file's. */
export function unreadableFinding(
  file: TargetFile,
  target: string,
  message: string,
): TargetFinding {
  return {
    check: 'read',
    ok: false,
    detail: `${file.path} cannot be read as ${target} reads it: ${withoutQuotedContent(message)}`,
    fix: `Correct ${file.path} as the message says, or name the right target with --target (the file must be the one the target runs with).`,
    at: null,
  };
}

/** The registered redirect URI the file most likely meant: same path, else same origin. */
function closestRegistered(sent: string, registered: readonly string[]): string | undefined {
  if (!URL.canParse(sent)) {
    return registered[0];
  }
  const url = new URL(sent);
  const parsed = registered.filter((uri) => URL.canParse(uri)).map((uri) => new URL(uri));
  return (
    parsed.find((uri) => uri.pathname === url.pathname) ??
    parsed.find((uri) => uri.origin === url.origin) ??
    parsed[0]
  )?.toString();
}

/**
 * Checks what the target reads from its file against Okta: the client id is the app's and the
 * app is active, the issuer is exactly the app's, the redirect URI the target sends is
 * registered, the token endpoint method matches, and the secret reference resolves.
 */
export function checkTargetValues(
  file: TargetFile,
  target: string,
  values: TargetValues,
  facts: TargetFacts,
): TargetFinding[] {
  const findings: TargetFinding[] = [
    pass(
      'read',
      `Read ${file.path} as ${target} does: client id ${values.clientId}, issuer ${values.issuer}, redirect URI ${values.redirectUri}.`,
    ),
  ];
  const { app } = facts;

  if (values.clientId === app.clientId) {
    findings.push(pass('client-id', `The client id ${values.clientId} is "${app.label}"'s.`));
  } else {
    const found = at(file, values.clientId);
    findings.push({
      check: 'client-id',
      ok: false,
      detail:
        facts.fileClientApp === null
          ? `The file's client id ${values.clientId} is no app's in the org: Okta answers every sign-in with "${OKTA_OAUTH_TEXTS.unknownClientId}"`
          : `The file's client id ${values.clientId} is another app's ("${facts.fileClientApp.label}", ${facts.fileClientApp.status}), not "${app.label}"'s.`,
      fix: `Replace the client id ${values.clientId} with ${app.clientId} ${where(found, file)}, and redeploy the target.`,
      at: found,
    });
  }

  findings.push(
    app.status === 'ACTIVE'
      ? pass('app-active', `"${app.label}" is active.`)
      : {
          check: 'app-active',
          ok: false,
          detail: `"${app.label}" is ${app.status} in Okta, which refuses every sign-in to it.`,
          fix: 'Activate the app: `sso-console drift --app … --restore` does, or Applications › the app › Activate in the Admin Console.',
          at: null,
        },
  );

  if (values.issuer === facts.expectedIssuer) {
    findings.push(pass('issuer', `The issuer is exactly ${values.issuer}.`));
  } else {
    const found = at(file, values.issuer);
    findings.push({
      check: 'issuer',
      ok: false,
      detail: `The file's issuer is ${values.issuer}, but the app's tokens carry ${facts.expectedIssuer}; the target rejects tokens whose iss is not exactly its issuer.`,
      fix: `Replace ${values.issuer} with ${facts.expectedIssuer} ${where(found, file)}.`,
      at: found,
    });
  }

  if (app.redirectUris.includes(values.redirectUri)) {
    findings.push(
      pass('redirect-uri', `The redirect URI ${values.redirectUri} is registered on the app.`),
    );
  } else {
    const closest = closestRegistered(values.redirectUri, app.redirectUris);
    const origin = URL.canParse(values.redirectUri)
      ? new URL(values.redirectUri).origin
      : values.redirectUri;
    const found = at(file, values.redirectUri, origin);
    findings.push({
      check: 'redirect-uri',
      ok: false,
      detail: `${target} sends the redirect URI ${values.redirectUri}, which is not registered on "${app.label}" (it has ${app.redirectUris.length === 0 ? 'none' : app.redirectUris.join(', ')}): Okta answers every sign-in with "${OKTA_OAUTH_TEXTS.redirectUriNotRegistered}"`,
      fix: `${
        closest === undefined
          ? 'Change the file'
          : `Change the file so ${target} sends ${closest} (it builds the URI from the address ${where(found, file)})`
      }, or, if ${values.redirectUri} is right, add it to app.redirectUris in the setup document and run \`sso-console drift --app … --restore\`.`,
      at: found,
    });
  }

  if (values.tokenEndpointAuthMethod === app.tokenEndpointAuthMethod) {
    findings.push(
      pass(
        'auth-method',
        `The token endpoint method is ${values.tokenEndpointAuthMethod}, as the app's.`,
      ),
    );
  } else {
    findings.push({
      check: 'auth-method',
      ok: false,
      detail: `The file authenticates at /token with ${values.tokenEndpointAuthMethod}, but the app expects ${app.tokenEndpointAuthMethod}: Okta refuses the code exchange with invalid_client.`,
      fix: `Set the token endpoint method to ${app.tokenEndpointAuthMethod} in ${file.path}.`,
      at: null,
    });
  }

  const source = values.clientSecret;
  if (facts.secretResolves === null || source.kind === 'none') {
    findings.push(
      values.tokenEndpointAuthMethod === 'none'
        ? pass('secret', 'A public client: no client secret.')
        : {
            check: 'secret',
            ok: false,
            detail: `The file says ${values.tokenEndpointAuthMethod} but gives no client secret.`,
            fix: `Give the client secret in ${file.path}, by reference to an environment variable (as the console's export writes it).`,
            at: null,
          },
    );
  } else if (facts.secretResolves) {
    findings.push(
      pass(
        'secret',
        source.kind !== 'environment'
          ? 'The client secret is in the file.'
          : facts.secretFrom === 'keychain'
            ? `${source.variable} is not set here; this computer’s keychain keeps the client secret of ${app.clientId}, which ${source.variable} must hold where the target runs.`
            : `The client secret resolves from ${source.variable}, set in this command’s environment.`,
      ),
    );
  } else {
    const variable = source.kind === 'environment' ? source.variable : '';
    const found = at(file, variable);
    findings.push({
      check: 'secret',
      ok: false,
      detail: `The file takes the client secret from ${variable}, which is not set here, and this computer's keychain keeps no secret for client ${app.clientId}.`,
      fix: `Set ${variable} to the app's client secret where the target runs (the reference is ${where(found, file)}); to check it here, set ${variable} for this command too.`,
      at: found,
    });
  }
  return findings;
}

/** A sign-in's checks, as the export's verification reports them (`VerificationResult`). */
export interface SignInOutcome {
  ok: boolean;
  checks: readonly { name: string; ok: boolean; detail: string }[];
}

/** The sign-in was not tried: the checks before it already show why Okta would refuse it. */
export function signInNotAttempted(): TargetFinding {
  return {
    check: 'sign-in',
    ok: false,
    detail:
      'Not signed in: the checks above already show that Okta would refuse a sign-in with this file, for the reasons they give.',
    fix: 'Make the fixes above, then run the check with the sign-in again.',
    at: null,
  };
}

/**
 * What to change when the token exchange refuses the file's client credentials: the secret the
 * file gives (inline, or by the variable it names) is not one of the app's active secrets.
 */
function secretRefusedFix(
  file: TargetFile,
  values: TargetValues,
  appLabel: string,
): { fix: string; at: TargetFinding['at'] } {
  const source = values.clientSecret;
  const adminPath = `Admin Console › Applications › "${appLabel}" › General › Client Credentials`;
  if (source.kind === 'environment') {
    const found = at(file, source.variable);
    return {
      fix: `Set ${source.variable} (referenced ${where(found, file)}) to one of "${appLabel}"'s active client secrets where the target runs, and restart it; ${adminPath} shows them. The sign-in here used ${source.variable} from this command's environment, else this computer's keychain entry for client ${values.clientId}.`,
      at: found,
    };
  }
  if (source.kind === 'inline') {
    const found = at(file, source.value);
    return {
      fix: `Replace the client secret written ${where(found, file)} with one of "${appLabel}"'s active client secrets (${adminPath}), or better, reference an environment variable that holds it; then redeploy the target.`,
      at: found,
    };
  }
  return {
    fix: `Give "${appLabel}"'s client secret in ${file.path}, by reference to an environment variable.`,
    at: null,
  };
}

/**
 * The sign-in with exactly the file, as a finding: passed, or the first check that failed with
 * what to change. The checks are the export's verification's (read, secret, discovery, scopes,
 * sign-in, issuer, audience, email); a refusal is matched on Okta's own words
 * ({@link OKTA_OAUTH_TEXTS}), as the preview's diagnosis is.
 */
export function signInFinding(
  file: TargetFile,
  values: TargetValues,
  outcome: SignInOutcome,
  app: { label: string },
): TargetFinding {
  const failed = outcome.checks.find((check) => !check.ok);
  if (outcome.ok || failed === undefined) {
    const signedIn = outcome.checks.find((check) => check.name === 'sign-in');
    return pass(
      'sign-in',
      `Signed in with exactly ${file.path}: ${signedIn?.detail ?? 'every check passed.'}`,
    );
  }
  const finding = (fix: string, found: TargetFinding['at'] = null): TargetFinding => ({
    check: 'sign-in',
    ok: false,
    detail:
      failed.name === 'sign-in'
        ? failed.detail
        : `The sign-in with exactly ${file.path} stopped at its ${failed.name} check: ${failed.detail}`,
    fix,
    at: found,
  });
  const again = 'then run the check with the sign-in again';
  switch (failed.name) {
    case 'secret': {
      const variable =
        values.clientSecret.kind === 'environment' ? values.clientSecret.variable : 'the variable';
      return finding(
        `Set ${variable} for this command to the app's client secret (this computer's keychain keeps none for client ${values.clientId}), ${again}.`,
        values.clientSecret.kind === 'environment' ? at(file, variable) : null,
      );
    }
    case 'discovery':
    case 'issuer': {
      const found = at(file, values.issuer);
      return finding(
        `Make the issuer ${where(found, file)} exactly the issuer the app's authorization server names in its discovery document and tokens, ${again}.`,
        found,
      );
    }
    case 'scopes': {
      const found = at(file, values.scopes.join(' '), values.scopes.join(','), 'openid');
      return finding(
        `Request only scopes the authorization server lists: remove the ones named above from the scopes ${where(found, file)}, or add them to the server (Security › API › the server › Scopes); ${again}.`,
        found,
      );
    }
    case 'audience': {
      const found = at(file, values.clientId);
      return finding(
        `The ID token is not for the client id ${values.clientId} ${where(found, file)}: give "${app.label}"'s client id there, ${again}.`,
        found,
      );
    }
    case 'email': {
      const found = at(file, values.scopes.join(' '), values.scopes.join(','), 'openid');
      return finding(
        `Add the email scope to the scopes ${where(found, file)}, so the ID token carries the email the target keys users on; ${again}.`,
        found,
      );
    }
    case 'sign-in': {
      const said = failed.detail;
      if (said.includes('invalid_client') || said.includes(OKTA_OAUTH_TEXTS.badSecret)) {
        const refused = secretRefusedFix(file, values, app.label);
        return finding(refused.fix, refused.at);
      }
      if (said.includes(OKTA_OAUTH_TEXTS.notAssigned)) {
        return finding(
          `Assign the user who signed in to "${app.label}" (add them to assignments.users in the setup document, then restore it with \`sso-console drift --app … --restore\`), or sign in as someone assigned; ${again}.`,
        );
      }
      if (said.includes(OKTA_OAUTH_TEXTS.policyFailed)) {
        return finding(
          `Let "${app.label}" through an access policy rule of the custom authorization server (the setup document's issuer.server; \`sso-console drift --app … --restore\` puts its policy back), ${again}.`,
        );
      }
      if (said.includes(OKTA_OAUTH_TEXTS.codeInvalid)) {
        return finding(
          `The code expired or was used before it was exchanged: ${again}, and finish the sign-in within a minute.`,
        );
      }
      return finding(
        `The file's client id, issuer, redirect URI and method already match the app, so the refusal lies with the user who signed in or the org's policies: fix what Okta says above, ${again}.`,
      );
    }
    default:
      return finding(`Fix what the check says, ${again}.`);
  }
}
