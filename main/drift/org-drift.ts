import { type SetupDocument, setupDocumentSchema } from '../../shared/setup/setup-document.ts';
import type { AppFields, OrgSnapshot } from '../okta/org-snapshot.ts';

/**
 * Drift against the org: where the app and its objects, as Okta has them now, differ from the
 * setup document they were applied from — field by field, with what each of the two choices
 * (Adopt: take Okta's values into the document; Restore: apply the document) does to it.
 *
 * @remarks
 * Drift is "the plan of the document is not empty", so this module reads the setup domain's
 * plan rather than comparing anything itself: `sso-console plan`, `list`'s drift column and
 * `drift` then cannot disagree. The plan arrives as data (its shape is declared structurally
 * below), because a domain never imports a sibling; the command line and the composition wire
 * the planner in.
 */

/** One field of a plan step, as the setup planner gives it: Okta's value and the document's. */
export interface PlannedChange {
  field: string;
  /** What the org holds (`undefined`: nothing). */
  before: unknown;
  /** What the document says. */
  after: unknown;
}

/** The members of a setup plan's step that drift reads. */
export interface PlannedStep {
  key: string;
  kind: string;
  action: 'create' | 'update' | 'unchanged';
  title: string;
  changes: readonly PlannedChange[];
}

/** The members of a setup plan that drift reads. */
export interface DriftPlan {
  steps: readonly PlannedStep[];
  blockers: readonly string[];
}

/** One field that differs between the document and the org. */
export interface FieldDrift {
  /** The plan step it belongs to, e.g. `app`, `trusted-origin:https://a.example`. */
  key: string;
  /** The object, as the admin reads it: `App integration "Kestra"`. */
  title: string;
  /** Where it is in the setup document, e.g. `app.redirectUris`, `assignments.groups[name=Ops]`. */
  path: string;
  /** The document's value; `null` when the document has no field for it. */
  documentValue: unknown;
  /** Okta's value; `null` when the org does not hold the object. */
  oktaValue: unknown;
  /** Whether Adopt can write Okta's value into the document; Restore fixes every one. */
  adoptable: boolean;
  /** Why Adopt cannot take it, and what to do instead; `null` when it can. */
  adoptNote: string | null;
}

/** The drift of one document against the org. */
export interface OrgDrift {
  /** Whether the plan of the document is not empty (or cannot be applied). */
  drifted: boolean;
  fields: FieldDrift[];
  /** What the org lacks that the console will not create (a user, a group), from the plan. */
  blockers: string[];
}

const APP_FIELD_PATHS: Record<keyof AppFields, string> = {
  label: 'app.label',
  applicationType: 'app.applicationType',
  grantTypes: 'app.grantTypes',
  redirectUris: 'app.redirectUris',
  postLogoutRedirectUris: 'app.postLogoutRedirectUris',
  initiateLoginUri: 'app.initiateLoginUri',
  pkceRequired: 'app.pkceRequired',
  tokenEndpointAuthMethod: 'app.tokenEndpointAuthMethod',
  consentMethod: 'app.consentMethod',
  issuerMode: 'issuer.issuerMode',
  implicitAssignment: 'app.implicitAssignment',
};

const orNull = (value: unknown) => (value === undefined ? null : value);

function field(
  step: PlannedStep,
  path: string,
  documentValue: unknown,
  oktaValue: unknown,
  adoptNote: string | null,
): FieldDrift {
  return {
    key: step.key,
    title: step.title,
    path,
    documentValue: orNull(documentValue),
    oktaValue: orNull(oktaValue),
    adoptable: adoptNote === null,
    adoptNote,
  };
}

const RESTORE_ONLY = 'Restore only: ';

/** The fields of one step that is not unchanged, in the document's terms. */
function fieldsOf(step: PlannedStep, document: SetupDocument): FieldDrift[] {
  const name = step.key.slice(step.key.indexOf(':') + 1);
  switch (step.kind) {
    case 'app':
      if (step.action === 'create') {
        return [
          field(
            step,
            'app',
            document.app.label,
            null,
            `${RESTORE_ONLY}the app is not in the org any more, and a setup document cannot say "no app". Restore creates it again (a new client id), or remove the setup.`,
          ),
        ];
      }
      return step.changes.map((change) =>
        change.field === 'status'
          ? field(
              step,
              'app.status',
              change.after,
              change.before,
              `${RESTORE_ONLY}the document has no status: a setup's app is active, since Okta refuses every sign-in to an inactive one. Restore activates it.`,
            )
          : field(
              step,
              (APP_FIELD_PATHS as Partial<Record<string, string>>)[change.field] ??
                `app.${change.field}`,
              change.after,
              change.before,
              null,
            ),
      );
    case 'trusted-origin':
      return [
        step.action === 'create'
          ? field(
              step,
              `trustedOrigins[origin=${name}]`,
              document.trustedOrigins.find((origin) => origin.origin === name) ?? name,
              null,
              null,
            )
          : field(
              step,
              `trustedOrigins[origin=${name}].scopes`,
              step.changes[0]?.after,
              step.changes[0]?.before,
              null,
            ),
      ];
    case 'user-assignment':
      return [
        document.assignments.testUser?.email === name
          ? field(
              step,
              'assignments.testUser',
              'assigned',
              'not assigned',
              `${RESTORE_ONLY}the test user is what the preview and the export's verification sign in with. Restore assigns them again.`,
            )
          : field(step, `assignments.users[login=${name}]`, 'assigned', 'not assigned', null),
      ];
    case 'group-assignment':
      return [field(step, `assignments.groups[name=${name}]`, 'assigned', 'not assigned', null)];
    case 'app-groups-claim':
      return [
        field(step, 'issuer.groupsClaim', step.changes[0]?.after, step.changes[0]?.before, null),
      ];
    case 'test-user':
      return [
        field(
          step,
          'assignments.testUser',
          name,
          null,
          `${RESTORE_ONLY}the test user is not in the org any more. Restore creates them again, with a new password in the keychain.`,
        ),
      ];
    case 'client-secret':
    case 'test-user-password':
      return step.changes.map((change) =>
        field(
          step,
          step.kind === 'client-secret' ? 'app (client secret)' : 'assignments.testUser (password)',
          change.after,
          change.before,
          `${RESTORE_ONLY}Okta never shows a secret again, so one this computer could not keep is issued anew by Restore.`,
        ),
      );
    default:
      // The custom authorization server's objects: the server, a scope, a claim, the policy.
      return (
        step.changes.length > 0 ? step.changes : [{ field: 'exists', before: null, after: true }]
      ).map((change) =>
        field(
          step,
          step.kind === 'access-policy'
            ? 'issuer (access policy for the app)'
            : step.kind === 'scope'
              ? `issuer.scopes[${name}]`
              : step.kind === 'claim'
                ? 'issuer.groupsClaim'
                : 'issuer.server',
          change.after,
          change.before,
          `${RESTORE_ONLY}the custom authorization server's objects are what its tokens are made of. Restore creates them again.`,
        ),
      );
  }
}

