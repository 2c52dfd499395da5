import { createRequire } from 'node:module';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createLogger } from '../../../../../main/platform/logging/logger.ts';
import { createRedactor, type Redactor } from '../../../../../main/platform/logging/redact.ts';

/**
 * The redactor's property: for every place a secret can sit in what the console logs, prints or
 * answers, a generated secret put there does not survive — not as itself, not JSON-escaped, not
 * URL-encoded — and the redacted text is the same whatever the secret was, so not even its
 * length or a part of it leaks.
 */

/** Cases per place; 16 places, so 4,800 generated cases in all. */
const RUNS_PER_PLACE = 300;

const HttpError = createRequire(import.meta.url)('@okta/okta-sdk-nodejs/src/http-error.js') as new (
  url: string,
  status: number,
  body: string,
) => Error;

const ALNUM = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
/** Characters that break naive patterns: quotes, escapes, separators, brackets, non-ASCII. */
const AWKWARD = [
  '"',
  '\\',
  "'",
  '&',
  '=',
  '#',
  '%',
  '+',
  ' ',
  '/',
  ':',
  ';',
  ',',
  '{',
  '}',
  '[',
  ']',
  '<',
  '>',
  '\t',
  'é',
  '€',
  '😀',
  '-',
  '_',
  '.',
  '~',
];

/** A secret of 12 to 44 characters: four letters or digits, then anything awkward or not. */
const secret = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 4, maxLength: 4 }),
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ALNUM) },
        { weight: 2, arbitrary: fc.constantFrom(...AWKWARD) },
      ),
      { minLength: 8, maxLength: 40 },
    ),
  )
  .map(([head, rest]) => head + rest.join(''));

/** An RFC 7235 token68, as an `SSWS` token or a `Bearer` access token is. */
const token68 = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~+/-]{11,60}=*$/);

/** The names the issue lists, spelled as JSON, forms, SDKs and environments spell them. */
const secretName = fc.constantFrom(
  'password',
  'client_secret',
  'clientSecret',
  'secret',
  'private_key',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'code',
  'state',
  'code_verifier',
  'apiToken',
  'SSO_CONSOLE_API_TOKEN',
  'sessionToken',
);

/** Members around the secret that must be kept: none of them is a secret. */
const filler = fc.array(
  fc.tuple(
    fc.constantFrom('login', 'grant_type', 'scope', 'redirect_uri', 'status', 'errorSummary', 'id'),
    fc.lorem({ maxCount: 3 }),
  ),
  { maxLength: 4 },
);

/** `entries` with `[name, value]` put in at `position` (wrapped to their length). */
function withEntry(
  entries: readonly (readonly [string, string])[],
  name: string,
  value: string,
  position: number,
): [string, string][] {
  const copy = entries.map(([key, member]): [string, string] => [key, member]);
  copy.splice(position % (copy.length + 1), 0, [name, value]);
  return copy;
}

/** A secret as it may be written out where it sits. */
function writtenForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ];
}

/** Asserts nothing of `value` is in `text`. */
function expectGone(text: string, value: string): void {
  for (const form of writtenForms(value)) {
    expect(text).not.toContain(form);
  }
}

interface Place {
  /** The text as the console would hold it, with `value` under `name` among `members`. */
  text(
    value: string,
    name: string,
    members: readonly (readonly [string, string])[],
    at: number,
  ): string;
  /** The values this place takes: any secret, or only a token68 (an HTTP credential). */
  values: fc.Arbitrary<string>;
  /** Whether the redactor must be told of the secret first (it sits under no name). */
  known?: boolean;
}

const objectOf = (entries: [string, string][]) => Object.fromEntries(entries);

