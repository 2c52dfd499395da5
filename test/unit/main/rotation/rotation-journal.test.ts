import { describe, expect, it } from 'vitest';

import {
  createInDoubt,
  openRotation,
  type RotationEntry,
  type RotationStep,
} from '../../../../main/rotation/rotation-journal.ts';

const ORG = 'https://example.okta.com';

function line(
  step: RotationStep,
  extra: Partial<RotationEntry> = {},
  rotationId = 'r1',
): RotationEntry {
  return {
    rotationId,
    orgUrl: ORG,
    appId: '0oa1',
    clientId: '0oa1',
    step,
    at: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('openRotation', () => {
  it('reads each phase from the lines so far', () => {
    const lines: RotationEntry[] = [line('begun', { secretId: 'ocsOld' })];
    expect(openRotation(lines, ORG, '0oa1')?.phase).toBe('creating');
    lines.push(
      line('create-started', { secretIds: ['ocsOld'] }),
      line('created', { secretId: 'ocsNew' }),
    );
    expect(openRotation(lines, ORG, '0oa1')?.phase).toBe('creating');
    lines.push(line('kept', { secretId: 'ocsNew' }));
    expect(openRotation(lines, ORG, '0oa1')).toMatchObject({
      phase: 'awaiting-verification',
      oldSecretId: 'ocsOld',
      newSecretId: 'ocsNew',
    });
    lines.push(line('verified', { secretId: 'ocsNew', target: 'kestra', contentHash: 'abc' }));
    expect(openRotation(lines, ORG, '0oa1')).toMatchObject({
      phase: 'awaiting-confirmation',
      verified: { target: 'kestra', contentHash: 'abc' },
    });
    lines.push(line('confirmed'), line('deactivate-started', { secretId: 'ocsOld' }));
    expect(openRotation(lines, ORG, '0oa1')?.phase).toBe('retiring');
    lines.push(line('finished'));
    expect(openRotation(lines, ORG, '0oa1')).toBeUndefined();
  });

  it('keeps apps, orgs and rotations apart, and starts afresh after an ended one', () => {
    const lines = [
      line('begun', { secretId: 'ocsA' }),
      line('cancelled'),
      line('begun', { secretId: 'ocsB' }, 'r2'),
      { ...line('begun', { secretId: 'ocsC' }, 'r3'), appId: '0oa2' },
      { ...line('begun', { secretId: 'ocsD' }, 'r4'), orgUrl: 'https://other.okta.com' },
    ];
    expect(openRotation(lines, ORG, '0oa1')).toMatchObject({
      rotationId: 'r2',
      oldSecretId: 'ocsB',
    });
    expect(openRotation(lines, ORG, '0oa2')?.oldSecretId).toBe('ocsC');
    expect(openRotation(lines, ORG, '0oa3')).toBeUndefined();
  });
});

describe('createInDoubt', () => {
  it('is the ids listed before a create whose outcome is not settled', () => {
    const base = [line('begun', { secretId: 'ocsOld' })];
    const rotation = (lines: RotationEntry[]) => {
      const found = openRotation(lines, ORG, '0oa1');
      if (found === undefined) {
        throw new Error('no rotation');
      }
      return found;
    };
    expect(createInDoubt(rotation(base))).toBeUndefined();
    const started = [...base, line('create-started', { secretIds: ['ocsOld'] })];
    expect(createInDoubt(rotation(started))).toEqual(['ocsOld']);
    // Okta answered, the keychain did not get it yet: still in doubt.
    const created = [...started, line('created', { secretId: 'ocsNew' })];
    expect(createInDoubt(rotation(created))).toEqual(['ocsOld']);
    expect(
      createInDoubt(rotation([...created, line('kept', { secretId: 'ocsNew' })])),
    ).toBeUndefined();
    expect(
      createInDoubt(rotation([...created, line('discarded', { secretId: 'ocsNew' })])),
    ).toBeUndefined();
  });
});