/**
 * The field-level drift of `document`, read from its plan: every step that is not `unchanged`,
 * each changed field with its document path, the document's value and Okta's.
 */
export function orgDrift(plan: DriftPlan, document: SetupDocument): OrgDrift {
  const fields = plan.steps
    .filter((step) => step.action !== 'unchanged')
    .flatMap((step) => fieldsOf(step, document));
  return {
    drifted: fields.length > 0 || plan.blockers.length > 0,
    fields,
    blockers: [...plan.blockers],
  };
}

/** Okta's values could not be written into a setup document; the message says which. */
export class AdoptRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdoptRefusedError';
  }
}

/** What Adopt made of a document. */
export interface Adopted {
  document: SetupDocument;
  /** The document paths whose values now are Okta's. */
  adopted: string[];
}

/**
 * The document with Okta's values written in where the org differs: the app's fields, the
 * trusted origins it still has (and their scopes), the assignments it still holds, the groups
 * claim on the app's Sign On tab. Everything else of the document is kept as it was — its id,
 * target, test user, custom server and every field the org does not hold.
 *
 * @remarks
 * Read from the snapshot rather than the plan's `before` values, so what is written is exactly
 * what Okta answered, types and all. A value the document format cannot hold (a grant type the
 * console does not configure, say) refuses the adoption as a whole, naming the field: a
 * half-adopted document would show drift again and say nothing of why.
 */
export function adoptOrgValues(document: SetupDocument, snapshot: OrgSnapshot): Adopted {
  const next = structuredClone(document);
  const nextApp = next.app as Record<string, unknown>;
  const adopted: string[] = [];
  const app = snapshot.app;
  if (app !== undefined) {
    for (const key of Object.keys(APP_FIELD_PATHS) as (keyof AppFields)[]) {
      const okta = app.fields[key];
      const current: unknown = key === 'issuerMode' ? next.issuer.issuerMode : nextApp[key];
      if (JSON.stringify(okta) === JSON.stringify(current)) {
        continue;
      }
      if (key === 'issuerMode') {
        (next.issuer as { issuerMode: unknown }).issuerMode = okta;
      } else {
        // `undefined` (Okta holds none, e.g. no initiate login URI) leaves the key out of the JSON.
        nextApp[key] = okta === undefined ? undefined : structuredClone(okta);
      }
      adopted.push(APP_FIELD_PATHS[key]);
    }
  }

  next.trustedOrigins = next.trustedOrigins.flatMap((origin) => {
    const held = snapshot.trustedOrigins.get(origin.origin);
    if (held === undefined) {
      adopted.push(`trustedOrigins[origin=${origin.origin}]`);
      return [];
    }
    const scopes = origin.scopes.filter((scope) => held.scopes.includes(scope));
    if (scopes.length !== origin.scopes.length) {
      adopted.push(`trustedOrigins[origin=${origin.origin}].scopes`);
      return scopes.length === 0 ? [] : [{ ...origin, scopes }];
    }
    return [origin];
  });

  if (app !== undefined && !document.app.implicitAssignment) {
    next.assignments.users = next.assignments.users.filter(({ login }) => {
      const user = snapshot.usersByLogin.get(login);
      const keep = user !== undefined && snapshot.appUserIds.has(user.id);
      if (!keep) {
        adopted.push(`assignments.users[login=${login}]`);
      }
      return keep;
    });
    next.assignments.groups = next.assignments.groups.filter(({ name }) => {
      const group = snapshot.groupsByName.get(name);
      const keep = group !== undefined && snapshot.appGroupIds.has(group.id);
      if (!keep) {
        adopted.push(`assignments.groups[name=${name}]`);
      }
      return keep;
    });
  }

  if (app !== undefined && next.issuer.kind === 'org' && next.issuer.groupsClaim !== undefined) {
    const held = snapshot.appGroupsClaim;
    if (JSON.stringify(held) !== JSON.stringify(next.issuer.groupsClaim)) {
      if (held === undefined) {
        delete next.issuer.groupsClaim;
      } else {
        next.issuer.groupsClaim = structuredClone(held);
      }
      adopted.push('issuer.groupsClaim');
    }
  }

  const parsed = setupDocumentSchema.safeParse(next);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new AdoptRefusedError(
      `Okta's value of ${problem?.path.join('.') ?? 'a field'} cannot be written into a setup document (${problem?.message ?? 'not a valid value'}), so nothing was adopted.`,
    );
  }
  return { document: parsed.data, adopted };
}
