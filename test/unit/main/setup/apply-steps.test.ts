import { describe, expect, it } from 'vitest';

import {
  afterWrite,
  isMade,
  mayHaveFailedInFlight,
  objectIdOf,
  secretMadeBy,
} from '../../../../main/setup/apply-steps.ts';
import type { PlanStep } from '../../../../main/setup/plan.ts';
import { AppError } from '../../../../shared/errors.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { orgSnapshot } from '../../../support/org-snapshots.ts';

const emptyOrg = () => orgSnapshot();

function step(kind: PlanStep['kind'], key: string, action: PlanStep['action']): PlanStep {
  return { key, kind, action, title: key, changes: [], dependsOn: [] };
}

const kestra = createSetupDocument({
  id: 'setup-1',
  preset: 'kestra',
  baseUrl: 'https://kestra.example.com',
});

describe('what the apply engine knows of a step without asking Okta', () => {
  it('a create is made once the object exists, even if it now differs; an update when nothing is left', () => {
    expect(isMade(step('app', 'app', 'update'), 'create')).toBe(true);
    expect(isMade(step('app', 'app', 'create'), 'create')).toBe(false);
    expect(isMade(step('app', 'app', 'update'), 'update')).toBe(false);
    expect(isMade(step('app', 'app', 'unchanged'))).toBe(true);
  });

  it('a write without an answer, or with a 5xx, may have been committed; a 4xx was not', () => {
    expect(mayHaveFailedInFlight(new Error('socket hang up'))).toBe(true);
    expect(mayHaveFailedInFlight({ status: 503 })).toBe(true);
    expect(mayHaveFailedInFlight({ status: 400 })).toBe(false);
    expect(mayHaveFailedInFlight({ status: 429 })).toBe(false);
  });

  it('a change that waited in vain for the app-write lock sent nothing, so it is not in doubt', () => {
    const waited = new AppError({ code: 'APP_CHANGE_IN_PROGRESS', message: 'm', hint: 'h' });
    expect(mayHaveFailedInFlight(waited)).toBe(false);
    expect(mayHaveFailedInFlight(new AppError({ code: 'INTERNAL', message: 'm', hint: 'h' }))).toBe(
      true,
    );
  });

  it('names the secret a step makes: a confidential app’s creation, a test user’s, a repair', () => {
    expect(secretMadeBy(step('app', 'app', 'create'), kestra)).toBe('client-secret');
    expect(secretMadeBy(step('app', 'app', 'update'), kestra)).toBeUndefined();
    const publicApp = { ...kestra, app: { ...kestra.app, tokenEndpointAuthMethod: 'none' } };
    expect(secretMadeBy(step('app', 'app', 'create'), publicApp as typeof kestra)).toBeUndefined();
    expect(secretMadeBy(step('test-user', 'test-user:t@example.com', 'create'), kestra)).toBe(
      'test-user-password',
    );
    expect(secretMadeBy(step('client-secret', 'client-secret', 'update'), kestra)).toBe(
      'client-secret',
    );
    expect(secretMadeBy(step('client-secret', 'client-secret', 'unchanged'), kestra)).toBe(
      undefined,
    );
  });

  it('reads the id of what a step made from the snapshot: the app and a test user', () => {
    const org = emptyOrg();
    org.usersByLogin.set('t@example.com', { id: '00u1' });
    expect(objectIdOf('test-user:t@example.com', org)).toBe('00u1');
    expect(objectIdOf('app', org)).toBeUndefined();
    expect(objectIdOf('group-assignment:Engineering', org)).toBeUndefined();
  });

  it('the snapshot after a confirmed write holds what Okta answered, and the one before is left as it was', () => {
    const before = emptyOrg();
    const withApp = afterWrite(
      before,
      step('app', 'app', 'create'),
      { objectId: '0oa1', clientId: 'client-1' },
      kestra,
    );
    expect(withApp.app).toMatchObject({ id: '0oa1', clientId: 'client-1', status: 'ACTIVE' });
    const withUser = afterWrite(
      withApp,
      step('test-user', 'test-user:t@example.com', 'create'),
      { objectId: '00u1' },
      kestra,
    );
    const assigned = afterWrite(
      withUser,
      step('user-assignment', 'user-assignment:t@example.com', 'create'),
      { objectId: '00u1' },
      kestra,
    );
    expect(assigned.usersByLogin.get('t@example.com')).toEqual({ id: '00u1' });
    expect([...assigned.appUserIds]).toEqual(['00u1']);
    expect(before.app).toBeUndefined();
    expect(withApp.usersByLogin.size).toBe(0);
    expect(withUser.appUserIds.size).toBe(0);
  });
});
