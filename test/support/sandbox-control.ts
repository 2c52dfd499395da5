/** Helpers for the sandbox's `/__sandbox/` control API, shared by integration and e2e tests. */

/** Calls a control route with the sandbox admin token; throws with the sandbox's answer if refused. */
async function control(
  orgUrl: string,
  adminToken: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${orgUrl}/__sandbox/${path}`, {
    method,
    headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `The sandbox refused ${method} /__sandbox/${path}: HTTP ${String(response.status)} ${text}`,
    );
  }
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Creates a sandbox user with the given admin roles and returns an API token acting as them. */
export async function createSandboxToken(
  orgUrl: string,
  adminToken: string,
  adminRoles: string[],
): Promise<string> {
  const created = (await control(orgUrl, adminToken, 'POST', 'api-tokens', { adminRoles })) as {
    apiToken: string;
  };
  return created.apiToken;
}

/** Which requests a fault catches: method (or `*`) and path (exact, or with `*` / `**`). */
export interface FaultTarget {
  method: string;
  path: string;
  /** How many matching requests it catches (default 1). */
  times?: number;
}

/** Every fault `/__sandbox/faults` accepts (see main/sandbox/faults.ts). */
export type SandboxFault = FaultTarget & {
  latencyMs?: number;
  status?: 429 | 500 | 502 | 503 | 504;
  /** 5xx only: let the change happen, then answer with the error. */
  afterCommit?: boolean;
  /** 429 only: seconds until `X-Rate-Limit-Reset`, or `null` for no header. */
  resetSeconds?: number | null;
  connection?: 'drop' | 'lose-response';
  /** What the request creates is missed (404, left out of lists) by that many reads. */
  staleReads?: number;
};

/**
 * Makes the sandbox answer the next `times` requests to `method path` with `status`, after
 * `latencyMs`; with a latency and no status they are answered normally, only late.
 */
export async function injectSandboxFault(
  orgUrl: string,
  adminToken: string,
  fault: SandboxFault,
): Promise<void> {
  await control(orgUrl, adminToken, 'POST', 'faults', fault);
}

/** Closes the connection of matching requests before they are handled: nothing changes. */
export function dropSandboxConnections(orgUrl: string, adminToken: string, target: FaultTarget) {
  return injectSandboxFault(orgUrl, adminToken, { ...target, connection: 'drop' });
}

/** Handles matching requests (the change happens), then closes the connection unanswered. */
export function loseSandboxResponses(orgUrl: string, adminToken: string, target: FaultTarget) {
  return injectSandboxFault(orgUrl, adminToken, { ...target, connection: 'lose-response' });
}

/** Handles matching requests (the change happens), then answers with a 5xx. */
export function failSandboxAfterCommit(
  orgUrl: string,
  adminToken: string,
  target: FaultTarget & { status: 500 | 502 | 503 | 504 },
) {
  return injectSandboxFault(orgUrl, adminToken, { ...target, afterCommit: true });
}

/** The faults that will still catch requests. */
export async function listSandboxFaults(
  orgUrl: string,
  adminToken: string,
): Promise<(SandboxFault & { id: number; remaining: number })[]> {
  return ((await control(orgUrl, adminToken, 'GET', 'faults')) as { faults: never[] }).faults;
}

/** Removes every fault. */
export async function clearSandboxFaults(orgUrl: string, adminToken: string): Promise<void> {
  await control(orgUrl, adminToken, 'DELETE', 'faults');
}

/** Shifts the sandbox clock by `offsetSeconds` from real time (0 puts it back). */
export async function setSandboxClockOffset(
  orgUrl: string,
  adminToken: string,
  offsetSeconds: number,
): Promise<{ offsetSeconds: number; now: string }> {
  return (await control(orgUrl, adminToken, 'PUT', 'clock', { offsetSeconds })) as {
    offsetSeconds: number;
    now: string;
  };
}

/** Puts new rate limits in force: a tier name or `{ tier?, buckets?, concurrency? }`. */
export async function setSandboxRateLimits(
  orgUrl: string,
  adminToken: string,
  settings: unknown,
): Promise<{ tier: string; buckets: Record<string, number>; concurrency: number }> {
  return (await control(orgUrl, adminToken, 'PUT', 'rate-limits', settings)) as {
    tier: string;
    buckets: Record<string, number>;
    concurrency: number;
  };
}

/** A relying-party fault `/__sandbox/oidc-faults` accepts (see main/sandbox/oidc/relying-party-faults.ts). */
export interface SandboxOidcFault {
  /** One of the names `GET /__sandbox/oidc-faults` lists. */
  misbehaviour: string;
  /** How many answers it changes (default 1). */
  times?: number;
  /** Only this app's answers. */
  clientId?: string;
}

/** Makes the sandbox's OIDC side misbehave in one named way on its next matching answer(s). */
export async function injectOidcFault(
  orgUrl: string,
  adminToken: string,
  fault: SandboxOidcFault,
): Promise<{ id: number; misbehaviour: string; faults: number }> {
  return (await control(orgUrl, adminToken, 'POST', 'oidc-faults', fault)) as {
    id: number;
    misbehaviour: string;
    faults: number;
  };
}

/** The relying-party faults still armed, the keys rotated, and every misbehaviour by name. */
export async function listOidcFaults(
  orgUrl: string,
  adminToken: string,
): Promise<{
  faults: (SandboxOidcFault & { id: number; remaining: number })[];
  rotatedKeys: { authorizationServer: string; kid: string }[];
  misbehaviours: Record<string, string>;
}> {
  return (await control(orgUrl, adminToken, 'GET', 'oidc-faults')) as never;
}

/** Disarms every relying-party fault and rotates every server back to its own key. */
export async function clearOidcFaults(orgUrl: string, adminToken: string): Promise<void> {
  await control(orgUrl, adminToken, 'DELETE', 'oidc-faults');
}
