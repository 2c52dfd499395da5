import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { type BrowserServer, startBrowserServer } from '../../../../main/browser/browser-server.ts';
import { composeConsole, type ConsoleCore } from '../../../../main/composition/compose.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { appErrorSchema } from '../../../../shared/errors.ts';
import { type Channel, CHANNEL_NAMES, CHANNELS } from '../../../../shared/ipc/contract.ts';

/**
 * The whole IPC contract, fuzzed through the real transport and the real dispatcher.
 *
 * @remarks
 * Every case is generated from `shared/ipc/contract.ts`: for each channel a full valid request
 * is built from its zod schema (one per branch of its unions), and each case breaks it: a field
 * of the wrong type or left out, malformed JSON, huge strings, keys and arrays, deep nesting,
 * invalid UTF-8, and `__proto__` / `constructor` / `prototype` keys (sent as JSON text, so they
 * arrive as own keys). They go over HTTP to browser mode's server, running in this process with
 * the console composed as `npm start -- --browser` composes it (real handlers, real keychain, a
 * temporary data folder), so `Object.prototype` below is the server's own.
 *
 * Each case must be answered with a typed refusal — JSON `{ ok: false, error }` with the code
 * `INVALID_REQUEST` — with no 5xx, no untyped body, no hang (5 s per request); a field of the
 * wrong type must be named in the answer. Afterwards the server still answers, no line was
 * logged as an error, nothing was written (no profile, no keychain entry) and `Object.prototype`
 * is untouched.
 *
 * No case can act: before a case is sent, the test parses its body as the server will and checks
 * the channel's own schema refuses it, so no handler runs. Bodies that stay valid are dropped
 * (fast-check's are skipped), never sent; the huge ones carry a top-level key no request has.
 *
 * Found by it and fixed: malformed bodies got a plain-text 400; 8 MB of wrong items in one array
 * kept zod busy for 20 s (or overflowed its stack into a 500), and each item's issue was logged
 * and echoed back. Mutations it catches: JSON.parse errors thrown out of the call handler, the
 * dispatcher's value limit or issue cap removed, a naive deep merge of the body, no validation.
 */

/** The transport's body limit (`MAX_BODY_BYTES` in browser-server.ts). */
const MAX_BODY_BYTES = 8_000_000;
/** Whatever the input, a refusal is at most this long: no answer echoes a huge input. */
const MAX_ANSWER_CHARS = 8_192;
/** A request that takes longer has hung. */
const REQUEST_TIMEOUT_MS = 5_000;
/** A huge string: over every limit the contract sets on a string but one (1,000,000). */
const HUGE_STRING_CHARS = 262_144;
/** fast-check's seed, fixed so every run sends the same cases. */
const SEED = 14;
/** fast-check runs per channel, for each of its two generated kinds. */
const RUNS_PER_CHANNEL = 40;

/** Taken before anything here runs: the fuzz must leave it exactly so. */
const prototypeBefore = snapshotOfObjectPrototype();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = (string | number)[];
type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

const KINDS = [
  'wrong type',
  'malformed JSON',
  'huge input',
  'deep nesting',
  'invalid UTF-8',
  'prototype key',
] as const;
type Kind = (typeof KINDS)[number];

interface FuzzCase {
  kind: Kind;
  channel: string;
  /** What the case is, for a failure's message. */
  what: string;
  body: () => Buffer;
  /** For a wrong type: the field the answer must name. */
  field?: string;
}

// ---------------------------------------------------------------------------------------------
// Valid requests, from the contract's schemas.

type Def = { type: string } & Record<string, unknown>;

/**
 * A valid value for `schema`, every optional field present, union branch `branch` (or the last
 * one) everywhere. Covers the schema kinds the contract's requests use; another kind fails here,
 * so the fuzz never silently skips a new field.
 */
