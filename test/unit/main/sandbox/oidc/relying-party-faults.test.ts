import { generateKeyPairSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  createRelyingPartyFaultStore,
  RELYING_PARTY_FAULT_SHAPE,
} from '../../../../../main/sandbox/oidc/relying-party-faults.ts';

describe('createRelyingPartyFaultStore', () => {
  it.each([
    [null, 'The fault must be a JSON object.'],
    [['id-token-iss-wrong'], 'The fault must be a JSON object.'],
    [{}, '"misbehaviour" must be one of id-token-iss-wrong, '],
    [{ misbehaviour: 'id-token-everything-wrong' }, 'not "id-token-everything-wrong"'],
    [{ misbehaviour: 'id-token-iss-wrong', times: 0 }, '"times" must be a whole number from 1.'],
    [{ misbehaviour: 'id-token-iss-wrong', clientId: '' }, '"clientId" must be an app'],
    [{ misbehaviour: 'discovery-without-s256', clientId: '0oa1' }, 'discovery names no app'],
    [{ misbehaviour: 'id-token-iss-wrong', status: 500 }, 'Unknown member "status".'],
  ])('refuses %j, saying what is wrong and the shape expected', (body, problem) => {
    const added = createRelyingPartyFaultStore().add(body);
    expect(added).toMatchObject({ ok: false, expected: RELYING_PARTY_FAULT_SHAPE });
    expect(added.ok ? '' : added.problem).toContain(problem);
  });

  it('takes a fault only for its answer and its client, `times` times', () => {
    const store = createRelyingPartyFaultStore();
    expect(store.isIdle()).toBe(true);
    store.add({ misbehaviour: 'id-token-nonce-wrong', clientId: '0oaA', times: 2 });
    store.add({ misbehaviour: 'authorization-response-iss-wrong' });
    expect(store.isIdle()).toBe(false);
    expect(store.take('discovery', undefined)).toBeUndefined();
    expect(store.take('token-response', '0oaB')).toBeUndefined();
    expect(store.take('token-response', '0oaA')?.misbehaviour).toBe('id-token-nonce-wrong');
    expect(store.take('authorization-response', '0oaB')?.misbehaviour).toBe(
      'authorization-response-iss-wrong',
    );
    expect(store.list()).toEqual({
      faults: [{ id: 1, misbehaviour: 'id-token-nonce-wrong', clientId: '0oaA', remaining: 1 }],
      rotatedKeys: [],
    });
    expect(store.take('token-response', '0oaA')?.remaining).toBe(0);
    expect(store.isIdle()).toBe(true);
  });

  it('keeps a rotated key until cleared, and lists it by server', () => {
    const store = createRelyingPartyFaultStore();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    store.rotate('default', { kid: 'k2', privateKey, publicJwk: {}, jwksReadsBeforePublished: 0 });
    expect(store.isIdle()).toBe(false);
    expect(store.rotatedKey('default')?.kid).toBe('k2');
    expect(store.rotatedKey('org')).toBeUndefined();
    expect(store.list().rotatedKeys).toEqual([{ authorizationServer: 'default', kid: 'k2' }]);
    store.clear();
    expect(store.isIdle()).toBe(true);
    expect(store.rotatedKey('default')).toBeUndefined();
  });
});
