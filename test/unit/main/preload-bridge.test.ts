import { describe, expect, it, vi } from 'vitest';

import { buildBridge } from '../../../main/preload-bridge.ts';
import { CHANNEL_NAMES, type EventEnvelope } from '../../../shared/ipc/contract.ts';

describe('buildBridge (Electron checklist #20)', () => {
  it('exposes exactly the contract channels plus on, and no generic invoke', () => {
    const bridge = buildBridge(vi.fn(), vi.fn());
    expect(Object.keys(bridge).sort()).toEqual([...CHANNEL_NAMES, 'on'].sort());
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('ipcRenderer');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes the channel named by the method', async () => {
    const invoke = vi.fn().mockResolvedValue({ ok: true, data: {} });
    const bridge = buildBridge(invoke, vi.fn());
    await bridge['profiles:switch']({ profileId: 'p' });
    expect(invoke).toHaveBeenCalledWith('profiles:switch', { profileId: 'p' });
  });

  it('hands listeners the payload only, and unsubscribes', () => {
    let emit: (envelope: EventEnvelope) => void = () => undefined;
    const bridge = buildBridge(vi.fn(), (listener) => {
      emit = listener;
    });
    const listener = vi.fn();
    const unsubscribe = bridge.on('profiles:verify-progress', listener);
    const payload = { orgUrl: 'https://a.okta.com', step: 'reach-org', state: 'running' };
    emit({ event: 'profiles:verify-progress', payload });
    expect(listener).toHaveBeenCalledExactlyOnceWith(payload);
    unsubscribe();
    emit({ event: 'profiles:verify-progress', payload });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
