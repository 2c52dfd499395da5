import { describe, expect, it } from 'vitest';

import {
  entriesFor,
  type JournalEntry,
  owedSecrets,
  stepsInDoubt,
  unkeptSecrets,
} from '../../../../main/setup/apply-journal.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';

const document = createSetupDocument({ id: 'journal-1', preset: 'kestra' });
document.assignments.testUser = { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' };
const ORG = 'https://acme.okta.com';

function entries(...lines: string[]): JournalEntry[] {
  return lines.map((line) => {
    const [phase = '', stepKey = '', rest] = line.split(' ');
    return {
      setupId: document.id,
      orgUrl: ORG,
      at: '2026-12-06T10:00:00.000Z',
      stepKey,
      phase: phase as JournalEntry['phase'],
      ...(phase === 'started' ? { action: rest === 'update' ? 'update' : 'create' } : {}),
      ...((phase === 'done' || phase === 'found') && rest !== undefined ? { objectId: rest } : {}),
    };
  });
}

describe('the apply journal', () => {
  it('owes nothing after an apply that kept its secrets', () => {
    const journal = entries(
      'started app',
      'done app 0oa1',
      'kept client-secret',
      'started test-user:ada@example.com',
      'done test-user:ada@example.com 00u1',
      'kept test-user-password:ada@example.com',
    );
    expect(owedSecrets(journal, document)).toEqual({
      clientSecret: false,
      testUserPassword: false,
    });
    expect(stepsInDoubt(journal)).toEqual([]);
  });

  it('owes what was created here and never kept: a lost answer, a failed keychain, a kill', () => {
    const lost = entries('started app', 'found app 0oa1', 'started test-user:ada@example.com');
    expect(owedSecrets(lost, document)).toEqual({
      clientSecret: { objectId: '0oa1' },
      testUserPassword: { objectId: undefined },
    });
    expect(stepsInDoubt(lost)).toEqual(['test-user:ada@example.com']);
    const notKept = entries('started app', 'done app 0oa1', 'not-kept client-secret');
    expect(owedSecrets(notKept, document).clientSecret).toEqual({ objectId: '0oa1' });
    // Replaced and kept since: owed no more.
    const replaced = entries(
      ...['started app', 'done app 0oa1', 'not-kept client-secret'],
      ...['started client-secret update', 'done client-secret ocs2', 'kept client-secret'],
    );
    expect(owedSecrets(replaced, document).clientSecret).toBe(false);
  });

  it('owes nothing from journals written before secrets were journaled, nor for a public client', () => {
    const old = entries('started app', 'done app 0oa1').map((entry) => {
      const rest = { ...entry };
      delete rest.action;
      return rest;
    });
    expect(owedSecrets(old, document).clientSecret).toBe(false);
    const spa = { ...document, app: { ...document.app, tokenEndpointAuthMethod: 'none' as const } };
    expect(owedSecrets(entries('started app'), spa).clientSecret).toBe(false);
  });

  it('lists the secrets issued here since the app was created and never kept', () => {
    const journal = entries(
      ...['started app', 'done app 0oa1', 'not-kept client-secret'],
      ...['started client-secret update', 'done client-secret ocs2', 'not-kept client-secret'],
    );
    expect(unkeptSecrets(journal)).toEqual({ ids: ['ocs2'], before: [], kept: [] });
  });

  it('remembers what an app had before a new secret whose answer was lost, and which were kept', () => {
    const listed = (ids: string[]): JournalEntry => ({
      setupId: document.id,
      orgUrl: ORG,
      at: '2026-12-06T10:00:00.000Z',
      stepKey: 'client-secret',
      phase: 'listed',
      objectIds: ids,
    });
    const journal = [
      ...entries(
        'started app',
        'done app 0oa1',
        'not-kept client-secret',
        'started client-secret update',
      ),
      listed(['ocs1']),
      ...entries('not-found client-secret', 'started client-secret update'),
      listed(['ocs1', 'ocsLOST']),
      ...entries('done client-secret ocs3', 'kept client-secret'),
    ];
    expect(unkeptSecrets(journal)).toEqual({ ids: [], before: [['ocs1']], kept: ['ocs3'] });
  });

  it('takes a write cancelled before it was sent as settled: nothing made, nothing owed', () => {
    const journal = [
      ...entries(
        'started app',
        'done app 0oa1',
        'not-kept client-secret',
        'started test-user:ada@example.com',
        'not-sent test-user:ada@example.com',
        'started client-secret update',
      ),
      {
        setupId: document.id,
        orgUrl: ORG,
        at: '2026-12-06T10:00:00.000Z',
        stepKey: 'client-secret',
        phase: 'listed',
        objectIds: ['ocs1'],
      } satisfies JournalEntry,
      ...entries('not-sent client-secret'),
    ];
    expect(stepsInDoubt(journal)).toEqual([]);
    // The user was never made; the app's secret is still owed (it was made and not kept).
    expect(owedSecrets(journal, document)).toEqual({
      clientSecret: { objectId: '0oa1' },
      testUserPassword: false,
    });
    // No new secret was asked for, so no secret the app has now can be one of this computer's.
    expect(unkeptSecrets(journal).before).toEqual([]);
  });

  it('keeps to one document in one org', () => {
    const other = entries('started app').map((entry) => ({
      ...entry,
      orgUrl: 'https://other.okta.com',
    }));
    const elsewhere = entries('started app').map((entry) => ({ ...entry, setupId: 'another' }));
    const legacy = entries('done app 0oa1').map((entry) => {
      const rest = { ...entry };
      delete rest.orgUrl;
      return rest;
    });
    expect(entriesFor([...other, ...elsewhere, ...legacy], document, ORG)).toEqual(legacy);
  });
});
