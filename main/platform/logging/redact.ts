/**
 * The console's one redactor, for log lines, error messages and the command line's messages.
 *
 * @remarks
 * Three kinds of secret are removed wherever they appear in a text:
 * - every secret the console knows (an API token typed or read from the keychain, a client
 *   secret, a test user's password), as itself and as JSON and URLs encode it;
 * - every value under a secret-like name — `password` (Okta's `password.value` included),
 *   `client_secret`, `clientSecret`, `secret`, `private_key`, any `…token`, `code`, `state`,
 *   `code_verifier`, `nonce`, `Authorization`, `Cookie` — in JSON (compact, pretty, or itself
 *   inside a JSON string), form bodies, URLs (query and fragment) and header lines;
 * - an `SSWS`, `Bearer`, `Basic` or `DPoP` credential, a JWT, an Okta API token or a PEM private
 *   key block wherever it appears, even under no name (a service app's private JWK is known as a
 *   secret, whole and member by member: see {@link privateKeySecrets}).
 *
 * Texts are scanned, not parsed, because what needs redacting is often not valid JSON: an SDK
 * error's message is "HTTP 400 " followed by the response body. Structured values (a log line's
 * fields) are walked instead: see {@link Redactor.value}. `test/unit/main/platform/logging/`
 * holds the property test that puts generated secrets in each of these places.
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/** Names, normalised (lower case, no `_` or `-`), whose values are secrets. */
const SECRET_NAMES = new Set([
  'code',
  'state',
  'nonce',
  'codeverifier',
  'codechallenge',
  'clientassertion',
  'privatekey',
  'idtokenhint',
  'passcode',
  'otp',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
]);

/** Endings that make any name secret: `client_secret`, `SSO_CONSOLE_API_TOKEN`, `stateToken`. */
const SECRET_ENDINGS = ['secret', 'password', 'token'];

/**
 * Names that are also ordinary words ("the state: ACTIVE", "code: E0000011" in prose): after an
 * unquoted name and a colon they count only when the value is quoted, as in a JavaScript literal.
 */
const PROSE_WORDS = new Set(['code', 'state', 'nonce', 'token', 'secret']);

/** Header names whose whole value, to the end of the line, is a credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);

function normalise(name: string): string {
  return name.toLowerCase().replaceAll(/[-_]/g, '');
}

/** Whether a member, parameter or header named `name` carries a secret. */
export function isSecretName(name: string): boolean {
  const normalised = normalise(name);
  return (
    SECRET_NAMES.has(normalised) || SECRET_ENDINGS.some((ending) => normalised.endsWith(ending))
  );
}

/**
 * Credentials that need no name around them to be recognised.
 *
 * @remarks
 * The scheme's credential is an RFC 7235 token68. `Basic` is matched only capitalised, as headers
 * write it, because "basic" is an ordinary word. Okta API tokens are 42 characters starting with
 * `00`; they are matched bare because an SDK error or a pasted value can carry one without its
 * scheme.
 */
const SHAPES: readonly (readonly [RegExp, string])[] = [
  [/(?<=^|[^\w]|\\[nrt])((?:SSWS|Bearer|DPoP)\s+)[A-Za-z0-9._~+/-]+=*/gi, `$1${REDACTED}`],
  [/(?<=^|[^\w]|\\[nrt])((?:Basic|Digest|Negotiate)\s+)[A-Za-z0-9._~+/-]+=*/g, `$1${REDACTED}`],
  // JWTs: base64url segments whose first two start with an encoded '{"' ("eyJ").
  [/(?<=^|[^\w-]|\\[nrt])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/(?<=^|[^\w-]|\\[nrt])00[A-Za-z0-9_-]{38,}/g, REDACTED],
  // A private key as a PEM block (a service app's key read from a file), whole.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // The password in a URL's user information, up to the last `@` before the host (a raw `@` in
  // a password is common). The scheme starts only where a run of scheme characters starts and is
  // at most 32 long, and the user part at most 256, so the text is scanned in linear time.
  [/((?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]{0,256}:)[^/\s]+@/gi, `$1${REDACTED}@`],
];

/**
 * A name followed by `:` or `=`: bare (`code=`, `Authorization:`), quoted (`"code":`, `'code':`)
 * or quoted inside a JSON string (`\"code\":`). The closing quote must be the opening one. A
 * JSON escape (`\n`) may come just before it, as when a header block sits in a JSON string. The
 * backslashes before a quote are bounded (three levels of JSON in JSON), so a long run of them
 * costs linear time, not a rescan from each one.
 */
