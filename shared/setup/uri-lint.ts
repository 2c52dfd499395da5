import { z } from 'zod';

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
