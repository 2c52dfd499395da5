/**
 * Faults the sandbox injects for reliability tests (`/__sandbox/faults`): latency, errors
 * before or after a change is committed, dropped connections, lost responses, 429 storms, and
 * reads that do not see a new object yet (Okta's replicas are eventually consistent).
 */

/** The 5xx statuses a fault may answer with. */
const ERROR_STATUSES = [500, 502, 503, 504] as const;

/** What happens to a request a fault matches, after its latency. */
export type FaultEffect =
  /** Nothing: the request is only late. */
  | { kind: 'latency-only' }
  /** A 429 E0000047, with `X-Rate-Limit-Reset` `resetSeconds` ahead, or none when `null`. */
  | { kind: 'rate-limit'; resetSeconds: number | null }
  /**
   * A 5xx E0000009. Before commit the request is not handled at all; after commit it is handled
   * (the change happens) and its answer is replaced by the error.
   */
  | { kind: 'error'; status: (typeof ERROR_STATUSES)[number]; afterCommit: boolean }
  /** The connection is closed before the request is read: nothing happens, nothing comes back. */
  | { kind: 'drop' }
  /** The request is handled (the change happens), then the connection is closed unanswered. */
  | { kind: 'lose-response' };

/** One injected fault and how many more requests it will catch. */
export interface Fault {
  id: number;
  /** Upper-case method, or `*` for any. */
  method: string;
  /** The path as given: exact, or with `*` (one segment) and `**` (any rest). */
  path: string;
  pattern: RegExp;
  latencyMs: number;
  effect: FaultEffect;
  remaining: number;
  /**
   * What the request creates is not seen by the next `staleReads` reads that would show it: a
   * GET of it answers 404, a list leaves it out — as a read served by a replica that has not
   * caught up. 0: seen at once.
   */
  staleReads: number;
}

/** The body `POST /__sandbox/faults` accepts, as the error message states it. */
export const FAULT_SHAPE =
  '{ method: "GET" | "POST" | … | "*", path: "/api/v1/apps" or a pattern like "/api/v1/apps/*" (one segment) or "/api/v1/apps/**" (any rest), times?: number (default 1), latencyMs?: number, staleReads?: number (what the request creates is missed by that many reads), then at most one of: status: 429 (with resetSeconds?: number | null), status: 500 | 502 | 503 | 504 (with afterCommit?: boolean), connection: "drop" | "lose-response" }';

