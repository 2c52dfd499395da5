import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { SecretRequest, SetupApplied, SetupPlan } from '../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { readAppForDocument } from '../okta/app-document.ts';
import { appWriteLocks } from '../okta/app-write-lock.ts';
import { issuerUrl } from '../okta/issuer.ts';
import { requireGrantedScopes, tasksForSetup } from '../okta/least-privilege.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { readOrgSnapshot } from '../okta/org-snapshot.ts';
import { RequestCancelledError } from '../okta/request-scheduler.ts';
import { inRequestScope } from '../okta/request-scope.ts';
import { keepSetupDocument, setupFileName } from '../platform/kept-setup-documents.ts';
import { acquireLockFile, LockHeldError } from '../platform/lock-file.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import {
  ApplyCancelledError,
  ApplyIncompleteError,
  type ApplyProgress,
  type ApplyResult,
  applySetup,
  ChangedDuringApplyError,
  type NewSecret,
  PlanStaleError,
  SecretsCannotBeKeptError,
  SetupBlockedError,
} from './apply.ts';
import { createFileJournal, entriesFor, owedSecrets } from './apply-journal.ts';
import { listAppAssignments, listApps } from './existing-apps.ts';
import { type Plan, planSetup } from './plan.ts';
import type { BasisChange } from './plan-basis.ts';
import {
  adminLinksFor,
  cancelledApply,
  cancelledPlan,
  keychainWarning,
  refusedForKeychain,
} from './setup-messages.ts';

/** Cancels kept for operations the cancel overtook (see `cancel`); older ones are let go. */
const EARLY_CANCELS_KEPT = 20;

/** The plans main holds for the admin to apply, newest last; older ones are let go. */
const PLANS_KEPT = 20;

/** A plan the admin is reviewing: what to apply, where, and what it read. */
export interface HeldPlan {
  orgUrl: string;
  document: SetupDocument;
  plan: Plan;
}

/** What an apply of a reviewed plan comes to: applied, or refused because the org changed. */
export type ApplyOutcome =
  | { outcome: 'applied'; applied: SetupApplied }
  | { outcome: 'stale'; changes: BasisChange[]; fresh: { planId: string; plan: SetupPlan } };

/** The plan as the renderer sees it: steps and blockers (what it read stays in main). */
export function planView(plan: Plan): SetupPlan {
  return {
    blockers: plan.blockers,
    notes: plan.notes,
    steps: plan.steps.map(({ key, kind, action, title, changes }) => ({
      key,
      kind,
      action,
      title,
      changes,
    })),
  };
}

/**
 * Plans and applies setup documents against the active org, for the wizard and the CLI.
 *
 * @remarks
 * The engine (`main/setup/`) does the work; this service picks the org (the active profile),
 * keeps the journal in the console's data folder — one per document, shared by the console and
 * the CLI so either can resume the other — and puts what must stay secret, the client secret
 * and the test user's password, in the OS keychain, so the renderer only ever learns that they
 * are there. A plan is held here under an id: the admin applies exactly the plan they reviewed.
 */
