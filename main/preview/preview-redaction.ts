import { isSecretName, REDACTED } from '../platform/logging/redact.ts';

/**
 * Redaction for the login preview's timeline: what the admin may see of each exchange.
 *
 * @remarks
 * The timeline is shown in the UI, printed by the CLI's `--json` and may be saved with a failure
 * for a later diagnosis, so nothing in it may let someone finish or replay the login: codes,
 * `state`, `nonce`, PKCE values, the client secret and every token become {@link REDACTED}, in
 * URLs (query and fragment), form bodies and JSON bodies alike. Names are matched as names,
 * not searched for in text; everything else — endpoint paths, error texts, claims — stays,
 * because that is what a diagnosis needs. The names and the marker are the console's one
 * redactor's (`main/platform/logging/redact.ts`), so the timeline and the log cannot disagree
 * about what is a secret.
 */

function redactParams(params: URLSearchParams): void {
  for (const name of new Set(params.keys())) {
    if (isSecretName(name)) {
      params.set(name, REDACTED);
    }
  }
}

/**
 * A URL with secret query and fragment parameters redacted. A string that is not a URL is
 * returned as {@link REDACTED} in full, since it cannot be taken apart safely.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  parsed.username = '';
  parsed.password = '';
  redactParams(parsed.searchParams);
  if (parsed.hash.length > 1) {
    const fragment = new URLSearchParams(parsed.hash.slice(1));
    redactParams(fragment);
    parsed.hash = fragment.toString();
  }
  // URLSearchParams encodes the brackets; keep the marker readable.
  return parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** An `application/x-www-form-urlencoded` body as an object, secrets redacted. */
export function redactForm(body: string | URLSearchParams): Record<string, string> {
  const params = typeof body === 'string' ? new URLSearchParams(body) : body;
  const result: Record<string, string> = {};
  for (const [name, value] of params) {
    result[name] = isSecretName(name) ? REDACTED : value;
  }
  return result;
}

/** A JSON value with every member named like a secret redacted, at any depth. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redactJson);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, member]) => [
        name,
        isSecretName(name) ? REDACTED : redactJson(member),
      ]),
    );
  }
  return value;
}

/** An `Authorization` header as the timeline shows it: the scheme, never the credentials. */
export function redactAuthorization(header: string): string {
  const scheme = /^\s*(\S+)\s/.exec(header)?.[1];
  return scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
}

/**
 * The visible text of an HTML page, as a person would read it: scripts, styles and tags gone,
 * entities decoded, whitespace collapsed. For Okta's `/authorize` error pages, whose sentence is
 * what the diagnosis keys on.
 */
export function visibleText(html: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    '#39': "'",
  };
  return html
    .replaceAll(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replaceAll(/<[^<>]*>/g, ' ')
    .replaceAll(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
      if (/^#x/i.test(name)) {
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      }
      if (name.startsWith('#') && name !== '#39') {
        return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      }
      return named[name.toLowerCase()] ?? entity;
    })
    .replaceAll(/\s+/g, ' ')
    .trim();
}