function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '**') {
        return '.*';
      }
      if (segment === '*') {
        return '[^/]+';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function isWholeNumber(value: unknown, minimum: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum;
}

/** Reads the effect a fault request asks for; a string when it is not a valid one. */
function readEffect(body: Record<string, unknown>): FaultEffect | string {
  const { status, connection, afterCommit, resetSeconds } = body;
  if (status !== undefined && connection !== undefined) {
    return 'Give either "status" or "connection", not both.';
  }
  if (afterCommit !== undefined && typeof afterCommit !== 'boolean') {
    return '"afterCommit" must be true or false.';
  }
  if (afterCommit !== undefined && (status === undefined || status === 429)) {
    return '"afterCommit" applies to a 5xx status only.';
  }
  if (resetSeconds !== undefined && status !== 429) {
    return '"resetSeconds" applies to status 429 only.';
  }
  if (connection !== undefined) {
    if (connection === 'drop' || connection === 'lose-response') {
      return { kind: connection };
    }
    return `"connection" must be "drop" or "lose-response", not ${JSON.stringify(connection)}.`;
  }
  if (status === 429) {
    if (resetSeconds !== undefined && resetSeconds !== null && !isWholeNumber(resetSeconds, 0)) {
      return '"resetSeconds" must be a whole number of seconds from 0, or null for no header.';
    }
    return { kind: 'rate-limit', resetSeconds: resetSeconds === undefined ? 0 : resetSeconds };
  }
  if (status !== undefined) {
    if (!(ERROR_STATUSES as readonly unknown[]).includes(status)) {
      return `"status" must be 429, 500, 502, 503 or 504, not ${JSON.stringify(status)}.`;
    }
    return {
      kind: 'error',
      status: status as (typeof ERROR_STATUSES)[number],
      afterCommit: afterCommit === true,
    };
  }
  return { kind: 'latency-only' };
}

/** The faults of one sandbox, in the order they were added. */
export interface FaultStore {
  /** Checks and adds a fault from a control-API body. */
  add(body: unknown): { ok: true; fault: Fault } | { ok: false; problem: string; expected: string };
  /** The faults that will still catch requests, as the control API lists them. */
  list(): Record<string, unknown>[];
  /** Removes every fault, and lets every hidden object be seen again. */
  clear(): void;
  /** The first fault matching the request, with one use taken from it. */
  take(method: string, path: string): Fault | undefined;
  /** The objects `staleReads` faults hide from reads for now. */
  readonly staleReads: StaleReads;
}

/** An empty fault store. */
export function createFaultStore(): FaultStore {
  let faults: Fault[] = [];
  let nextId = 1;
  const staleReads = createStaleReads();
  return {
    staleReads,
    add(body) {
      const fail = (problem: string) => ({ ok: false as const, problem, expected: FAULT_SHAPE });
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return fail('The fault must be a JSON object.');
      }
      const input = body as Record<string, unknown>;
      const { method, path, times = 1, latencyMs = 0, staleReads = 0 } = input;
      if (typeof method !== 'string' || method === '') {
        return fail('"method" is missing: give an HTTP method, or "*" for any.');
      }
      if (typeof path !== 'string' || !path.startsWith('/')) {
        return fail('"path" is missing or does not start with "/".');
      }
      if (!isWholeNumber(times, 1)) {
        return fail('"times" must be a whole number from 1.');
      }
      if (!isWholeNumber(latencyMs, 0)) {
        return fail('"latencyMs" must be a whole number of milliseconds from 0.');
      }
      if (!isWholeNumber(staleReads, 0)) {
        return fail('"staleReads" must be a whole number of reads from 0.');
      }
      const effect = readEffect(input);
      if (typeof effect === 'string') {
        return fail(effect);
      }
      if (effect.kind === 'latency-only' && latencyMs === 0 && staleReads === 0) {
        return fail(
          'The fault does nothing: give a latencyMs, staleReads, a status or a connection fault.',
        );
      }
      if (staleReads > 0 && (effect.kind === 'drop' || effect.kind === 'rate-limit')) {
        return fail('"staleReads" needs a request that is handled; this one never is.');
      }
      const fault: Fault = {
        id: nextId,
        method: method.toUpperCase(),
        path,
        pattern: pathPattern(path),
        latencyMs,
        effect,
        remaining: times,
        staleReads,
      };
      nextId += 1;
      faults.push(fault);
      return { ok: true, fault };
    },
    list: () =>
      faults
        .filter((fault) => fault.remaining > 0)
        .map(({ id, method, path, latencyMs, effect, remaining, staleReads }) => ({
          id,
          method,
          path,
          remaining,
          ...(latencyMs > 0 ? { latencyMs } : {}),
          ...(staleReads > 0 ? { staleReads } : {}),
          ...(effect.kind === 'rate-limit'
            ? { status: 429, resetSeconds: effect.resetSeconds }
            : effect.kind === 'error'
              ? { status: effect.status, afterCommit: effect.afterCommit }
              : effect.kind === 'drop' || effect.kind === 'lose-response'
                ? { connection: effect.kind }
                : {}),
        })),
    clear() {
      faults = [];
      staleReads.clear();
    },
    take(method, path) {
      const fault = faults.find(
        (candidate) =>
          candidate.remaining > 0 &&
          (candidate.method === '*' || candidate.method === method) &&
          candidate.pattern.test(path),
      );
      if (fault !== undefined) {
        fault.remaining -= 1;
        faults = faults.filter((candidate) => candidate.remaining > 0);
      }
      return fault;
    },
  };
}

/**
 * Objects that reads do not see yet, each for a number of reads (a `staleReads` fault).
 *
 * @remarks
 * A read "would see" an object when its path names the object's id (a GET of it, or of
 * something below it) or when its answer is a list holding it. Each such read takes one from
 * the count; at 0 the object reads as it is.
 */
export interface StaleReads {
  /** Hides `id` from the next `reads` reads that would show it. */
  hide(id: string, reads: number): void;
  /** The hidden id a read's path names, with one read taken from it; `undefined` if none. */
  takeByPath(path: string): string | undefined;
  /** A list answer without the hidden objects, one read taken from each left out. */
  filterList(body: unknown): unknown;
  clear(): void;
}

/** An empty {@link StaleReads}. */
export function createStaleReads(): StaleReads {
  const hidden = new Map<string, number>();
  function take(id: string): void {
    const left = (hidden.get(id) ?? 1) - 1;
    if (left <= 0) {
      hidden.delete(id);
    } else {
      hidden.set(id, left);
    }
  }
  return {
    hide(id, reads) {
      if (reads > 0) {
        hidden.set(id, reads);
      }
    },
    takeByPath(path) {
      if (hidden.size === 0) {
        return undefined;
      }
      const id = path.split('/').find((segment) => hidden.has(segment));
      if (id !== undefined) {
        take(id);
      }
      return id;
    },
    filterList(body) {
      if (hidden.size === 0 || !Array.isArray(body)) {
        return body;
      }
      const items: unknown[] = body;
      const seen = new Set<string>();
      const kept = items.filter((item) => {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id === 'string' && hidden.has(id)) {
          seen.add(id);
          return false;
        }
        return true;
      });
      for (const id of seen) {
        take(id);
      }
      return kept;
    },
    clear() {
      hidden.clear();
    },
  };
}
