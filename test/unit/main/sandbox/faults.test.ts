import { describe, expect, it } from 'vitest';

import { createFaultStore } from '../../../../main/sandbox/faults.ts';

describe('createFaultStore', () => {
  it.each([
    ['/api/v1/apps/*', '/api/v1/apps/0oa1', true],
    ['/api/v1/apps/*', '/api/v1/apps/0oa1/users', false],
    ['/api/v1/apps/*', '/api/v1/apps', false],
    ['/api/v1/apps/**', '/api/v1/apps/0oa1/users/00u1', true],
    ['/api/v1/apps/*/users', '/api/v1/apps/0oa1/users', true],
    ['/api/v1/apps', '/api/v1/apps', true],
    ['/api/v1/apps', '/api/v1/apps/0oa1', false],
    ['/api/v1/users/me.json', '/api/v1/users/meXjson', false],
  ])('path %s matches %s: %s', (pattern, path, matches) => {
    const store = createFaultStore();
    store.add({ method: 'GET', path: pattern, status: 500 });
    expect(store.take('GET', path) !== undefined).toBe(matches);
  });

  it('takes the first matching fault, `times` times, and lists what is left', () => {
    const store = createFaultStore();
    store.add({ method: 'post', path: '/api/v1/groups', status: 503, afterCommit: true, times: 2 });
    store.add({ method: '*', path: '/api/v1/groups', connection: 'drop' });
    expect(store.take('GET', '/api/v1/groups')?.effect).toEqual({ kind: 'drop' });
    expect(store.take('POST', '/api/v1/groups')?.effect).toEqual({
      kind: 'error',
      status: 503,
      afterCommit: true,
    });
    expect(store.list()).toEqual([
      {
        id: 1,
        method: 'POST',
        path: '/api/v1/groups',
        remaining: 1,
        status: 503,
        afterCommit: true,
      },
    ]);
    store.take('POST', '/api/v1/groups');
    expect(store.take('POST', '/api/v1/groups')).toBeUndefined();
    expect(store.list()).toEqual([]);
  });

  it('reads each kind of fault, with the old shape of a 429 still meaning Reset = now', () => {
    const store = createFaultStore();
    const effects = [
      { method: 'GET', path: '/a', status: 429 },
      { method: 'GET', path: '/a', status: 429, resetSeconds: null },
      { method: 'GET', path: '/a', latencyMs: 250 },
      { method: 'GET', path: '/a', connection: 'lose-response', latencyMs: 10 },
    ].map((body) => {
      const added = store.add(body);
      return added.ok ? [added.fault.effect, added.fault.latencyMs] : added.problem;
    });
    expect(effects).toEqual([
      [{ kind: 'rate-limit', resetSeconds: 0 }, 0],
      [{ kind: 'rate-limit', resetSeconds: null }, 0],
      [{ kind: 'latency-only' }, 250],
      [{ kind: 'lose-response' }, 10],
    ]);
  });

  it.each([
    [[], 'The fault must be a JSON object.'],
    [
      { method: 'GET', path: '/a', status: 500, connection: 'drop' },
      'Give either "status" or "connection", not both.',
    ],
    [
      { method: 'GET', path: '/a', status: 500, resetSeconds: 5 },
      '"resetSeconds" applies to status 429 only.',
    ],
    [
      { method: 'GET', path: '/a', status: 429, resetSeconds: -1 },
      '"resetSeconds" must be a whole number',
    ],
    [
      { method: 'GET', path: '/a', status: 500, afterCommit: 'yes' },
      '"afterCommit" must be true or false.',
    ],
    [{ method: 'GET', path: '/a', latencyMs: -5 }, '"latencyMs" must be a whole number'],
    [{ method: 'POST', path: '/a', staleReads: 1.5 }, '"staleReads" must be a whole number'],
    [
      { method: 'POST', path: '/a', staleReads: 2, connection: 'drop' },
      '"staleReads" needs a request that is handled',
    ],
    [{ method: 'POST', path: '/a' }, 'The fault does nothing'],
  ])('refuses %j: %s', (body, problem) => {
    const added = createFaultStore().add(body);
    expect(added.ok).toBe(false);
    expect(added.ok ? '' : added.problem).toContain(problem);
  });
});

describe('createStaleReads', () => {
  it('hides an object from the reads that would show it, one read each, then shows it', () => {
    const stale = createFaultStore().staleReads;
    stale.hide('0oaNEW', 2);
    const list = [{ id: '0oaOLD' }, { id: '0oaNEW' }];
    expect(stale.filterList(list)).toEqual([{ id: '0oaOLD' }]);
    expect(stale.takeByPath('/api/v1/apps/0oaOTHER')).toBeUndefined();
    expect(stale.takeByPath('/api/v1/apps/0oaNEW/users')).toBe('0oaNEW');
    expect(stale.filterList(list)).toEqual(list);
    expect(stale.takeByPath('/api/v1/apps/0oaNEW')).toBeUndefined();
  });

  it('is cleared with the faults', () => {
    const store = createFaultStore();
    store.staleReads.hide('00uNEW', 5);
    store.clear();
    expect(store.staleReads.takeByPath('/api/v1/users/00uNEW')).toBeUndefined();
  });
});
