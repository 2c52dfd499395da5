import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { ADMIN_ROLE_TYPES, type SandboxOrg, USER_STATUSES } from './sandbox-org.ts';

/**
 * The version of the state file's layout. Raise it when a change would make an older sandbox
 * misread a newer file; {@link decodeState} refuses files newer than it knows.
 */
export const STATE_FORMAT_VERSION = 1;

/** An org and the token the sandbox treats as its admin token (printed at start). */
export interface SandboxState {
  org: SandboxOrg;
  adminToken: string;
}

/** A state file that cannot be used; the message names the file and what to do. */
export class StateFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

/** Tags that mark a Map, a Set, or a plain object that would otherwise look like a tag. */
const MAP_TAG = '$map';
const SET_TAG = '$set';
const OBJECT_TAG = '$object';
const TAGS: readonly string[] = [MAP_TAG, SET_TAG, OBJECT_TAG];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The only key of `value`, or `undefined` when it has none or several. */
function soleKey(value: Record<string, unknown>): string | undefined {
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) {
      return undefined;
    }
    only = key;
  }
  return only;
}

/**
 * The state file's text for `state`.
 *
 * @remarks
 * Generic rather than field by field: Maps become `{"$map": [[key, value], …]}` and Sets
 * `{"$set": […]}` wherever they are, so whatever the org model grows (OIDC sessions, the System
 * Log) is saved without touching this file. A plain object that happens to look like a tag
 * (data an admin sent can be anything) is escaped as `{"$object": [[key, value], …]}`.
 */
export function encodeState(state: SandboxState, savedAt: Date): string {
  // The clock is behaviour, not data: a loaded org gets the running sandbox's clock back.
  const org: Partial<SandboxOrg> = { ...state.org };
  delete org.clock;
  return JSON.stringify(
    {
      formatVersion: STATE_FORMAT_VERSION,
      savedAt: savedAt.toISOString(),
      adminToken: state.adminToken,
      org,
    },
    (key, value: unknown) => {
      if (value instanceof Map) {
        return { [MAP_TAG]: [...(value as Map<unknown, unknown>)] };
      }
      if (value instanceof Set) {
        return { [SET_TAG]: [...(value as Set<unknown>)] };
      }
      if (isPlainObject(value)) {
        const only = soleKey(value);
        if (only !== undefined && TAGS.includes(only)) {
          return { [OBJECT_TAG]: Object.entries(value) };
        }
        return value;
      }
      // JSON would turn anything else (a KeyObject, a function) into {} or nothing, silently.
      if (
        typeof value === 'function' ||
        (typeof value === 'object' && value !== null && !Array.isArray(value))
      ) {
        const kind =
          typeof value === 'function'
            ? 'function'
            : ((value as { constructor?: { name?: string } }).constructor?.name ?? 'object');
        throw new TypeError(
          `The sandbox org cannot be saved: "${key}" holds a ${kind}. Keep the org model to plain data, arrays, Maps and Sets.`,
        );
      }
      return value;
    },
  );
}

function isEntryList(value: unknown): value is [unknown, unknown][] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] !== 'object',
    )
  );
}

/**
 * Turns the tags {@link encodeState} wrote back into Maps, Sets and plain objects, in place.
 *
 * @remarks
 * A walk after `JSON.parse` rather than a reviver: for a 100,000-user org a reviver took 3 s
 * where this takes about 0.1 s.
 */
function revive(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      value[index] = revive(value[index]);
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  let keys = 0;
  let lastKey = '';
  for (const key in object) {
    keys += 1;
    lastKey = key;
    object[key] = revive(object[key]);
  }
  if (keys !== 1 || !TAGS.includes(lastKey)) {
    return object;
  }
  const content = object[lastKey];
  if (lastKey === SET_TAG && Array.isArray(content)) {
    return new Set(content);
  }
  if (isEntryList(content)) {
    return lastKey === MAP_TAG ? new Map(content) : Object.fromEntries(content);
  }
  throw new SyntaxError(`a "${lastKey}" entry is not a list of [key, value] pairs`);
}

