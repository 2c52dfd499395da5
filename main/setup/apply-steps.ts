import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { isAppChangeRefused } from '../okta/app-write-lock.ts';
import type { OrgSnapshot } from '../okta/org-snapshot.ts';
import type { NewSecret, WriteOutcome } from './okta-writes.ts';
import { desiredAppFields, type PlanStep } from './plan.ts';

/**
 * What the apply engine (`apply.ts`) knows of a step without asking Okta: the secret it makes,
 * whether a reading of the org shows it made, and the snapshot once Okta confirmed it. Pure
 * functions of the plan and a snapshot, kept apart from the engine's sequencing.
 */

/** The secret `step` makes, which the keychain must keep; `undefined` for one that makes none. */
export function secretMadeBy(
  step: PlanStep,
  document: SetupDocument,
): NewSecret['kind'] | undefined {
  if (step.action === 'unchanged') {
    return undefined;
  }
  switch (step.kind) {
    case 'app':
      return step.action === 'create' && document.app.tokenEndpointAuthMethod !== 'none'
        ? 'client-secret'
        : undefined;
    case 'test-user':
      return step.action === 'create' ? 'test-user-password' : undefined;
    case 'client-secret':
      return 'client-secret';
    case 'test-user-password':
      return 'test-user-password';
    default:
      return undefined;
  }
}

/**
 * Whether `step`, as planned from a reading of the org, says the write planned as `asked` is
 * made: an update when nothing is left to change; a create as soon as the object exists, even
 * if it now differs from the document — creating it again would make a second one.
 */
export function isMade(step: PlanStep, asked: PlanStep['action'] = step.action): boolean {
  return asked === 'create' ? step.action !== 'create' : step.action === 'unchanged';
}

/** The Okta id of what a step made, as a reading of the org shows it (app and test user). */
export function objectIdOf(stepKey: string, snapshot: OrgSnapshot): string | undefined {
  if (stepKey === 'app') {
    return snapshot.app?.id;
  }
  return stepKey.startsWith('test-user:')
    ? snapshot.usersByLogin.get(stepKey.slice('test-user:'.length))?.id
    : undefined;
}

/**
 * Whether a failed write may have been committed: no answer, or a server error. A change that
 * never had the app (another change of it held the app-write lock) sent nothing.
 */
export function mayHaveFailedInFlight(error: unknown): boolean {
  if (isAppChangeRefused(error)) {
    return false;
  }
  const status = (error as { status?: unknown }).status;
  return typeof status !== 'number' || status >= 500;
}

/**
 * The snapshot once a planned change is confirmed, without reading the org again.
 *
 * @remarks
 * Every write the engine makes answers with what it created, so the next plan can be made from
 * memory; the org is read again only to settle a write that failed.
 */
export function afterWrite(
  snapshot: OrgSnapshot,
  step: PlanStep,
  written: WriteOutcome,
  document: SetupDocument,
): OrgSnapshot {
  const { objectId } = written;
  const next: OrgSnapshot = {
    ...snapshot,
    usersByLogin: new Map(snapshot.usersByLogin),
    appUserIds: new Set(snapshot.appUserIds),
    appGroupIds: new Set(snapshot.appGroupIds),
    trustedOrigins: new Map(snapshot.trustedOrigins),
    authServer:
      snapshot.authServer === undefined
        ? undefined
        : {
            ...snapshot.authServer,
            scopeNames: new Set(snapshot.authServer.scopeNames),
            claims: [...snapshot.authServer.claims],
          },
  };
  const id = objectId ?? '';
  switch (step.kind) {
    case 'app':
      next.app = {
        ...snapshot.app,
        id: snapshot.app?.id ?? id,
        clientId: written.clientId ?? snapshot.app?.clientId,
        fields: desiredAppFields(document),
        status: 'ACTIVE',
      };
      break;
    case 'test-user':
      next.usersByLogin.set(step.key.slice('test-user:'.length), { id });
      break;
    case 'user-assignment':
      next.appUserIds.add(id);
      break;
    case 'group-assignment':
      next.appGroupIds.add(id);
      break;
    case 'trusted-origin': {
      const origin = step.key.slice('trusted-origin:'.length);
      const wanted = document.trustedOrigins.find((candidate) => candidate.origin === origin);
      const before = snapshot.trustedOrigins.get(origin)?.scopes ?? [];
      next.trustedOrigins.set(origin, {
        id,
        scopes: [...new Set([...before, ...(wanted?.scopes ?? [])])],
      });
      break;
    }
    case 'scope':
      next.authServer?.scopeNames.add(step.key.slice('scope:'.length));
      break;
    case 'app-groups-claim':
      next.appGroupsClaim = document.issuer.groupsClaim;
      break;
    case 'claim':
      next.authServer?.claims.push({
        name: step.key.slice('claim:'.length),
        valueType: 'GROUPS',
        claimType: 'IDENTITY',
      });
      break;
    case 'access-policy':
      if (next.authServer !== undefined) {
        next.authServer.admitsClient = true;
      }
      break;
    case 'auth-server':
    case 'client-secret':
    case 'test-user-password':
      break;
  }
  return next;
}
