import { expect } from 'vitest';

import {
  composeConsole,
  type ConsoleCore,
  type EmitEvent,
} from '../../main/composition/compose.ts';
import { createLogger } from '../../main/platform/logging/logger.ts';
import type { SecretStore } from '../../main/platform/secrets/secret-store.ts';
import type { RunningSandbox } from '../../main/sandbox/sandbox-server.ts';
import {
  type Channel,
  type ChannelResponse,
  channelResultSchema,
} from '../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';

/**
 * The console as the window's main process composes it (browser mode) over `dataDir`, its log
 * lines kept in `logLines`, with the sandbox's org added as its profile: for tests that drive
 * the channels through the real dispatcher.
 */
export async function composedAgainstSandbox(options: {
  sandbox: RunningSandbox;
  dataDir: string;
  secrets: SecretStore;
  logLines: string[];
  emit?: EmitEvent;
}): Promise<ConsoleCore> {
  const core = composeConsole({
    mode: 'browser',
    version: '0.0.0-test',
    dataDir: options.dataDir,
    secrets: options.secrets,
    logger: createLogger({ write: (line) => options.logLines.push(line), minLevel: 'debug' }),
    emit: options.emit ?? (() => undefined),
  });
  await core.profiles.add({ orgUrl: options.sandbox.orgUrl, apiToken: options.sandbox.apiToken });
  return core;
}

/**
 * Channel calls as the renderer makes them, through `core()`'s dispatcher (a getter, since the
 * console is composed in `beforeAll`): each answer checked against the contract and its body
 * kept in `bodies`, so a test can show no secret ever reached the page.
 */
export function dispatcherCalls(core: () => ConsoleCore, bodies: string[]) {
  async function call<C extends Channel>(channel: C, request: unknown) {
    const result = await core().dispatch(channel, request);
    expect(channelResultSchema(channel).safeParse(result).success).toBe(true);
    bodies.push(JSON.stringify(result));
    return result as
      | { ok: true; data: ChannelResponse<C> }
      | { ok: false; error: { code: string; message: string } };
  }

  /** {@link call}, for an answer that must succeed: its data, or a failure naming the error. */
  async function data<C extends Channel>(channel: C, request: unknown) {
    const result = await call(channel, request);
    if (!result.ok) {
      throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
    }
    return result.data;
  }

  /** Plans and applies `document` through the channels; the app it made. */
  async function apply(document: SetupDocument): Promise<{ appId: string; clientId: string }> {
    const planned = await data('setup:plan', { document });
    const applied = await data('setup:apply', { planId: planned.planId, operationId: 'op-apply' });
    if (applied.outcome !== 'applied') {
      throw new Error('the setup was not applied');
    }
    return { appId: applied.applied.appId, clientId: applied.applied.clientId };
  }

  return { call, data, apply };
}