const NAMED_VALUE = /(?<![\w-])(?:\\[nrt])*(\\{0,7}["']?)([A-Za-z][\w-]*)\1\s*([:=])[ \t]*/g;

/**
 * Where a string opening at `start` with `quote` ends: `"` or `'` (backslash escapes), or `\"`,
 * a JSON string inside another JSON string, whose characters are decoded once before the same
 * rule applies. Deeper nesting than that takes the rest of the text.
 */
function endOfQuoted(text: string, start: number, quote: string): number {
  if (quote === '"' || quote === "'") {
    for (let index = start + 1; index < text.length; index += 1) {
      if (text[index] === '\\') {
        index += 1;
      } else if (text[index] === quote) {
        return index + 1;
      }
    }
    return text.length;
  }
  if (quote !== '\\"') {
    return text.length;
  }
  let escaped = false;
  for (let index = start + 2; index < text.length; index += 1) {
    let decoded = text[index];
    if (decoded === '\\' && (text[index + 1] === '\\' || text[index + 1] === '"')) {
      index += 1;
      decoded = text[index];
    }
    if (escaped) {
      escaped = false;
    } else if (decoded === '\\') {
      escaped = true;
    } else if (decoded === '"') {
      return index + 1;
    }
  }
  return text.length;
}

/** Where the object or array opening at `start` closes, strings inside skipped. */
function endOfNested(text: string, start: number, quote: string): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (quote === '\\"' && text.startsWith('\\"', index)) {
      index = endOfQuoted(text, index, quote) - 1;
    } else if (quote !== '\\"' && char === '"') {
      index = endOfQuoted(text, index, '"') - 1;
    } else if (char === '{' || char === '[') {
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) {
        return index + 1;
      }
    }
  }
  return text.length;
}

/** The end of the value at `start` after a secret name, and what replaces it; or none. */
function secretValueAt(
  text: string,
  start: number,
  name: string,
  nameQuote: string,
  separator: string,
): { end: number; replacement: string } | undefined {
  const normalised = normalise(name);
  const valueQuote = text.startsWith('\\"', start)
    ? '\\"'
    : text[start] === '"' || text[start] === "'"
      ? text[start]
      : '';
  if (valueQuote !== '') {
    return {
      end: endOfQuoted(text, start, valueQuote),
      replacement: `${valueQuote}${REDACTED}${valueQuote}`,
    };
  }
  const bare = nameQuote === '' && separator === ':';
  if (text[start] === '{' || text[start] === '[') {
    // Okta's `"password":{"value":"…"}`: the whole member goes, not just its first part.
    const quote = nameQuote === '\\"' ? '\\"' : '"';
    return {
      end: endOfNested(text, start, quote),
      replacement: bare ? REDACTED : `${quote}${REDACTED}${quote}`,
    };
  }
  if (bare && CREDENTIAL_HEADERS.has(normalised)) {
    const endOfLine = text.slice(start).search(/[\r\n]/);
    return { end: endOfLine === -1 ? text.length : start + endOfLine, replacement: REDACTED };
  }
  if (bare && PROSE_WORDS.has(normalised)) {
    return undefined;
  }
  const stop = separator === '=' ? /[&#\s"'<>\\]/ : bare ? /[\r\n,}]/ : /[\s,}\]\\]/;
  const length = text.slice(start).search(stop);
  const end = length === -1 ? text.length : start + length;
  return end === start ? undefined : { end, replacement: REDACTED };
}

/**
 * How a config file refers to a secret kept elsewhere: `${VAR}` (Spring, Kestra), `$__env{VAR}`
 * (Grafana), `$key.path` (Argo CD), `ENV.fetch(…)` / `ENV[…]` (GitLab), `var.name` (Terraform),
 * `env(…)`, `process.env.VAR`. What follows a secret name in such a form is no secret.
 */
const SECRET_REFERENCE =
  /^["']?(?:\$\{[^}\s]*\}|\$__\w+\{[^}\s]*\}|\$[A-Za-z_][\w.]*|ENV(?:\.fetch\(|\[)|var\.[A-Za-z_]\w*|env\(|process\.env\.)/;

/** Redacts every value under a secret name (see the module's remarks). */
function redactNamedValues(text: string, keepReferences: boolean): string {
  const parts: string[] = [];
  let copiedTo = 0;
  const pattern = new RegExp(NAMED_VALUE.source, NAMED_VALUE.flags);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const [whole, nameQuote = '', name = '', separator = ''] = match;
    if (!isSecretName(name)) {
      continue;
    }
    const start = match.index + whole.length;
    if (keepReferences && SECRET_REFERENCE.test(text.slice(start, start + 64))) {
      continue;
    }
    const value = secretValueAt(text, start, name, nameQuote, separator);
    if (value === undefined) {
      continue;
    }
    parts.push(text.slice(copiedTo, start), value.replacement);
    copiedTo = value.end;
    pattern.lastIndex = Math.max(value.end, start + 1);
  }
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

/** A known secret as it appears written out: itself, JSON-escaped (once, twice), URL-encoded. */
function writtenForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ value: secret }).toString().slice('value='.length),
  ];
}

/**
 * Known secrets shorter than this are not replaced as exact text: a short value would rewrite
 * ordinary words. (Okta's own minimum for a password is 8; tokens and secrets are far longer.)
 */
const MIN_KNOWN_LENGTH = 8;