/** Checks the value found at `at`; returns what is wrong with it (naming `at`), if anything. */
type Check = (value: unknown, at: string) => string | undefined;

const must =
  (test: (value: unknown) => boolean, problem: string): Check =>
  (value, at) =>
    test(value) ? undefined : `${at} ${problem}`;

const isString = must((value) => typeof value === 'string', 'is not a string');
const isStringOrNull = must(
  (value) => typeof value === 'string' || value === null,
  'is not a string or null',
);
const isObject = must(isPlainObject, 'is not an object');
const isList = must(Array.isArray, 'is not a list');
const isSavedMap = must((value) => value instanceof Map, 'is not a saved Map');
const isSavedSet = must((value) => value instanceof Set, 'is not a saved Set');
const oneOf = (allowed: readonly string[]) =>
  must(
    (value) => typeof value === 'string' && allowed.includes(value),
    `is not one of ${allowed.join(', ')}`,
  );

/** An object whose fields pass their checks (other fields are free). */
function object(checks: Record<string, Check>): Check {
  return (value, at) => {
    if (!isPlainObject(value)) {
      return `${at} is not an object`;
    }
    for (const [name, check] of Object.entries(checks)) {
      const problem = check(value[name], `${at}.${name}`);
      if (problem !== undefined) {
        return problem;
      }
    }
    return undefined;
  };
}

/** A field that may be absent (older state files lack it), else passes `check`. */
function optional(check: Check): Check {
  return (value, at) => (value === undefined ? undefined : check(value, at));
}

function listOf(check: Check): Check {
  return (value, at) => {
    if (!Array.isArray(value)) {
      return `${at} is not a list`;
    }
    for (const [index, item] of value.entries()) {
      const problem = check(item, `${at}[${String(index)}]`);
      if (problem !== undefined) {
        return problem;
      }
    }
    return undefined;
  };
}

/** A Map whose values pass `check`; `keyedById`: each value's `id` is its key. */
function mapOf(check: Check, keyedById: boolean): Check {
  return (value, at) => {
    if (!(value instanceof Map)) {
      return `${at} is not a saved Map`;
    }
    for (const [key, item] of value as Map<unknown, unknown>) {
      const itemAt = `${at}[${JSON.stringify(key)}]`;
      const problem =
        check(item, itemAt) ??
        (keyedById && (item as { id?: unknown }).id !== key
          ? `${itemAt}.id does not match its key`
          : undefined);
      if (problem !== undefined) {
        return problem;
      }
    }
    return undefined;
  };
}

/**
 * What the routes rely on in a saved org, so that a damaged file is refused at start rather
 * than failing later on some request: each collection's type, ids matching their keys,
 * statuses, profiles, client secrets and signing keys.
 */
const SAVED_ORG = object({
  id: isString,
  companyName: isString,
  subdomain: isString,
  created: isString,
  users: mapOf(
    object({
      id: isString,
      status: oneOf(USER_STATUSES),
      created: isString,
      lastUpdated: isString,
      passwordHash: isStringOrNull,
      adminRoles: listOf(object({ id: isString, type: oneOf(ADMIN_ROLE_TYPES) })),
      profile: object({
        login: isString,
        email: isString,
        firstName: isString,
        lastName: isString,
      }),
    }),
    true,
  ),
  groups: mapOf(
    object({
      id: isString,
      type: oneOf(['OKTA_GROUP', 'BUILT_IN']),
      profile: object({ name: isString }),
    }),
    true,
  ),
  groupMembers: mapOf(isSavedSet, false),
  apps: mapOf(
    object({
      id: isString,
      record: isObject,
      secrets: listOf(
        object({ id: isString, status: oneOf(['ACTIVE', 'INACTIVE']), secret: isString }),
      ),
      users: isSavedMap,
      groups: isSavedMap,
      // A service app's Okta API scope grants and client admin roles (routes/app-grants.ts).
      scopeGrants: optional(mapOf(object({ id: isString, scopeId: isString }), true)),
      adminRoles: optional(listOf(object({ id: isString, type: oneOf(ADMIN_ROLE_TYPES) }))),
    }),
    true,
  ),
  trustedOrigins: mapOf(object({ id: isString, origin: isString, scopes: isList }), true),
  authServers: mapOf(
    object({
      id: isString,
      record: isObject,
      scopes: isSavedMap,
      claims: isSavedMap,
      policies: isSavedMap,
      rules: mapOf(isSavedMap, false),
      signingKey: object({ kid: isString, privateKeyPem: isString, publicJwk: isObject }),
    }),
    true,
  ),
  tokens: mapOf(isString, false),
});