function exampleOf(schema: z.ZodType, branch: number): Json {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return exampleOf(def.innerType as z.ZodType, branch);
    case 'pipe':
      return exampleOf(def.in as z.ZodType, branch);
    case 'object':
      return Object.fromEntries(
        Object.entries(def.shape as Record<string, z.ZodType>).map(([key, member]) => [
          key,
          exampleOf(member, branch),
        ]),
      );
    case 'array': {
      const minimum = (schema._zod.bag as { minimum?: number }).minimum ?? 1;
      return Array.from({ length: Math.max(1, minimum) }, () =>
        exampleOf(def.element as z.ZodType, branch),
      );
    }
    case 'union': {
      const options = def.options as [z.ZodType, ...z.ZodType[]];
      return exampleOf(options[Math.min(branch, options.length - 1)] ?? options[0], branch);
    }
    case 'enum':
      return (Object.values(def.entries as Record<string, string>) as [string])[0];
    case 'literal':
      return (def.values as Json[])[0] as Json;
    case 'boolean':
      return true;
    case 'number':
      return 1;
    case 'string':
      // Passes every string rule of the requests: non-blank, a safe web URI (or date-time), short.
      return def.format === 'email'
        ? 'ada@example.com'
        : def.format === 'datetime'
          ? '2026-12-07T03:00:00Z'
          : 'https://app.example.com';
    default:
      throw new Error(`The fuzz cannot build a value for a zod "${def.type}"; teach exampleOf.`);
  }
}

/** How many branches the widest union in `schema` has (1 without unions). */
function widestUnion(schema: z.ZodType): number {
  const def = schema._zod.def as unknown as Def;
  const inner = [def.innerType, def.in, def.element].filter((s) => s !== undefined);
  const members = [
    ...inner,
    ...Object.values((def.shape ?? {}) as Record<string, z.ZodType>),
    ...((def.options ?? []) as z.ZodType[]),
  ] as z.ZodType[];
  const own = def.type === 'union' ? (def.options as z.ZodType[]).length : 1;
  return Math.max(own, ...members.map(widestUnion));
}

/** One valid request per union branch of each channel. */
const BASES: Record<Channel, Json[]> = Object.fromEntries(
  CHANNEL_NAMES.map((channel) => {
    const schema = CHANNELS[channel].request as z.ZodType;
    return [
      channel,
      Array.from({ length: widestUnion(schema) }, (_, branch) => exampleOf(schema, branch)),
    ];
  }),
) as Record<Channel, Json[]>;

// ---------------------------------------------------------------------------------------------
// JSON helpers.

function typeOf(value: Json): JsonType {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as JsonType);
}

/** A value of each JSON type. */
const OF_TYPE: Record<JsonType, Json> = {
  null: null,
  boolean: false,
  number: 42,
  string: 'fuzz',
  array: [],
  object: {},
};

/** Every node of `value` with its path, the root (`[]`) first. */
function nodesOf(value: Json, at: JsonPath = []): { path: JsonPath; value: Json }[] {
  const children =
    value === null || typeof value !== 'object'
      ? []
      : Object.entries(value).flatMap(([key, member]) =>
          nodesOf(member, [...at, Array.isArray(value) ? Number(key) : key]),
        );
  return [{ path: at, value }, ...children];
}

/**
 * `root` with `value` at `at`, or the member removed when `value` is `undefined`.
 *
 * @remarks
 * Defined, never assigned: assigning `__proto__` would set the copy's prototype instead of
 * adding the own key the server's `JSON.parse` makes of it.
 */
