import { z } from 'zod';

/** One problem with a redirect URI: what is wrong, why it matters, and what to write instead. */
export interface UriFinding {
  uri: string;
  severity: 'error' | 'warning';
  rule:
    | 'not-absolute'
    | 'missing-scheme'
    | 'placeholder'
    | 'wildcard'
    | 'fragment'
    | 'duplicate'
    | 'insecure-http'
    | 'trailing-slash'
    | 'scheme-mismatch'
    | 'host-mismatch'
    | 'port-mismatch'
    | 'path-case-mismatch'
    | 'missing-callback'
    | 'unsafe-scheme'
    | 'scheme-not-allowed';
  message: string;
  /** The corrected URI, when there is one to offer. */
  fix?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Schemes a browser runs or reads locally rather than navigates to: as a redirect, sign-out or
 * sign-in URI they would run script in Okta's or the app's context, or open a local file.
 */
const UNSAFE_SCHEMES = new Set([
  'javascript:',
  'data:',
  'vbscript:',
  'file:',
  'blob:',
  'about:',
  'filesystem:',
]);

/** The scheme of `uri` when it is one no URI the console sends may use; `undefined` otherwise. */
export function unsafeSchemeOf(uri: string): string | undefined {
  const scheme = /^\s*([a-z][a-z0-9+.-]*:)/i.exec(uri)?.[1]?.toLowerCase();
  return scheme !== undefined && UNSAFE_SCHEMES.has(scheme) ? scheme : undefined;
}

/**
 * Whether `text` holds a line break or another control character.
 *
 * @remarks
 * The URL parser drops tabs and line breaks, so `new URL` alone accepts a URI that would break
 * a line of an exported file (a shell script's comment, a YAML key) and inject the next one.
 */
export function hasControlCharacter(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  return /[\u0000-\u001f\u007f]/.test(text);
}

/** Why a value with a control character is refused. */
export const CONTROL_CHARACTER_MESSAGE =
  'Holds a line break or another control character, which no address or name has (it would break the lines of the exported files). Type it on one line.';

/** Why a URI with an unsafe scheme is refused, as the lint and the schemas say it. */
export function unsafeSchemeMessage(scheme: string): string {
  return `Uses the ${scheme} scheme, which a browser runs or reads locally instead of going to an address. Use the https address of your app (or, for a native app, its own scheme).`;
}

/**
 * A URI the console may send to Okta or use as a redirect: never one with an unsafe scheme,
 * whoever sent it (the page, a setup file, a one-click fix). The full lint (`lintRedirectUris`)
 * explains the rest as the admin types; this is the floor every boundary enforces.
 */
export const safeUriSchema = z
  .string()
  .max(2048, 'A URI is at most 2,048 characters.')
  .superRefine((uri, context) => {
    if (hasControlCharacter(uri)) {
      context.addIssue({ code: 'custom', message: CONTROL_CHARACTER_MESSAGE });
      return;
    }
    const scheme = unsafeSchemeOf(uri);
    if (scheme !== undefined) {
      context.addIssue({ code: 'custom', message: unsafeSchemeMessage(scheme) });
    }
  });

/** A web address (http or https) the console may send: an origin, a sign-in page. */
export const webUrlSchema = safeUriSchema.refine((uri) => isWebUrl(uri), {
  message: 'Must be an http or https address, e.g. https://app.example.com.',
});

/** Whether `uri` is an absolute http or https URL (what every web address here must be). */
export function isWebUrl(uri: string): boolean {
  const url = parse(uri);
  return url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:');
}
const PLACEHOLDER = /[{}<>]|X{4,}|yourdomain|your-domain|your_domain|\.\.\./i;

/**
 * A host, with an optional port, at the start of what was typed: `localhost:8080/`,
 * `app.example.com/callback`, `127.0.0.1:9000`, `[::1]:8250`.
 *
 * @remarks
 * A single label is not a host here (`myapp:/callback` is a native app's own scheme), except
 * `localhost`; a dotted name followed by `:` and a digit is a host and port, never a scheme,
 * since a scheme's colon is followed by `/` or the rest of the URI (`com.example.app:/cb`).
 */
const HOST_FIRST =
  /^(localhost|\[[0-9a-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d{1,5})?(?:[/?#]|$)/i;

/**
 * The address `uri` was meant to be when it was typed without its scheme (`localhost:8080/` →
 * `http://localhost:8080/`, `app.example.com/cb` → `https://app.example.com/cb`), or
 * `undefined` when it has one (or is no address at all).
 *
 * @remarks
 * `new URL('localhost:8080/')` parses — as the scheme `localhost:` with the path `8080/` — so a
 * parse is no proof of a scheme: that is how a scheme-less base URL used to pass every step and
 * reach Okta as a redirect URI. This computer's own names get `http` (a loopback address needs
 * no TLS, and a local app rarely has it); any other host gets `https`.
 */
export function withMissingScheme(uri: string): string | undefined {
  const trimmed = uri.trim();
  const bare = trimmed.startsWith('//') ? trimmed.slice(2) : trimmed;
  const host = HOST_FIRST.exec(bare)?.[1];
  if (host === undefined) {
    return undefined;
  }
  const scheme = LOOPBACK_HOSTS.has(host.toLowerCase()) ? 'http' : 'https';
  return `${scheme}://${bare}`;
}

/** What an address that must be a web address (a base URL, an origin) gets wrong, if anything. */
export interface WebAddressProblem {
  rule: 'missing-scheme' | 'not-absolute' | 'scheme-not-allowed' | 'missing-host';
  message: string;
  /** The address to use instead, when there is one to offer. */
  fix?: string;
}

/**
 * Checks an address that must be an http or https URL with a host: the target app's base URL,
 * a trusted origin, an initiate-login URI. `what` names it in the message ("The base URL").
 */
export function checkWebAddress(value: string, what: string): WebAddressProblem | undefined {
  const address = value.trim();
  if (address === '') {
    return undefined;
  }
  const fix = withMissingScheme(address);
  if (fix !== undefined) {
    return {
      rule: 'missing-scheme',
      message: `${what} has no scheme, so Okta would get ${address} as a path rather than an address. Write it with http:// or https://, e.g. ${fix}.`,
      fix,
    };
  }
  const url = parse(address);
  if (url === undefined) {
    return {
      rule: 'not-absolute',
      message: `${what} is not an address. Write it with its scheme and host, e.g. https://app.example.com.`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      rule: 'scheme-not-allowed',
      message: `${what} uses the ${url.protocol} scheme; it must be an http or https address, e.g. https://app.example.com.`,
    };
  }
  if (url.hostname === '') {
    return {
      rule: 'missing-host',
      message: `${what} has no host. Write it as scheme and host, e.g. https://app.example.com.`,
    };
  }
  return undefined;
}

/**
 * The document's addresses that are not addresses, by path: the base URL, each redirect URI
 * typed without its scheme, each trusted origin.
 *
 * @remarks
 * The schema keeps a half-filled document valid enough to keep (a blank or scheme-less base URL
 * is what an admin has while typing), so these are checked on their own: the wizard shows them
 * where they are typed, and the plan in main refuses to apply them — so a document that skipped
 * the wizard (a file, the command line) cannot create an app whose redirect URI is a bare path.
 */
export function documentAddressProblems(document: {
  target: { baseUrl: string };
  app: {
    redirectUris: readonly string[];
    postLogoutRedirectUris: readonly string[];
  };
  trustedOrigins: readonly { origin: string }[];
}): [path: string, message: string][] {
  const problems: [string, string][] = [];
  const baseUrl = checkWebAddress(document.target.baseUrl, 'The app’s base URL');
  if (baseUrl !== undefined) {
    problems.push(['target.baseUrl', baseUrl.message]);
  }
  const lists = [
    ['app.redirectUris', document.app.redirectUris, 'The sign-in redirect URI'],
    [
      'app.postLogoutRedirectUris',
      document.app.postLogoutRedirectUris,
      'The sign-out redirect URI',
    ],
  ] as const;
  for (const [path, uris, what] of lists) {
    uris.forEach((uri, index) => {
      const fix = withMissingScheme(uri);
      if (fix !== undefined) {
        problems.push([
          `${path}.${String(index)}`,
          `${what} ${uri} has no scheme. Write it with http:// or https://, e.g. ${fix}.`,
        ]);
      }
    });
  }
  document.trustedOrigins.forEach((trusted, index) => {
    const problem = checkWebAddress(trusted.origin, `The trusted origin ${trusted.origin}`);
    if (problem !== undefined) {
      problems.push([`trustedOrigins.${String(index)}.origin`, problem.message]);
    }
  });
  return problems;
}

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

function withoutTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri.slice(0, -1) : uri;
}

/** Compares a URI with the target's callback and names the one difference Okta will trip on. */
function differenceFrom(uri: string, url: URL, expected: string): UriFinding | undefined {
  const target = parse(expected);
  if (target === undefined || uri === expected) {
    return undefined;
  }
  const base = { uri, severity: 'error' as const, fix: expected };
  if (withoutTrailingSlash(uri) === withoutTrailingSlash(expected)) {
    return {
      ...base,
      rule: 'trailing-slash',
      message: `Differs from the app's callback ${expected} only by a trailing slash. Okta matches redirect URIs exactly, so sign-in would stop at "The 'redirect_uri' parameter must be a Login redirect URI".`,
    };
  }
  const samePath = url.pathname === target.pathname && url.search === target.search;
  if (samePath && url.host === target.host && url.protocol !== target.protocol) {
    return {
      ...base,
      rule: 'scheme-mismatch',
      message: `Uses ${url.protocol.slice(0, -1)} where the app's callback uses ${target.protocol.slice(0, -1)}. Behind a TLS proxy an app often sends the scheme it sees; register the one the browser is sent to.`,
    };
  }
  if (samePath && url.protocol === target.protocol && url.port === target.port) {
    if (url.hostname !== target.hostname) {
      return {
        ...base,
        rule: 'host-mismatch',
        message: `Names host ${url.hostname} where the app's callback uses ${target.hostname}. To Okta these are different URIs${LOOPBACK_HOSTS.has(url.hostname) && LOOPBACK_HOSTS.has(target.hostname) ? ', even though both are this computer' : ''}.`,
      };
    }
  }
  if (samePath && url.protocol === target.protocol && url.hostname === target.hostname) {
    if (url.port !== target.port) {
      return {
        ...base,
        rule: 'port-mismatch',
        message: `Uses port ${url.port === '' ? 'the default' : url.port} where the app's callback uses ${target.port === '' ? 'the default' : target.port}. Okta compares the port too.`,
      };
    }
  }
  if (
    url.origin === target.origin &&
    url.pathname.toLowerCase() === target.pathname.toLowerCase() &&
    url.pathname !== target.pathname
  ) {
    return {
      ...base,
      rule: 'path-case-mismatch',
      message: `Differs from the app's callback ${expected} in letter case. Okta compares paths case-sensitively.`,
    };
  }
  return undefined;
}

/**
 * Checks the redirect URIs of an app integration as Okta and the target app will see them.
 *
 * @remarks
 * Okta matches redirect URIs exactly, and a mismatch shows up only at sign-in as a bare 400
 * page, far from where it was typed. So every URI is checked as it is typed: shape (absolute,
 * no fragment, no wildcard, no leftover placeholder), duplicates, plain http outside this
 * computer, and — when the target's own callback is known — the near misses that cause most
 * failures in practice (trailing slash, scheme, host, port, letter case), each with the fix.
 */
export function lintRedirectUris(
  uris: readonly string[],
  options: {
    /** Sign-in URIs must include the target's callback; sign-out URIs have no such rule. */
    kind: 'sign-in' | 'sign-out';
    /** The callback the target app will send, derived from its base URL. */
    expected?: string;
    applicationType: 'web' | 'browser' | 'native';
  },
): UriFinding[] {
  const findings: UriFinding[] = [];
  const seen = new Set<string>();
  for (const uri of uris) {
    if (seen.has(uri)) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'duplicate',
        message: 'Listed twice. Remove one.',
      });
      continue;
    }
    seen.add(uri);
    // Before the placeholder check: a data: or javascript: URI often holds <…>, and the
    // admin must hear that the scheme itself is refused, not that a placeholder is left.
    const unsafe = unsafeSchemeOf(uri);
    if (unsafe !== undefined) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'unsafe-scheme',
        message: unsafeSchemeMessage(unsafe),
      });
      continue;
    }
    if (PLACEHOLDER.test(uri)) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'placeholder',
        message:
          'Still holds a placeholder ({…}, <…>, XXXX or "yourdomain"). Replace it with the real address of your app.',
      });
      continue;
    }
    if (uri.includes('*')) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'wildcard',
        message:
          'Contains a wildcard. Okta allows one only in the lowest subdomain with wildcard redirects switched on, and discourages it; register each exact URI instead.',
      });
      continue;
    }
    const schemeFix = withMissingScheme(uri);
    if (schemeFix !== undefined) {
      // Before parsing: `localhost:8080/callback` parses, as the scheme `localhost:`.
      findings.push({
        uri,
        severity: 'error',
        rule: 'missing-scheme',
        message: `Has no scheme, so Okta would take it for a path. Write it with http:// or https://.`,
        fix: schemeFix,
      });
      continue;
    }
    const url = parse(uri);
    if (url === undefined) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'not-absolute',
        message:
          'Is not an absolute URI. Write it with its scheme and host, e.g. https://app.example.com/callback.',
      });
      continue;
    }
    if (options.applicationType !== 'native' && !isWebUrl(uri)) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'scheme-not-allowed',
        message: `Uses the ${url.protocol} scheme; a web or single-page app is sent back to an http or https address. Only a native app has a scheme of its own.`,
      });
      continue;
    }
    if (url.hash !== '') {
      findings.push({
        uri,
        severity: 'error',
        rule: 'fragment',
        message: 'Has a #fragment, which redirect URIs may not have (RFC 6749 §3.1.2). Remove it.',
        fix: uri.slice(0, uri.indexOf('#')),
      });
      continue;
    }
    if (
      url.protocol === 'http:' &&
      !LOOPBACK_HOSTS.has(url.hostname) &&
      options.applicationType !== 'native'
    ) {
      findings.push({
        uri,
        severity: 'error',
        rule: 'insecure-http',
        message:
          'Uses plain http on a host other than this computer, so the authorization code would cross the network unencrypted. Use https.',
        // The SDL rule reads the literal below as a URL; it is the prefix being replaced.
        // eslint-disable-next-line @microsoft/sdl/no-insecure-url
        fix: `https://${uri.slice('http://'.length)}`,
      });
      continue;
    }
    if (options.expected !== undefined) {
      const difference = differenceFrom(uri, url, options.expected);
      if (difference !== undefined) {
        findings.push(difference);
      }
    }
  }
  if (
    options.kind === 'sign-in' &&
    options.expected !== undefined &&
    !uris.includes(options.expected) &&
    // A near miss already says what to write instead.
    !findings.some((finding) => finding.fix === options.expected)
  ) {
    findings.push({
      uri: options.expected,
      severity: 'error',
      rule: 'missing-callback',
      message: `The app will send ${options.expected} as its callback, and it is not in the list. Add it, or the sign-in ends at Okta's 400 page.`,
      fix: options.expected,
    });
  }
  return findings;
}