/**
 * `text` with every secret in it replaced by {@link REDACTED}: the `known` secrets first
 * (longest first, so a secret that contains another goes whole), then every named value and
 * every recognisable credential.
 *
 * @remarks
 * `keepReferences` is for a config file the admin reads: there `client_secret = $__env{…}` is a
 * reference they must see, while any other value under a secret name still goes.
 */
export function redactText(
  text: string,
  known: Iterable<string> = [],
  options: { keepReferences?: boolean } = {},
): string {
  let redacted = text;
  const forms = [...new Set([...known].filter((secret) => secret.length >= MIN_KNOWN_LENGTH))]
    .flatMap(writtenForms)
    .sort((a, b) => b.length - a.length);
  for (const form of forms) {
    redacted = redacted.split(form).join(REDACTED);
  }
  redacted = redactNamedValues(redacted, options.keepReferences === true);
  for (const [pattern, replacement] of SHAPES) {
    redacted = redacted.replace(pattern, replacement);
  }
  return redacted;
}

/** Depth beyond which a structured value is cut short instead of walked. */
const MAX_DEPTH = 12;

/**
 * A copy of `value` safe to log: members under secret names replaced, every string redacted as
 * text, errors reduced to {@link describeError}, cycles and depth cut.
 */
export function redactValue(value: unknown, known: Iterable<string> = []): unknown {
  const knownList = [...known];
  const seen = new WeakSet<object>();
  const walk = (current: unknown, depth: number): unknown => {
    if (typeof current === 'string') {
      return redactText(current, knownList);
    }
    if (typeof current !== 'object' || current === null) {
      return current;
    }
    if (current instanceof Error) {
      return describeError(current, knownList);
    }
    if (seen.has(current) || depth >= MAX_DEPTH) {
      return '[…]';
    }
    seen.add(current);
    if (Array.isArray(current)) {
      return current.map((item) => walk(item, depth + 1));
    }
    return Object.fromEntries(
      Object.entries(current).map(([name, member]) => [
        // A member's name is text too: a map keyed by token would otherwise print the token.
        redactText(name, knownList),
        isSecretName(name) && member !== null && member !== undefined
          ? REDACTED
          : walk(member, depth + 1),
      ]),
    );
  };
  return walk(value, 0);
}

/**
 * What may be logged of something thrown.
 *
 * @remarks
 * An Okta SDK error never contributes its message: an `HttpError`'s message is the whole
 * response body, which may echo what was sent. Only its name, HTTP status and Okta error code are
 * kept. Any other error's message is redacted.
 */
export function describeError(error: unknown, known: Iterable<string> = []): string {
  if (typeof error !== 'object' || error === null) {
    return typeof error === 'string' ? redactText(error, known) : typeof error;
  }
  const { name, status, errorCode, message } = error as Record<string, unknown>;
  const label = typeof name === 'string' ? name : 'Error';
  if (typeof status === 'number' || /^(HttpError|OktaApiError|OAuthError)$/.test(label)) {
    const code = typeof errorCode === 'string' && /^E\d{7}$/.test(errorCode) ? ` ${errorCode}` : '';
    return `${label} (HTTP ${typeof status === 'number' ? String(status) : '?'}${code})`;
  }
  return typeof message === 'string' ? `${label}: ${redactText(message, known)}` : label;
}

/**
 * The redactor of one process: {@link redactText} and {@link redactValue} with every secret the
 * console has come to know so far.
 */
export interface Redactor {
  /** Adds a secret the console now holds (a token typed, a secret read or created). */
  remember(secret: string | null | undefined): void;
  /** `text` redacted; `keepReferences` as in {@link redactText}. */
  text(text: string, options?: { keepReferences?: boolean }): string;
  value(value: unknown): unknown;
  error(error: unknown): string;
}

/** A {@link Redactor} that starts knowing `initial`. */
export function createRedactor(initial: Iterable<string> = []): Redactor {
  const known = new Set<string>();
  const redactor: Redactor = {
    remember(secret) {
      if (typeof secret === 'string' && secret.length >= MIN_KNOWN_LENGTH) {
        known.add(secret);
      }
    },
    text: (text, options) => redactText(text, known, options),
    value: (value) => redactValue(value, known),
    error: (error) => describeError(error, known),
  };
  for (const secret of initial) {
    redactor.remember(secret);
  }
  return redactor;
}

/** The members of a private JWK that are secret (RFC 7518 §6.2.2 and §6.3.2). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/**
 * The texts of a secret the redactor must know: the secret itself and, for a private JWK (a
 * service app's key, as the keychain holds it), each of its secret members, so neither the key
 * nor a piece of it can appear in a log line or an error.
 */
export function privateKeySecrets(secret: string): string[] {
  const secrets = [secret];
  if (!secret.trimStart().startsWith('{')) {
    return secrets;
  }
  try {
    const jwk = JSON.parse(secret) as Record<string, unknown>;
    for (const member of PRIVATE_JWK_MEMBERS) {
      const value = jwk[member];
      if (typeof value === 'string' && value.length >= 8) {
        secrets.push(value);
      }
    }
  } catch {
    // Not JSON: only the whole text is a secret.
  }
  return secrets;
}