/** The first thing wrong with a decoded org, or `undefined` when the sandbox can serve it. */
function orgProblem(org: unknown, adminToken: unknown): string | undefined {
  const problem = SAVED_ORG(org, 'org');
  if (problem !== undefined) {
    return problem;
  }
  const { users, tokens } = org as SandboxOrg;
  for (const userId of tokens.values()) {
    if (!users.has(userId)) {
      return 'org.tokens holds a token for a user that does not exist';
    }
  }
  if (typeof adminToken !== 'string' || !tokens.has(adminToken)) {
    return 'adminToken is not one of the org’s tokens';
  }
  return undefined;
}

const WHAT_TO_DO =
  'The file was left untouched. Move it aside (or delete it) to start a fresh org there, restore it from a backup, or pass another --state file.';

/**
 * Reads the state file's text back into an org.
 *
 * @remarks
 * `skeleton` is a fresh org whose fields fill in whatever an older file lacks, so fields added
 * to the org model later start empty instead of missing.
 *
 * @throws StateFileError naming `filePath`, what is wrong and what to do.
 */
export function decodeState(text: string, filePath: string, skeleton: SandboxOrg): SandboxState {
  let parsed: unknown;
  try {
    parsed = revive(JSON.parse(text));
  } catch (error) {
    throw new StateFileError(
      `The sandbox state file ${filePath} is not valid (${error instanceof Error ? error.message : String(error)}): it may have been cut short or edited. ${WHAT_TO_DO}`,
      { cause: error },
    );
  }
  const file = isPlainObject(parsed) ? parsed : {};
  const version = file.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new StateFileError(
      `${filePath} is not a sandbox state file (it has no formatVersion). ${WHAT_TO_DO}`,
    );
  }
  if (version > STATE_FORMAT_VERSION) {
    throw new StateFileError(
      `The sandbox state file ${filePath} was written by a newer version of the sandbox (format ${String(version)}; this one reads format ${String(STATE_FORMAT_VERSION)}). Update SSO Setup Console, or pass another --state file. The file was left untouched.`,
    );
  }
  const org = isPlainObject(file.org) ? { ...skeleton, ...file.org } : file.org;
  const problem = orgProblem(org, file.adminToken);
  if (problem !== undefined) {
    throw new StateFileError(
      `The sandbox state file ${filePath} is damaged: ${problem}. ${WHAT_TO_DO}`,
    );
  }
  return { org: org as SandboxOrg, adminToken: file.adminToken as string };
}

/**
 * A new temp file name for a save: the process's pid (so a killed sandbox's leftovers can be
 * told from a running one's) and a random part, so nobody can plant a file or link there first.
 */
