/** Helpers for the sandbox's `/__sandbox/` control API, shared by integration and e2e tests. */

/** Creates a sandbox user with the given admin roles and returns an API token acting as them. */
export async function createSandboxToken(
  orgUrl: string,
  adminToken: string,
  adminRoles: string[],
): Promise<string> {
  const response = await fetch(`${orgUrl}/__sandbox/api-tokens`, {
    method: 'POST',
    headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ adminRoles }),
  });
  if (response.status !== 201) {
    throw new Error(`The sandbox refused to create a token: HTTP ${String(response.status)}`);
  }
  return ((await response.json()) as { apiToken: string }).apiToken;
}

/**
 * Makes the sandbox answer the next `times` requests to `method path` with `status`, after
 * `latencyMs`; with a latency and no status they are answered normally, only late.
 */
export async function injectSandboxFault(
  orgUrl: string,
  adminToken: string,
  fault: {
    method: string;
    path: string;
    status?: 429 | 500 | 503;
    latencyMs?: number;
    times: number;
    resetSeconds?: number | null;
  },
): Promise<void> {
  const response = await fetch(`${orgUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) {
    throw new Error(`The sandbox refused the fault: HTTP ${String(response.status)}`);
  }
}
