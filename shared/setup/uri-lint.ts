/** One problem with a redirect URI: what is wrong, why it matters, and what to write instead. */
export interface UriFinding {
  uri: string;
  severity: 'error' | 'warning';
  rule:
    | 'not-absolute'
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
    | 'missing-callback';
  message: string;
  /** The corrected URI, when there is one to offer. */
  fix?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const PLACEHOLDER = /[{}<>]|X{4,}|yourdomain|your-domain|your_domain|\.\.\./i;

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