function tempPathFor(filePath: string, pid: number): string {
  return path.join(
    path.dirname(filePath),
    `.${path.basename(filePath)}.${String(pid)}.${randomBytes(8).toString('hex')}.tmp`,
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files left by sandboxes killed in the middle of a save (never a running one's).
 */
function removeStaleTempFiles(filePath: string): void {
  const prefix = `.${path.basename(filePath)}.`;
  let names: string[];
  try {
    names = readdirSync(path.dirname(filePath));
  } catch {
    return;
  }
  for (const name of names) {
    const middle =
      name.startsWith(prefix) && name.endsWith('.tmp') ? name.slice(prefix.length, -4) : '';
    const pid = /^(\d+)(?:\.[0-9a-f]+)?$/.exec(middle)?.[1];
    if (pid !== undefined && (Number(pid) === process.pid || !isRunning(Number(pid)))) {
      try {
        unlinkSync(path.join(path.dirname(filePath), name));
      } catch {
        // Already gone, or not ours to remove: either way it is never read.
      }
    }
  }
}

function describeReadError(filePath: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `The sandbox state file ${filePath} cannot be read (permission denied). Make it readable by you (it should be yours, mode 0600), or pass another --state file.`;
    case 'EISDIR':
      return `--state ${filePath} is a folder. Pass a file path, e.g. ${path.join(filePath, 'sandbox-org.json')}.`;
    default:
      return `The sandbox state file ${filePath} cannot be read (${error.code ?? error.message}). ${WHAT_TO_DO}`;
  }
}

/**
 * Loads the org saved at `filePath`, or `undefined` when there is no file yet.
 *
 * @throws StateFileError when the file exists but cannot be read or used; it is left as it is.
 */
export function readStateFile(
  filePath: string,
  skeleton: () => SandboxOrg,
): SandboxState | undefined {
  removeStaleTempFiles(filePath);
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new StateFileError(describeReadError(filePath, error as NodeJS.ErrnoException), {
      cause: error,
    });
  }
  return decodeState(text, filePath, skeleton());
}

/**
 * Replaces `filePath` with `text` so that a crash at any moment leaves the old file or the new
 * one, complete: write a temp file beside it (mode 0600: it holds secrets), fsync it, rename it
 * over the target, then fsync the folder so the rename itself survives a power cut. The temp
 * file's name is unpredictable and it is created exclusively (never opened if it exists, link or
 * not), so a file or symbolic link planted in the folder cannot redirect the write.
 */
export async function writeFileAtomically(filePath: string, text: string): Promise<void> {
  const temp = tempPathFor(filePath, process.pid);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filePath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  try {
    const folder = await open(path.dirname(filePath), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    // Windows cannot open a folder for fsync; its rename is already durable.
  }
}

/** Saves the org after changes, coalesced, and once more on close. */
export interface StatePersister {
  /** Notes that the org changed; a save follows within `debounceMs`. */
  markDirty(): void;
  /** Waits for any save under way and saves what is still unsaved. */
  flush(): Promise<void>;
}

/**
 * Keeps the state file up to date without writing on every request.
 *
 * @remarks
 * The first change after a save starts a `debounceMs` timer; changes until it fires join that
 * one save, and changes during a save start the next timer when it ends. So a burst of
 * thousands of requests costs a save every `debounceMs` (plus the save's own time), and at most
 * that much work is lost to a crash. A failed save is reported through `onError` and retried on
 * the next change; the org in memory is unaffected.
 */
export function createStatePersister(options: {
  filePath: string;
  snapshot: () => string;
  onError: (error: unknown) => void;
  debounceMs?: number;
}): StatePersister {
  const debounceMs = options.debounceMs ?? 200;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> | undefined;

  /** Writes the org as it is now; resolves `false` when the write failed (reported). */
  function save(): Promise<boolean> {
    dirty = false;
    const write = writeFileAtomically(options.filePath, options.snapshot()).then(
      () => true,
      (error: unknown) => {
        dirty = true;
        options.onError(error);
        return false;
      },
    );
    saving = write.then(() => {
      saving = undefined;
    });
    return write;
  }

  function schedule(): void {
    timer ??= setTimeout(() => {
      timer = undefined;
      if (saving !== undefined) {
        void saving.then(schedule);
        return;
      }
      // After a failure, the next change retries: retrying on a timer would repeat the error.
      void save().then((saved) => {
        if (saved && dirty) {
          schedule();
        }
      });
    }, debounceMs);
  }

  return {
    markDirty() {
      dirty = true;
      schedule();
    },
    async flush() {
      clearTimeout(timer);
      timer = undefined;
      await saving;
      if (dirty) {
        await save();
      }
    },
  };
}
