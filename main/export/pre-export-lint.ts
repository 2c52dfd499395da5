/**
 * The checks every export passes before any file is written (targets.md §0), after Okta's own
 * start-up validator (okta-commons-java `ConfigurationValidator`): a file with a placeholder or a
 * mistyped org URL fails at the target's start-up, long after the admin has left the console.
 */

/** Values every target exports; the secret only when it is inlined. */
export interface LintedValues {
  issuer: string;
  clientId: string;
  clientSecret?: string;
}

const PLACEHOLDER_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\{yourOktaDomain\}/i, what: 'the placeholder {yourOktaDomain}' },
  { pattern: /\{clientId\}/i, what: 'the placeholder {clientId}' },
  { pattern: /\{clientSecret\}/i, what: 'the placeholder {clientSecret}' },
  { pattern: /\{\{/, what: 'a leftover template marker "{{"' },
  { pattern: /<[^<>]+>/, what: 'a leftover placeholder in angle brackets' },
  { pattern: /XXXX/, what: 'a leftover placeholder "XXXX"' },
];

const ADMIN_HOSTS = ['-admin.okta.com', '-admin.oktapreview.com', '-admin.okta-emea.com'];

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * Every problem with `values`, as sentences that say what is wrong and what to do; empty when the
 * export may go ahead.
 */
export function preExportLint(values: LintedValues): string[] {
  const problems: string[] = [];
  const named: [string, string | undefined][] = [
    ['The issuer', values.issuer],
    ['The client id', values.clientId],
    ['The client secret', values.clientSecret],
  ];
  for (const [name, value] of named) {
    if (value === undefined) {
      continue;
    }
    if (value.trim() === '') {
      problems.push(`${name} is blank. Apply the setup first so the org assigns it.`);
      continue;
    }
    for (const { pattern, what } of PLACEHOLDER_PATTERNS) {
      if (pattern.test(value)) {
        problems.push(`${name} still holds ${what}. Use the value the org returned.`);
      }
    }
  }
  if (!URL.canParse(values.issuer)) {
    if (values.issuer.trim() !== '') {
      problems.push(
        `The issuer "${values.issuer}" is not an absolute URL. Use the discovery document's issuer, e.g. https://dev-123.okta.com/oauth2/default.`,
      );
    }
    return problems;
  }
  const issuer = new URL(values.issuer);
  if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname)) {
    problems.push(
      `The issuer "${values.issuer}" is not https. Okta issuers are https; check the org URL.`,
    );
  }
  if (issuer.hostname.includes('.com.com')) {
    problems.push(
      `The issuer "${values.issuer}" contains ".com.com". Check the org URL for a typo.`,
    );
  }
  if (ADMIN_HOSTS.some((suffix) => issuer.hostname.endsWith(suffix))) {
    problems.push(
      `The issuer "${values.issuer}" is the Admin Console's address. Remove "-admin" from the host.`,
    );
  }
  if (values.issuer.endsWith('/')) {
    problems.push(
      `The issuer "${values.issuer}" ends with a slash. Export it exactly as discovery states it.`,
    );
  }
  return problems;
}