function withValueAt(root: Json, at: JsonPath, value: Json | undefined): Json {
  if (at.length === 0) {
    return value ?? {};
  }
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const key of at.slice(0, -1)) {
    parent = parent[key] as Record<string | number, Json>;
  }
  const last = at[at.length - 1] ?? '';
  if (value === undefined) {
    if (Array.isArray(parent)) {
      parent.splice(Number(last), 1);
    } else {
      Reflect.deleteProperty(parent, last);
    }
  } else {
    Object.defineProperty(parent, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** A key no request has: added at the top, it makes the request invalid whatever else it holds. */
const POISON_KEY = 'fuzz:not-in-the-contract';

/** `value` with {@link POISON_KEY}: what a mutation does inside it can no longer make it valid. */
function poisoned(value: Json): Json {
  return withValueAt(value, [POISON_KEY], true);
}

/** The paths of the strings in a request. */
function stringLeaves(value: Json): JsonPath[] {
  return nodesOf(value)
    .filter((node) => typeof node.value === 'string')
    .map((node) => node.path);
}

/** `value` as JSON text, `marker` strings in it replaced by raw bytes. */
function withRawBytes(value: Json, marker: string, bytes: Buffer): Buffer {
  const parts = JSON.stringify(value).split(marker);
  return Buffer.concat(
    parts.flatMap((part, i) => (i === 0 ? [] : [bytes]).concat(Buffer.from(part))),
  );
}

// ---------------------------------------------------------------------------------------------
// The guard: what the server will make of a body, and whether its channel would accept it.

/** The request the dispatcher gets from a body (browser-server.ts and dispatcher.ts). */
function serverView(body: Buffer): { parsed: true; request: unknown } | { parsed: false } {
  const text = body.toString('utf8');
  try {
    return { parsed: true, request: (text === '' ? {} : (JSON.parse(text) as unknown)) ?? {} };
  } catch {
    return { parsed: false };
  }
}

function channelAccepts(channel: string, request: unknown): boolean {
  try {
    return (
      Object.hasOwn(CHANNELS, channel) &&
      (CHANNELS[channel as Channel].request as z.ZodType).safeParse(request).success
    );
  } catch {
    // zod overflows its stack on some huge inputs (200,000 wrong items in a nested array):
    // whatever the dispatcher makes of them, it is not a handler call.
    return false;
  }
}

/**
 * What the server makes of a body: whether it would hand it to the channel's handler (such a
 * body is never sent), and otherwise the status it must answer with.
 */
function expectationOf(
  channel: string,
  body: Buffer,
): { acts: true } | { acts: false; status: 200 | 400 | 413 } {
  if (body.length > MAX_BODY_BYTES) {
    return { acts: false, status: 413 };
  }
  const view = serverView(body);
  if (!view.parsed) {
    return { acts: false, status: 400 };
  }
  const request = view.request;
  if (typeof request === 'object' && request !== null && Object.hasOwn(request, POISON_KEY)) {
    // Refused by every channel whatever else it holds (the first test checks), so zod need not
    // spend seconds on a huge body to say so.
    return { acts: false, status: 200 };
  }
  return channelAccepts(channel, view.request) ? { acts: true } : { acts: false, status: 200 };
}

// ---------------------------------------------------------------------------------------------
// The cases.

const cases: FuzzCase[] = [];
const seen = new Set<string>();

/**
 * Adds a case; one whose body the channel would accept is dropped, never sent.
 *
 * @remarks
 * A huge body is passed as a function and built only when sent, so they are not all held at
 * once; it is checked then (the same check), and one that would act fails the test.
 */
function add(
  kind: Kind,
  channel: string,
  what: string,
  body: Buffer | Json | (() => Buffer | Json),
  field?: string,
): void {
  const key = `${kind}\u0000${channel}\u0000${what}`;
  if (seen.has(key)) {
    return;
  }
  seen.add(key);
  const bytesOf = (value: Buffer | Json) =>
    Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  let build: () => Buffer;
  if (typeof body === 'function') {
    build = () => bytesOf(body());
  } else {
    const bytes = bytesOf(body);
    if (expectationOf(channel, bytes).acts) {
      return;
    }
    build = () => bytes;
  }
  cases.push({ kind, channel, what, body: build, ...(field === undefined ? {} : { field }) });
}

const shown = (at: JsonPath) => (at.length === 0 ? 'the request' : at.join('.'));

/** Mixed content that JSON escapes differently: ASCII, quotes, backslashes, é, €, 😀, controls. */
function hugeString(chars: number): string {
  return 'aé"€\\😀\u0001 '.repeat(Math.ceil(chars / 10)).slice(0, chars);
}

function deepArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function deepObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bytes that are not UTF-8: lone and reversed BOM bytes, overlong, surrogate, too high, cut. */
const INVALID_UTF8: [string, number[]][] = [
  ['0xff', [0xff]],
  ['a reversed BOM', [0xfe, 0xff]],
  ['an overlong NUL', [0xc0, 0x80]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a code point over U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['a cut sequence', [0xe2, 0x82]],
  ['a lone continuation byte', [0x80]],
];
/** JSON escapes of lone surrogates: valid JSON, not valid Unicode. */
const LONE_SURROGATES = ['\\ud800', '\\udfff', '\\udc00\\ud800'];

const MARKER = 'FUZZ-MARKER-5f0c';
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** What a polluting payload under each key looks like. */
function pollutingPayloads(key: string): Json[] {
  const polluted = { polluted: `fuzz ${key}` };
  const nested: Json = {};
  for (const inner of PROTO_KEYS) {
    Object.defineProperty(nested, inner, {
      value: inner === 'constructor' ? { prototype: polluted } : polluted,
      enumerable: true,
    });
  }
  return [polluted, nested, null, 'fuzz'];
}

for (const channel of CHANNEL_NAMES) {
  const bases = BASES[channel];
  const base = bases[0] as Json;
  const baseText = JSON.stringify(base);

  // Wrong types: every node of every branch's request, as each other JSON type, or left out.
  for (const branch of bases) {
    for (const { path: at, value } of nodesOf(branch)) {
      for (const type of Object.keys(OF_TYPE) as JsonType[]) {
        if (type !== typeOf(value)) {
          add(
            'wrong type',
            channel,
            `${shown(at)} as ${type}`,
            withValueAt(branch, at, OF_TYPE[type]),
            at.length > 0 ? at.join('.') : undefined,
          );
        }
      }
      if (at.length > 0) {
        add('wrong type', channel, `${shown(at)} left out`, withValueAt(branch, at, undefined));
      }
    }
    add('wrong type', channel, 'an extra field', poisoned(branch));
  }

  // Malformed JSON, and JSON that is not an object.
  const malformed: [string, string][] = [
    ['an empty body', ''],
    ['a body cut after one character', baseText.slice(0, 1)],
    ['a body cut in half', baseText.slice(0, Math.floor(baseText.length / 2))],
    ['a body without its last character', baseText.slice(0, -1)],
    ['trailing garbage', `${baseText}x`],
    ['two objects', `${baseText}${baseText}`],
    ['a trailing comma', `${baseText},`],
    ['an extra closing brace', `${baseText}}`],
    ['a UTF-8 BOM', `\uFEFF${baseText}`],
    ['a NUL', '\u0000'],
    ['a lone quote', '"'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['-Infinity', '-Infinity'],
    ['undefined', 'undefined'],
    ['single quotes', "{'profileId':'x'}"],
    ['unquoted keys', '{profileId:"x"}'],
    ['a trailing comma in an object', '{"profileId":"x",}'],
    ['a trailing comma in an array', '[1,]'],
    ['a missing colon', '{"profileId" "x"}'],
    ['a missing value', '{"profileId":}'],
    ['a block comment', '/* c */ {}'],
    ['a line comment', '// c\n{}'],
    ['a hex number', '0x10'],
    ['a leading zero', '01'],
    ['an invalid escape', '{"profileId":"\\x41"}'],
    ['a short unicode escape', '{"profileId":"\\u12"}'],
    ['a raw control character in a string', '{"profileId":"a\u0001b"}'],
    ['two values', 'true false'],
    ['a number beyond a double', '{"profileId":1e99999}'],
    ['an array', '[]'],
    ['a string', '"fuzz"'],
    ['a number', '42'],
    ['true', 'true'],
    ['null', 'null'],
  ];
  for (const [what, text] of malformed) {
    add('malformed JSON', channel, what, Buffer.from(text));
  }

  // Huge input: every string of every branch, a body just under the limit, a key, long arrays.
  for (const branch of bases) {
    for (const at of stringLeaves(branch)) {
      add('huge input', channel, `a 256 KB ${shown(at)}`, () =>
        poisoned(withValueAt(branch, at, hugeString(HUGE_STRING_CHARS))),
      );
    }
  }
  add('huge input', channel, 'a string just under the 8 MB limit', () =>
    withValueAt(base, [POISON_KEY], 'x'.repeat(MAX_BODY_BYTES - baseText.length - 200)),
  );
  add('huge input', channel, 'a 1 MB key', () => withValueAt(base, ['k'.repeat(1_000_000)], 1));
  const arrays = nodesOf(base).filter((node) => Array.isArray(node.value));
  for (const { path: at } of arrays) {
    add('huge input', channel, `a 200,000-item ${shown(at)}`, () =>
      poisoned(withValueAt(base, at, new Array<Json>(200_000).fill(0))),
    );
  }
  const [firstArray] = arrays;
  if (firstArray !== undefined) {
    // As many items as the body limit allows: four million wrong items for zod to report.
    const items = Math.floor((MAX_BODY_BYTES - baseText.length - 100) / 2);
    add('huge input', channel, `${String(items)} items in ${shown(firstArray.path)}`, () =>
      withRawBytes(
        poisoned(withValueAt(base, firstArray.path, MARKER)),
        `"${MARKER}"`,
        Buffer.from(`[${'0,'.repeat(items - 1)}0]`),
      ),
    );
  }

  // Deep nesting: the whole body, and in place of each node (10,000 levels each).
  add('deep nesting', channel, 'a body of 100,000 nested arrays', () =>
    Buffer.from(deepArray(100_000)),
  );
  add('deep nesting', channel, 'a body of 100,000 nested objects', () =>
    Buffer.from(deepObject(100_000)),
  );
  for (const { path: at } of nodesOf(base).slice(1)) {
    for (const [shape, text] of [
      ['arrays', deepArray(10_000)],
      ['objects', deepObject(10_000)],
    ] as const) {
      add('deep nesting', channel, `10,000 nested ${shape} as ${shown(at)}`, () =>
        withRawBytes(poisoned(withValueAt(base, at, MARKER)), `"${MARKER}"`, Buffer.from(text)),
      );
    }
  }

  // Invalid UTF-8: in each string, as a key, between tokens, alone; UTF-16; lone surrogates.
  for (const [name, bytes] of INVALID_UTF8) {
    const raw = Buffer.from(bytes);
    for (const at of stringLeaves(base)) {
      add(
        'invalid UTF-8',
        channel,
        `${name} in ${shown(at)}`,
        withRawBytes(poisoned(withValueAt(base, at, `a${MARKER}b`)), MARKER, raw),
      );
    }
    add(
      'invalid UTF-8',
      channel,
      `${name} as a key`,
      withRawBytes(withValueAt(base, [MARKER], 1), MARKER, raw),
    );
    add(
      'invalid UTF-8',
      channel,
      `${name} between tokens`,
      Buffer.concat([Buffer.from('{'), raw, Buffer.from(baseText.slice(1))]),
    );
    add('invalid UTF-8', channel, `${name} alone`, raw);
  }
  add('invalid UTF-8', channel, 'UTF-16 with a BOM', Buffer.from(`\uFEFF${baseText}`, 'utf16le'));
  for (const escape of LONE_SURROGATES) {
    for (const at of stringLeaves(base)) {
      add(
        'invalid UTF-8',
        channel,
        `the lone surrogate ${escape} in ${shown(at)}`,
        withRawBytes(poisoned(withValueAt(base, at, MARKER)), MARKER, Buffer.from(escape)),
      );
    }
    add(
      'invalid UTF-8',
      channel,
      `the lone surrogate ${escape} as a key`,
      withRawBytes(withValueAt(base, [MARKER], 1), MARKER, Buffer.from(escape)),
    );
  }

  // Prototype keys, as own keys of every object in the request (and of the request itself).
  for (const { path: at, value } of nodesOf(base)) {
    if (typeOf(value) !== 'object') {
      continue;
    }
    for (const key of PROTO_KEYS) {
      for (const [index, payload] of pollutingPayloads(key).entries()) {
        const body = withValueAt(base, [...at, key], payload);
        add(
          'prototype key',
          channel,
          `${key} (payload ${String(index)}) in ${shown(at)}`,
          at.length === 0 ? body : poisoned(body),
        );
      }
    }
  }
}

// Channel names that are keys of every object, or of the contract's own objects.
const PROTO_CHANNELS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineSetter__',
  '__lookupGetter__',
];
for (const channel of PROTO_CHANNELS) {
  add('prototype key', channel, 'as the channel name', Buffer.from('{}'));
  add(
    'prototype key',
    channel,
    'as the channel name, with a polluting body',
    Buffer.from('{"__proto__":{"polluted":"fuzz"}}'),
  );
}

// Over the body limit, and 100,000 keys: three channels suffice (a request, a document, none).
for (const channel of ['profiles:add', 'export:render', 'app:get-info'] as const) {
  add('huge input', channel, 'a body over the 8 MB limit', () =>
    Buffer.from(`{"${POISON_KEY}":"${'x'.repeat(MAX_BODY_BYTES)}"}`),
  );
  add('huge input', channel, '100,000 keys', () =>
    Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key${String(i)}`, i])),
  );
}

const countOf = (kind: Kind) => cases.filter((c) => c.kind === kind).length;

// ---------------------------------------------------------------------------------------------
// The server, in this process, composed as browser mode composes it.

const secrets = new KeytarSecretStore({ service: `sso-setup-console-test-${randomUUID()}` });
let core: ConsoleCore;
let server: BrowserServer;
let dataDir: string;
let prefix: string;
const errorLines: string[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function snapshotOfObjectPrototype(): Map<string | symbol, unknown[]> {
  return new Map(
    Reflect.ownKeys(Object.prototype).map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(Object.prototype, key);
      return [key, [descriptor?.value, descriptor?.get, descriptor?.set, descriptor?.writable]];
    }),
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'contract-fuzz-'));
  const logger = createLogger({
    write: (line) => {
      if ((JSON.parse(line) as { level: string }).level === 'error') {
        errorLines.push(line);
      }
    },
  });
  core = composeConsole({
    mode: 'browser',
    version: '0.0.0-fuzz',
    dataDir,
    secrets,
    logger,
    emit: () => undefined,
  });
  server = await startBrowserServer({
    dispatch: core.dispatch,
    rendererDir: mkdtempSync(path.join(os.tmpdir(), 'contract-fuzz-renderer-')),
    logger,
  });
  prefix = new URL(server.entryUrl).pathname;
});

afterAll(async () => {
  agent.destroy();
  await server.close();
  await core.stop();
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** A contract call as the console page makes it, with a raw body; fails after 5 s. */
function send(channel: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const port = new URL(server.origin).port;
    const req = request(
      {
        // Over the limit the server closes the connection: that one gets a socket of its own.
        agent: body.length > MAX_BODY_BYTES ? false : agent,
        host: '127.0.0.1',
        port,
        path: `${prefix}api/call/${encodeURIComponent(channel)}`,
        method: 'POST',
        headers: { Origin: server.origin, 'Content-Type': 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            text,
          });
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const refusalSchema = z.object({ ok: z.literal(false), error: appErrorSchema }).strict();

/** What is wrong with an answer, or `undefined` when it is the typed refusal expected. */
function faultOf(
  expected: { status: number; field?: string | undefined },
  answer: Answer,
): string | undefined {
  if (answer.status >= 500) {
    return `a ${String(answer.status)}`;
  }
  if (answer.status !== expected.status) {
    return `status ${String(answer.status)}, not ${String(expected.status)}`;
  }
  if (!answer.contentType.startsWith('application/json')) {
    return `an untyped answer (${answer.contentType}): ${answer.text.slice(0, 120)}`;
  }
  if (answer.text.length > MAX_ANSWER_CHARS) {
    return `an answer of ${String(answer.text.length)} characters`;
  }
  let refusal: z.infer<typeof refusalSchema>;
  try {
    refusal = refusalSchema.parse(JSON.parse(answer.text));
  } catch {
    return `not a typed refusal: ${answer.text.slice(0, 200)}`;
  }
  if (refusal.error.code !== 'INVALID_REQUEST') {
    return `the code ${refusal.error.code}: ${refusal.error.message}`;
  }
  if (expected.field !== undefined && !refusal.error.message.includes(expected.field)) {
    return `the field ${expected.field} is not named: ${refusal.error.message}`;
  }
  return undefined;
}

async function faultsOf(selected: FuzzCase[]): Promise<string[]> {
  const faults: string[] = [];
  for (const fuzzCase of selected) {
    const label = `${fuzzCase.channel} ← ${fuzzCase.what}`;
    try {
      const body = fuzzCase.body();
      const expected = expectationOf(fuzzCase.channel, body);
      if (expected.acts) {
        faults.push(`${label}: the channel accepts it, so it was not sent (a case must break it)`);
        continue;
      }
      const started = performance.now();
      const answer = await send(fuzzCase.channel, body);
      const elapsed = performance.now() - started;
      // The server shares this thread, so a request that blocks it cannot time out: timed too.
      const fault =
        elapsed > REQUEST_TIMEOUT_MS
          ? `an answer after ${String(Math.round(elapsed))} ms`
          : faultOf({ status: expected.status, field: fuzzCase.field }, answer);
      if (fault !== undefined) {
        faults.push(`${label}: ${fault}`);
      }
    } catch (error) {
      faults.push(
        `${label}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
  }
  return faults;
}

let generatedSent = 0;

/** Asserts a generated body (fast-check) is refused with a typed error; skips one that is valid. */
async function expectRefused(channel: Channel, body: Buffer): Promise<void> {
  const expected = expectationOf(channel, body);
  fc.pre(!expected.acts);
  const fault = faultOf({ status: expected.status }, await send(channel, body));
  expect(fault, `${channel} ← ${body.toString('utf8').slice(0, 200)}`).toBeUndefined();
  generatedSent += 1;
}

describe('the IPC contract, fuzzed through browser mode’s HTTP transport and the real dispatcher', () => {
  it(`builds valid requests for the ${String(CHANNEL_NAMES.length)} channels from the contract, and ${String(cases.length)} cases that break them`, () => {
    for (const channel of CHANNEL_NAMES) {
      for (const base of BASES[channel]) {
        expect(channelAccepts(channel, base), channel).toBe(true);
        expect(channelAccepts(channel, poisoned(base)), `${channel} with ${POISON_KEY}`).toBe(
          false,
        );
      }
      for (const kind of KINDS) {
        expect(
          cases.some((c) => c.kind === kind && c.channel === channel),
          `${kind} for ${channel}`,
        ).toBe(true);
      }
    }
    // Prototype keys go out as JSON text, where the server's JSON.parse makes them own keys.
    const prototypeBodies = cases
      .filter((c) => c.kind === 'prototype key')
      .map((c) => c.body().toString('utf8'));
    for (const key of PROTO_KEYS) {
      expect(
        prototypeBodies.filter((body) => body.includes(`"${key}":{"polluted"`)).length,
      ).toBeGreaterThan(CHANNEL_NAMES.length);
    }
  });

  it.each(KINDS.map((kind) => [kind, countOf(kind)] as const))(
    'answers every %s case (%i) with a typed INVALID_REQUEST, no 5xx and no hang',
    async (kind, count) => {
      expect(count).toBeGreaterThan(CHANNEL_NAMES.length);
      const faults = await faultsOf(cases.filter((c) => c.kind === kind));
      expect(faults.slice(0, 20), `${String(faults.length)} of ${String(count)} failed`).toEqual(
        [],
      );
    },
  );

  it(`answers ${String(RUNS_PER_CHANNEL * CHANNEL_NAMES.length)} generated values in place of fields (fast-check, seed ${String(SEED)})`, async () => {
    const sentBefore = generatedSent;
    for (const channel of CHANNEL_NAMES) {
      const nodes = BASES[channel].flatMap((base) =>
        nodesOf(base).map((node) => ({ base, at: node.path })),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...nodes),
          fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
          async ({ base, at }, value) => {
            await expectRefused(
              channel,
              Buffer.from(JSON.stringify(withValueAt(base, at, value as Json))),
            );
          },
        ),
        { seed: SEED, numRuns: RUNS_PER_CHANNEL },
      );
    }
    expect(generatedSent - sentBefore).toBe(RUNS_PER_CHANNEL * CHANNEL_NAMES.length);
  });

  it(`answers ${String(RUNS_PER_CHANNEL * CHANNEL_NAMES.length)} randomly corrupted bodies (fast-check, seed ${String(SEED)})`, async () => {
    const edit = fc.record({
      at: fc.nat(),
      op: fc.constantFrom('insert', 'replace', 'delete'),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    const sentBefore = generatedSent;
    for (const channel of CHANNEL_NAMES) {
      const text = Buffer.from(JSON.stringify(BASES[channel][0]));
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
          let body = text;
          for (const { at, op, byte } of edits) {
            const i = at % (body.length + 1);
            const rest = body.subarray(op === 'insert' ? i : i + 1);
            body = Buffer.concat([
              body.subarray(0, i),
              Buffer.from(op === 'delete' ? [] : [byte]),
              rest,
            ]);
          }
          await expectRefused(channel, body);
        }),
        { seed: SEED, numRuns: RUNS_PER_CHANNEL },
      );
    }
    expect(generatedSent - sentBefore).toBe(RUNS_PER_CHANNEL * CHANNEL_NAMES.length);
  });

  it('refuses requests with prototype keys in the dispatcher itself, without touching Object.prototype', async () => {
    const polluting =
      '{"__proto__":{"polluted":"fuzz"},"constructor":{"prototype":{"polluted":"fuzz"}},"prototype":{"polluted":"fuzz"}}';
    for (const channel of [...CHANNEL_NAMES, ...PROTO_CHANNELS]) {
      for (const request of [
        JSON.parse(polluting) as unknown,
        JSON.parse(`{"nested":${polluting}}`) as unknown,
        withValueAt(
          Object.hasOwn(BASES, channel) ? (BASES[channel as Channel][0] as Json) : {},
          ['__proto__'],
          JSON.parse(polluting) as Json,
        ),
      ]) {
        expect(channelAccepts(channel, request)).toBe(false);
        const result = await core.dispatch(channel, request);
        expect(result, channel).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is still alive afterwards, logged no error, wrote nothing and left Object.prototype as it was', async () => {
    const info = await send('app:get-info', Buffer.from('{}'));
    expect(info.status).toBe(200);
    expect(JSON.parse(info.text)).toMatchObject({ ok: true, data: { mode: 'browser' } });
    const list = JSON.parse((await send('profiles:list', Buffer.from(''))).text) as unknown;
    expect(list).toEqual({ ok: true, data: { profiles: [], activeProfileId: null } });
    expect(await secrets.listAccounts()).toEqual([]);
    expect(readdirSync(dataDir).filter((name) => !name.endsWith('.log'))).toEqual([]);
    expect(errorLines).toEqual([]);
    expect(snapshotOfObjectPrototype()).toEqual(prototypeBefore);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'prototype')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