export function createSetupService(deps: {
  /** The org the service acts on: the connected profile's in the console, the flags' on the CLI. */
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'get' | 'set' | 'checkAvailable'>;
  dataDir: string;
  emitProgress: (event: Parameters<ApplyProgress>[0] & { operationId: string }) => void;
  /**
   * Aborted: every apply (and plan with an operation id) of this service is cancelled, as by
   * `cancel` (the CLI's Ctrl-C).
   */
  interrupt?: AbortSignal;
}) {
  const { activeOrg } = deps;
  const held = new Map<string, HeldPlan>();
  /** The plans and applies running, by operation id: what cancels each. */
  const cancels = new Map<string, AbortController>();
  /** Cancels that arrived before their operation began (the cancel overtook its call). */
  const cancelledEarly = new Set<string>();

  /**
   * Runs a plan or an apply with its own signal, which {@link cancel} (or `interrupt`) aborts.
   *
   * @remarks
   * Registered before anything is awaited, so a cancel that comes while the org is still being
   * resolved or the lock taken stops the operation before its first request.
   */
  async function cancellable<T>(
    operationId: string,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const abort = () => {
      controller.abort();
    };
    if (cancelledEarly.delete(operationId) || deps.interrupt?.aborted === true) {
      abort();
    }
    deps.interrupt?.addEventListener('abort', abort, { once: true });
    cancels.set(operationId, controller);
    try {
      return await run(controller.signal);
    } finally {
      deps.interrupt?.removeEventListener('abort', abort);
      if (cancels.get(operationId) === controller) {
        cancels.delete(operationId);
      }
    }
  }

  function hold(plan: HeldPlan): string {
    const planId = randomUUID();
    held.set(planId, plan);
    for (const oldest of [...held.keys()].slice(0, Math.max(0, held.size - PLANS_KEPT))) {
      held.delete(oldest);
    }
    return planId;
  }

  function asAppError(error: unknown, org: { orgUrl: string; token: string }, action: string) {
    if (error instanceof ApplyCancelledError) {
      return cancelledApply(error);
    }
    if (error instanceof SecretsCannotBeKeptError) {
      return refusedForKeychain(error);
    }
    if (error instanceof SetupBlockedError) {
      return new AppError({
        code: 'SETUP_BLOCKED',
        message: error.message,
        hint: 'Change the setup so it names what the org has, or create it in the org first.',
      });
    }
    if (error instanceof ApplyIncompleteError) {
      return new AppError({
        code: 'OKTA_ERROR',
        message: error.message,
        hint: 'Review the plan again and apply it: it starts from what the org holds now, and the journal keeps what was done.',
      });
    }
    if (error instanceof ChangedDuringApplyError) {
      return new AppError({
        code: 'PLAN_STALE',
        message: error.message,
        hint: 'Review the plan again: it starts from where this apply stopped, and shows what changed.',
      });
    }
    if (error instanceof AppError) {
      return error;
    }
    return toOktaAppError(error, { orgUrl: org.orgUrl, token: org.token, action });
  }

  /** Runs a read against the active org, with Okta's failures explained. */
  async function withOrg<T>(action: string, run: (org: ActiveOrg) => Promise<T>): Promise<T> {
    const org = await activeOrg();
    try {
      return await run(org);
    } catch (error) {
      throw asAppError(error, org, action);
    }
  }

  /**
   * The journal of a document's applies in the data folder, the console's and the CLI's: named
   * by the setup's id when it is a plain name (a UUID, as `init` and the wizard make), else by
   * its hash — a document from elsewhere must not name a path outside the folder.
   */
  function journalFileOf(document: SetupDocument): string {
    return path.join(deps.dataDir, 'journals', `${setupFileName(document.id)}.jsonl`);
  }

  /**
   * Plans a document against the org, with what the plan read and what this computer owes.
   *
   * @remarks
   * With `signal`, the reads run in a request scope carrying it ({@link inRequestScope}): an
   * abort drops at once every read still waiting in the org's scheduler (for a rate limit's
   * reset, say), while the org's other operations keep their places. A read already sent is
   * answered and let go. An abort after the last read still stops the plan: the cancel was
   * answered as made, so no plan may follow it.
   */
  async function planFor(
    org: ActiveOrg,
    document: SetupDocument,
    signal?: AbortSignal,
  ): Promise<Plan> {
    /** A function, not `signal.aborted` inline: the compiler would keep it narrowed past awaits. */
    const stopIfCancelled = () => {
      if (signal?.aborted === true) {
        throw new RequestCancelledError();
      }
    };
    stopIfCancelled();
    requireGrantedScopes(
      org,
      tasksForSetup(document, { extra: [] }),
      `the setup of ${document.app.label}`,
    );
    const journal = createFileJournal(journalFileOf(document));
    const [snapshot, entries] = await Promise.all([
      inRequestScope({ signal, writesSent: 0 }, () => readOrgSnapshot(org.client, document)),
      journal.read(),
    ]);
    stopIfCancelled();
    return planSetup(
      document,
      snapshot,
      owedSecrets(entriesFor(entries, document, org.orgUrl), document),
      // Known from the answers to the reads just made: how many the org allows a minute.
      { appsPerMinute: org.scheduler.limitOf('apps') },
    );
  }

  /**
   * Applies `reviewed` (a plan of `document` the admin has seen) or, without it, the plan made
   * now; secrets go to the keychain the moment Okta hands them over.
   */
  /** The applies running in this process, by org and setup. */
  const running = new Set<string>();

  /**
   * Holds the document's apply for this process and for any other on this computer (the
   * console, a second window, the CLI): two applies of one setup at once would each pass the
   * stale-plan check before the other wrote, and make the same object twice.
   */
  async function lockApply(org: ActiveOrg, document: SetupDocument): Promise<() => Promise<void>> {
    const key = `${org.orgUrl} ${document.id}`;
    const busy = (detail: string) =>
      new AppError({
        code: 'APPLY_IN_PROGRESS',
        message: `This setup is already being applied to ${org.orgUrl} (${detail}), so this apply did not start.`,
        hint: 'Wait for that apply to finish, then review the plan again: it will show what is left.',
      });
    if (running.has(key)) {
      throw busy('from this window');
    }
    running.add(key);
    try {
      const release = await acquireLockFile(journalFileOf(document).replace(/\.jsonl$/, '.lock'));
      return async () => {
        running.delete(key);
        await release();
      };
    } catch (error) {
      running.delete(key);
      if (error instanceof LockHeldError) {
        throw busy(`by process ${String(error.holder.pid)} since ${error.holder.since}`);
      }
      throw error;
    }
  }

  async function applyDocument(
    org: ActiveOrg,
    document: SetupDocument,
    operationId: string,
    reviewed: Plan | undefined,
    signal: AbortSignal,
  ): Promise<ApplyOutcome> {
    const release = await lockApply(org, document);
    try {
      // Before the first write: an apply that stops midway has still made what the document
      // names, and `sso-console list` says which document an app came from.
      await keepSetupDocument(deps.dataDir, document);
      return await applyHeld(org, document, operationId, reviewed, signal);
    } finally {
      await release();
    }
  }

  /** Applies, with the document's apply held; see {@link applyDocument}. */
  async function applyHeld(
    org: ActiveOrg,
    document: SetupDocument,
    operationId: string,
    reviewed: Plan | undefined,
    signal: AbortSignal,
  ): Promise<ApplyOutcome> {
    let result: ApplyResult;
    try {
      result = await applySetup({
        signal,
        client: org.client,
        document,
        orgUrl: org.orgUrl,
        journal: createFileJournal(journalFileOf(document)),
        // The lock a login preview takes to add its temporary redirect URI to the same app.
        appWrites: appWriteLocks(path.join(deps.dataDir, 'journals')),
        secrets: {
          check: () => deps.secrets.checkAvailable(),
          keep: (secret) =>
            deps.secrets.set(
              secret.kind === 'client-secret'
                ? clientSecretAccount(org.orgUrl, secret.clientId)
                : testUserPasswordAccount(org.orgUrl, secret.login),
              secret.value,
            ),
        },
        ...(reviewed === undefined ? {} : { reviewed }),
        appsPerMinute: () => org.scheduler.limitOf('apps'),
        onProgress: (event) => {
          deps.emitProgress({ ...event, operationId });
        },
      });
    } catch (error) {
      if (error instanceof PlanStaleError) {
        const planId = hold({ orgUrl: org.orgUrl, document, plan: error.fresh });
        return {
          outcome: 'stale',
          changes: error.changes,
          fresh: { planId, plan: planView(error.fresh) },
        };
      }
      throw asAppError(error, org, 'applying the setup');
    }
    const testUser = document.assignments.testUser;
    const kept = (kind: NewSecret['kind']) =>
      result.secrets.some((secret) => secret.kind === kind && secret.kept);
    return {
      outcome: 'applied',
      applied: {
        orgUrl: org.orgUrl,
        appId: result.appId,
        clientId: result.clientId,
        issuer: issuerUrl(org.orgUrl, result.authServerId),
        authServerId: result.authServerId ?? null,
        clientSecretStored: kept('client-secret'),
        testUserLogin: kept('test-user-password') && testUser !== undefined ? testUser.email : null,
        steps: result.steps,
        adminLinks: adminLinksFor(org.orgUrl, document, result),
        keychainWarning: keychainWarning(result),
      },
    };
  }

  /** Applies the plan held under `planId`; see `applyPlan`. */
  async function applyHeldPlan(
    planId: string,
    operationId: string,
    signal: AbortSignal,
  ): Promise<ApplyOutcome> {
    const org = await activeOrg();
    const plan = held.get(planId);
    if (plan === undefined) {
      throw new AppError({
        code: 'PLAN_NOT_FOUND',
        message:
          'The console no longer holds the plan you reviewed (it was made before the console restarted, or many plans ago), so nothing was applied.',
        hint: 'Review the plan again, then apply it.',
      });
    }
    if (plan.orgUrl !== org.orgUrl) {
      throw new AppError({
        code: 'PLAN_NOT_FOUND',
        message: `The plan you reviewed was made for ${plan.orgUrl}, but the connected org is now ${org.orgUrl}, so nothing was applied.`,
        hint: 'Review the plan again against the connected org, then apply it.',
      });
    }
    const outcome = await applyDocument(org, plan.document, operationId, plan.plan, signal);
    if (outcome.outcome === 'applied') {
      // Applied once: a second apply of it would be of an org it no longer describes.
      held.delete(planId);
    }
    return outcome;
  }

  return {
    /**
     * Plans a document and holds the plan, for the admin to review and apply by its id.
     *
     * @remarks
     * With `operationId` (the wizard's), {@link cancel} stops it while it reads — a plan held
     * by Okta's rate limit can wait a minute — and it answers `CANCELLED` (see
     * {@link cancelledPlan}), holding no plan. Without one it runs to the end.
     */
    plan(
      document: SetupDocument,
      operationId?: string,
    ): Promise<{ planId: string; plan: SetupPlan }> {
      const run = async (signal?: AbortSignal) => {
        const org = await activeOrg();
        try {
          const plan = await planFor(org, document, signal);
          return { planId: hold({ orgUrl: org.orgUrl, document, plan }), plan: planView(plan) };
        } catch (error) {
          // Whatever the SDK made of the dropped read: the admin asked for this stop.
          if (signal?.aborted === true) {
            throw cancelledPlan(error);
          }
          throw asAppError(error, org, 'reading the org for the plan');
        }
      };
      return operationId === undefined ? run() : cancellable(operationId, run);
    },

    /**
     * A plan of `document` with what it read, for the CLI's plan file and its `apply`. The
     * service's `interrupt` (Ctrl+C) stops it while it reads, as {@link cancel} stops the
     * wizard's, so a plan held by a rate limit is not finished and then asked about.
     */
    planToKeep(document: SetupDocument): Promise<HeldPlan> {
      return cancellable(`plan-to-keep:${randomUUID()}`, async (signal) => {
        const org = await activeOrg();
        try {
          return { orgUrl: org.orgUrl, document, plan: await planFor(org, document, signal) };
        } catch (error) {
          if (signal.aborted) {
            throw cancelledPlan(error);
          }
          throw asAppError(error, org, 'reading the org for the plan');
        }
      });
    },

    /**
     * Applies the plan held under `planId`, exactly: refused (nothing written) when the org
     * changed since it was made, and then answered with the changes and a fresh plan to review.
     */
    applyPlan(planId: string, operationId: string): Promise<ApplyOutcome> {
      return cancellable(operationId, (signal) => applyHeldPlan(planId, operationId, signal));
    },

    /**
     * Cancels the plan or apply running under `operationId`: it stops before its next request
     * to Okta and answers `CANCELLED` — a plan having changed nothing (see
     * {@link cancelledPlan}), an apply saying what it made (see {@link cancelledApply}).
     * Answers whether one was running; a cancel that overtook its operation's start is kept,
     * and stops it at once.
     */
    cancel(operationId: string): boolean {
      const controller = cancels.get(operationId);
      if (controller === undefined) {
        cancelledEarly.add(operationId);
        for (const oldest of [...cancelledEarly].slice(
          0,
          Math.max(0, cancelledEarly.size - EARLY_CANCELS_KEPT),
        )) {
          cancelledEarly.delete(oldest);
        }
        return false;
      }
      controller.abort();
      return true;
    },

    /**
     * Applies a plan kept outside the console (the CLI's plan file), or — without `reviewed` —
     * plans and applies in one go (`sso-console apply FILE --yes`).
     */
    applyReviewed(
      document: SetupDocument,
      operationId: string,
      reviewed?: HeldPlan,
    ): Promise<ApplyOutcome> {
      return cancellable(operationId, async (signal) => {
        const org = await activeOrg();
        if (reviewed !== undefined && reviewed.orgUrl !== org.orgUrl) {
          throw new AppError({
            code: 'PLAN_NOT_FOUND',
            message: `The plan was made for ${reviewed.orgUrl}, not for ${org.orgUrl}, so nothing was applied.`,
            hint: `Apply it with --org-url ${reviewed.orgUrl}, or make a plan for this org with \`sso-console plan FILE --out PLANFILE\`.`,
          });
        }
        return applyDocument(org, document, operationId, reviewed?.plan, signal);
      });
    },

    /** Where the journal of `document` is kept, for the CLI to say. */
    journalFileOf,

    /** App integrations whose label starts with `query`, one page; see {@link listApps}. */
    async listApps(query: string) {
      return withOrg('listing app integrations', (org) => listApps(org.client, query));
    },

    /** An existing app in the document's terms; see {@link readAppForDocument}. */
    async readApp(appId: string) {
      return withOrg('reading the app integration', (org) =>
        readAppForDocument(org.client, appId, org.orgUrl),
      );
    },

    /** Who can sign in to the document's app, one page; see {@link listAppAssignments}. */
    async assignments(document: SetupDocument) {
      return withOrg('reading the app’s assignments', (org) =>
        listAppAssignments(org.client, document),
      );
    },

    /**
     * A secret this console kept for the active org, for the admin who asked to see it.
     *
     * @remarks
     * The only way a secret leaves main. Per org: the account names the active org's URL, so a
     * secret kept for another org is never answered. Nothing here logs the value, and the
     * dispatcher logs only the channel and error code of a call, never its answer.
     */
    async revealSecret(request: SecretRequest): Promise<{ value: string }> {
      const org = await activeOrg();
      const account =
        request.secret === 'client-secret'
          ? clientSecretAccount(org.orgUrl, request.clientId)
          : testUserPasswordAccount(org.orgUrl, request.login);
      const value = await deps.secrets.get(account);
      if (value !== null) {
        return { value };
      }
      throw new AppError(
        request.secret === 'client-secret'
          ? {
              code: 'SECRET_NOT_FOUND',
              message: `This machine's keychain holds no client secret for client ${request.clientId} of ${org.orgUrl}. The console keeps a client secret only for the apps it created or re-keyed on this machine, and Okta never shows a secret again.`,
              hint: 'Generate a new client secret for the app in the Okta Admin Console (Applications › the app › Client secrets), or run the setup again from this machine.',
            }
          : {
              code: 'SECRET_NOT_FOUND',
              message: `This machine's keychain holds no password for ${request.login} on ${org.orgUrl}. The console keeps a test user's password only when it created the user on this machine.`,
              hint: 'Reset the user’s password in Okta (Directory › People › the user › Reset password), or sign in with a user whose password you know.',
            },
      );
    },
  };
}

/** The setup service; see {@link createSetupService}. */
export type SetupService = ReturnType<typeof createSetupService>;
