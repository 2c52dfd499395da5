import type { AppErrorValue } from '../errors.ts';

/** An org URL that passed {@link parseOrgUrl}. */
export interface ParsedOrgUrl {
  /** The normalised origin: scheme, lower-case host and port, no trailing slash. */
  orgUrl: string;
  /** Whether the host is a loopback address (the sandbox org, or a tunnel on this machine). */
  isLoopback: boolean;
}

const PLACEHOLDER_PATTERN = /[{}<>]|\$\{|yourOktaDomain|your[-_]?okta[-_]?domain|example\.okta/i;

/**
 * Whether `hostname` (as `URL.hostname` gives it) names this machine.
 *
 * @remarks
 * The whole 127.0.0.0/8 block and IPv6 `::1` are loopback (RFC 6890); `localhost` resolves to
 * them by RFC 6761. Compared on the parsed hostname, never on the raw string, so
 * `127.0.0.1.evil.example` is not loopback.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') {
    return true;
  }
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

function fail(code: AppErrorValue['code'], message: string, hint: string): AppErrorValue {
  return { code, message, hint, field: 'orgUrl' };
}

/**
 * Checks and normalises what an admin typed as their Okta org URL.
 *
 * @remarks
 * Runs in the renderer for live feedback and again in main before any request, so both give the
 * same answer. The rules follow Okta's own SDK assertions ("Your Okta URL must start with https.",
 * "Replace \{yourOktaDomain\} with your Okta domain.", "Your Okta domain should not contain
 * -admin.") and add the path check: the org URL is an origin, and a pasted issuer
 * (`/oauth2/default`) or Admin Console page is the commonest slip. Plain `http` is accepted on
 * loopback only, for the sandbox org.
 */
export function parseOrgUrl(
  input: string,
): { ok: true; value: ParsedOrgUrl } | { ok: false; error: AppErrorValue } {
  const trimmed = input.trim();
  if (trimmed === '') {
    return {
      ok: false,
      error: fail(
        'ORG_URL_MALFORMED',
        'The org URL is empty.',
        'Enter your Okta org URL, for example https://dev-123456.okta.com.',
      ),
    };
  }
  if (PLACEHOLDER_PATTERN.test(trimmed)) {
    return {
      ok: false,
      error: fail(
        'ORG_URL_PLACEHOLDER',
        `"${trimmed}" still contains a placeholder from a guide.`,
        'Replace {yourOktaDomain} with your Okta domain, for example https://dev-123456.okta.com.',
      ),
    };
  }
  if (/\s/.test(trimmed)) {
    // Checked before parsing: browsers' URL parsers accept some spaces that Node's refuses, and
    // the renderer and main must agree.
    return {
      ok: false,
      error: fail(
        'ORG_URL_MALFORMED',
        `"${trimmed}" is not a valid URL: it contains a space.`,
        'Enter the org URL as https://<your-org>.okta.com (or your custom Okta domain), without spaces.',
      ),
    };
  }
  // A bare host ("dev-123.okta.com") is what the Okta dashboard shows; https is the only scheme
  // Okta serves, so adding it is safe rather than a guess.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return {
      ok: false,
      error: fail(
        'ORG_URL_MALFORMED',
        `"${trimmed}" is not a valid URL.`,
        'Enter the org URL as https://<your-org>.okta.com (or your custom Okta domain).',
      ),
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      ok: false,
      error: fail(
        'ORG_URL_MALFORMED',
        `The org URL uses "${url.protocol}", which Okta does not serve.`,
        'Use an https:// URL, for example https://dev-123456.okta.com.',
      ),
    };
  }
  if (url.username !== '' || url.password !== '' || url.hostname === '') {
    return {
      ok: false,
      error: fail(
        'ORG_URL_MALFORMED',
        'The org URL contains credentials or no host name.',
        'Enter only the address, for example https://dev-123456.okta.com.',
      ),
    };
  }
  const hostname = url.hostname.toLowerCase();
  const isLoopback = isLoopbackHostname(hostname);
  if (url.protocol === 'http:' && !isLoopback) {
    return {
      ok: false,
      error: fail(
        'ORG_URL_INSECURE',
        'The org URL uses plain http. Okta orgs are served over https only, and an API token sent over http can be read on the way.',
        `Use https://${url.host}. Plain http is accepted only for a local org on 127.0.0.1 or localhost.`,
      ),
    };
  }
  if (hostname.includes('-admin.')) {
    const userFacing = url.host.toLowerCase().replace('-admin.', '.');
    return {
      ok: false,
      error: fail(
        'ORG_URL_ADMIN_DOMAIN',
        `"${url.host}" is the Admin Console's address, not the org URL. Your Okta domain should not contain -admin.`,
        `Use https://${userFacing} instead.`,
      ),
    };
  }
  const hasPath = url.pathname !== '/' && url.pathname !== '';
  if (hasPath || url.search !== '' || url.hash !== '') {
    const isIssuer = url.pathname.startsWith('/oauth2');
    return {
      ok: false,
      error: fail(
        'ORG_URL_HAS_PATH',
        isIssuer
          ? `"${trimmed}" is an authorization server's issuer, not the org URL.`
          : `"${trimmed}" has a path, query or fragment; the org URL is the bare address.`,
        `Use ${url.protocol}//${url.host.toLowerCase()} — the console finds the authorization servers itself.`,
      ),
    };
  }
  return { ok: true, value: { orgUrl: `${url.protocol}//${url.host.toLowerCase()}`, isLoopback } };
}

/**
 * Okta's own domains, whose orgs have an Admin Console on a sibling `-admin` host.
 *
 * @remarks
 * Custom domains (`login.example.com`) serve only the end-user side; their Admin Console stays
 * on the org's Okta host, which the custom domain does not reveal — so they get no links rather
 * than a guessed one.
 */
const OKTA_DOMAINS = [
  'okta.com',
  'oktapreview.com',
  'okta-emea.com',
  'okta-gov.com',
  'okta.mil',
  'trexcloud.com',
] as const;

/**
 * The Admin Console's origin for an org URL: `https://dev-123.okta.com` →
 * `https://dev-123-admin.okta.com`; `null` when the org has no Admin Console we can name.
 *
 * @remarks
 * Okta serves the Admin Console on `{subdomain}-admin.{okta domain}`, and links to admin pages
 * on the org host itself redirect through a sign-in that drops the path — so the wizard's
 * "open in the Admin Console" links must be built on the `-admin` host. Only a single-label
 * subdomain of one of Okta's domains over https qualifies: the sandbox (loopback), custom
 * domains and anything unexpected get `null`, so the wizard shows no link instead of a wrong one.
 */
export function adminConsoleUrl(orgUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.port !== '') {
    return null;
  }
  const host = url.hostname.toLowerCase();
  for (const domain of OKTA_DOMAINS) {
    if (!host.endsWith(`.${domain}`)) {
      continue;
    }
    const subdomain = host.slice(0, -domain.length - 1);
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(subdomain) || subdomain.endsWith('-admin')) {
      return null;
    }
    return `https://${subdomain}-admin.${domain}`;
  }
  return null;
}