const PLACES: Record<string, Place> = {
  'a compact JSON body': {
    values: secret,
    text: (value, name, members, at) =>
      JSON.stringify(objectOf(withEntry(members, name, value, at))),
  },
  'a pretty-printed JSON body': {
    values: secret,
    text: (value, name, members, at) =>
      JSON.stringify(objectOf(withEntry(members, name, value, at)), null, 2),
  },
  'Okta’s password.value, nested in a user': {
    values: secret,
    text: (value, _name, members) =>
      JSON.stringify({
        profile: objectOf(members.map(([key, member]) => [key, member])),
        credentials: { password: { value }, recovery_question: { question: 'Who?' } },
      }),
  },
  'a JSON array deep in a response': {
    values: secret,
    text: (value, name, members, at) =>
      JSON.stringify({
        _embedded: { items: [{ id: 'x' }, objectOf(withEntry(members, name, value, at))] },
      }),
  },
  'an SDK error message (HTTP status and the body)': {
    values: secret,
    text: (value, name, members, at) =>
      `HTTP 400 ${JSON.stringify(objectOf(withEntry(members, name, value, at)))}`,
  },
  'a JSON body inside a JSON string': {
    values: secret,
    text: (value, name, members, at) =>
      JSON.stringify({
        level: 'error',
        message: `HTTP 400 ${JSON.stringify(objectOf(withEntry(members, name, value, at)))}`,
      }),
  },
  'a form body': {
    values: secret,
    text: (value, name, members, at) =>
      new URLSearchParams(withEntry(members, name, value, at)).toString(),
  },
  'a URL’s query': {
    values: secret,
    text: (value, name, members, at) =>
      `GET https://dev-1.okta.com/oauth2/v1/authorize?${new URLSearchParams(withEntry(members, name, value, at)).toString()} failed`,
  },
  'a URL’s fragment': {
    values: secret,
    text: (value, name, members, at) =>
      `landed on https://app.example.com/callback#${new URLSearchParams(withEntry(members, name, value, at)).toString()}`,
  },
  'header lines (Authorization, Cookie)': {
    values: secret.map((value) => value.replaceAll(/[\r\n]/g, '')),
    text: (value) =>
      `POST /oauth2/v1/token HTTP/1.1\r\nHost: dev-1.okta.com\r\nAuthorization: Basic ${value}\r\nCookie: sid=${value}; DT=1\r\nAccept: application/json\r\n\r\n`,
  },
  'headers as JSON': {
    values: secret,
    text: (value) =>
      JSON.stringify({
        headers: { Authorization: `Bearer ${value}`, cookie: `sid=${value}`, accept: '*/*' },
      }),
  },
  'an SSWS token anywhere in prose': {
    values: token68,
    text: (value, _name, members) =>
      `${members.map(([, member]) => member).join(' ')} (SSWS ${value}) and 'SSWS ${value}'`,
  },
  'a Bearer token after a JSON escape': {
    values: token68,
    text: (value) => JSON.stringify({ message: `request:\nBearer ${value}\nsent` }),
  },
  'a known secret in prose, under no name': {
    values: secret,
    known: true,
    text: (value, _name, members) =>
      `${members.map(([, member]) => member).join(' ')} the secret is ${value}, twice: ${value}`,
  },
  'a known secret JSON-escaped and URL-encoded': {
    values: secret,
    known: true,
    text: (value) =>
      `${JSON.stringify({ note: `pasted ${value}` })} https://x.example.com/?q=${encodeURIComponent(value)}`,
  },
};

describe('the redactor removes a generated secret from every place', () => {
  for (const [place, { text, values, known }] of Object.entries(PLACES)) {
    it(place, () => {
      fc.assert(
        fc.property(
          values,
          values,
          secretName,
          filler,
          fc.nat(),
          (first, second, name, members, at) => {
            fc.pre(first !== second);
            const redactedFor = (value: string) => {
              const redactor: Redactor = createRedactor();
              if (known === true) {
                redactor.remember(value);
              }
              return redactor.text(text(value, name, members, at));
            };
            const redacted = redactedFor(first);
            expectGone(redacted, first);
            // Nothing of the secret, not even its length, shapes the output.
            expect(redacted).toBe(redactedFor(second));
          },
        ),
        { numRuns: RUNS_PER_PLACE },
      );
    });
  }

  it('a log line: fields, nested bodies, an SDK error and the message', () => {
    fc.assert(
      fc.property(secret, token68, secretName, filler, (value, token, name, members) => {
        const lines: string[] = [];
        const redactor = createRedactor();
        redactor.remember(value);
        createLogger({ write: (line) => lines.push(line), redactor }).log(
          'error',
          `call with SSWS ${token} failed`,
          {
            request: {
              headers: { authorization: `SSWS ${token}` },
              body: objectOf(withEntry(members, name, value, 0)),
            },
            [name]: value,
            error: new HttpError(
              'https://dev-1.okta.com/api/v1/users',
              400,
              JSON.stringify({ [name]: value }),
            ),
            note: `echo ${value}`,
          },
        );
        const [line = ''] = lines;
        expectGone(line, value);
        expectGone(line, token);
        expect(() => JSON.parse(line) as unknown).not.toThrow();
      }),
      { numRuns: RUNS_PER_PLACE },
    );
  });
});
