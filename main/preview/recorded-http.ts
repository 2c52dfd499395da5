import { OutOfTime } from './flow-stop.ts';
import {
  redactAuthorization,
  redactForm,
  redactJson,
  redactUrl,
  visibleText,
} from './preview-redaction.ts';
import type { TimelineEntry } from './preview-types.ts';

/** Which part of the sign-in an exchange belongs to, as the timeline names it. */
export type Step = TimelineEntry['step'];

/** A raw HTTP answer as the flow keeps it: the checks read its text, the timeline its entry. */
export interface Answer {
  /** The exchange's timeline entry (already redacted). */
  entry: TimelineEntry;
  status: number;
  headers: Headers;
  text: string;
}

/** One request as the flow words it; `manual` keeps a redirect as the answer (the pre-flight). */
export interface ExchangeInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  manual?: boolean;
}

/**
 * The only way the flow talks HTTP: every exchange is recorded into the timeline, redacted, and
 * held to the run's deadline.
 */
export interface RecordedHttp {
  exchange(step: Step, url: string, init: ExchangeInit): Promise<Answer>;
  /** Adds an entry the flow observed itself (the callback), and tells the live progress. */
  record(entry: TimelineEntry): void;
  /** Waits for `promise`, but not beyond the deadline ({@link OutOfTime} then). */
  beforeDeadline<T>(promise: Promise<T>): Promise<T>;
  /**
   * Gives up every request still waiting, for a run that ended before their answers mattered
   * (its redirect could not be made ready): they must not keep the process alive until the
   * deadline, which can be minutes away.
   */
  abandon(): void;
  /** The run's timeline, in the order the exchanges began. */
  readonly timeline: TimelineEntry[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The answer's JSON object or array, or `undefined` when it is none (Okta's HTML pages, empty
 * bodies). Every answer of the run passes here, and most that are not JSON are told by their
 * first character, without the cost of a thrown `SyntaxError`.
 */
export function parseJson(text: string): unknown {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A recorder over `deps.fetch` for one run.
 *
 * @remarks
 * An entry joins the timeline when its request starts, so a request cut off by the deadline still
 * shows; it reaches `onEntry` once it completes. Request bodies and the `authorization` header are
 * recorded redacted, never as sent.
 */
export function createRecordedHttp(deps: {
  fetch: typeof fetch;
  now(): number;
  onEntry?(entry: TimelineEntry): void;
  deadline: number;
}): RecordedHttp {
  const timeline: TimelineEntry[] = [];
  const remaining = () => deps.deadline - deps.now();
  const abandoned = new AbortController();

  async function exchange(step: Step, url: string, init: ExchangeInit): Promise<Answer> {
    const method = init.method ?? 'GET';
    const started = deps.now();
    const entry: TimelineEntry = { step, method, url: redactUrl(url), status: null, durationMs: 0 };
    const authorization = Object.entries(init.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'authorization',
    )?.[1];
    if (init.body !== undefined || authorization !== undefined) {
      entry.requestBody = {
        ...(authorization === undefined
          ? {}
          : { authorization: redactAuthorization(authorization) }),
        ...(init.body === undefined ? {} : { form: redactForm(init.body) }),
      };
    }
    timeline.push(entry);
    if (remaining() <= 0) {
      throw new OutOfTime();
    }
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method,
        headers: init.headers,
        body: init.body,
        redirect: init.manual === true ? 'manual' : 'follow',
        signal: AbortSignal.any([AbortSignal.timeout(Math.max(1, remaining())), abandoned.signal]),
      });
    } catch (error) {
      entry.durationMs = deps.now() - started;
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new OutOfTime();
      }
      throw error;
    }
    const text = await response.text();
    entry.status = response.status;
    entry.durationMs = deps.now() - started;
    const json = parseJson(text);
    if (json !== undefined) {
      entry.responseBody = redactJson(json);
    } else if (text !== '') {
      entry.responseBody = visibleText(text).slice(0, 2000);
    }
    deps.onEntry?.(entry);
    return { entry, status: response.status, headers: response.headers, text };
  }

  return {
    exchange,
    timeline,
    record(entry) {
      timeline.push(entry);
      deps.onEntry?.(entry);
    },
    beforeDeadline(promise) {
      return beforeDeadline(promise, remaining());
    },
    abandon() {
      abandoned.abort();
    },
  };
}

function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(new OutOfTime());
      },
      Math.max(0, ms),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
