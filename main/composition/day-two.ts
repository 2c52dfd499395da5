import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type {
  ActivityEntry,
  ChannelResponse,
  ManagedAppView,
  ParsedChannelRequest,
  TeardownPlanView,
} from '../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import {
  type ActivityApp,
  type ActivityFilters,
  createSignInActivityService,
} from '../activity/sign-in-activity.ts';
import { readVerifications } from '../export/verification-record.ts';
import { listManagedApps } from '../managed-apps/managed-apps.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { readKeptSetupDocuments } from '../platform/kept-setup-documents.ts';
import { acquireLockFile, LockHeldError } from '../platform/lock-file.ts';
import { previewJournals } from '../preview/preview-run.ts';
import { THROWAWAY_LOGIN_PREFIX } from '../preview/throwaway-user.ts';
import { createFileJournal } from '../setup/apply-journal.ts';
import { destroySetup, planTeardownFromOrg, type TeardownDeps } from '../teardown/teardown.ts';
import type { TeardownPlan } from '../teardown/teardown-plan.ts';
import { planDrift } from './day-two-wiring.ts';

/**
 * The console's day-two work on the connected org: the managed apps, the teardown of a setup,
 * and one app's sign-in activity — the same services `sso-console list`, `destroy` and `logs`
 * run, wired for the window.
 *
 * @remarks
 * Lives in the composition root because it joins domains (managed apps, setup's planner and
 * journal, the preview's throwaway journal, teardown, activity) that may not import each other.
 * What the renderer names — a reviewed teardown, the next page of activity — it names by an
 * opaque id that main holds: the System Log's `next` link is a URL the API token is sent to, so
 * it never comes from the page.
 */

/** How many activity cursors main keeps; the oldest is forgotten first. */
const MAX_CURSORS = 200;
/** How long the label and client id of an app whose activity is read are reused. */
const APP_KEPT_MS = 5 * 60_000;
/** How many reviewed teardowns main keeps at once. */
const MAX_TEARDOWN_PLANS = 20;

/** A teardown the admin reviewed, held until they confirm it. */
interface HeldTeardown {
  orgUrl: string;
  document: SetupDocument;
  plan: TeardownPlan;
}

/** The page after an activity answer, as Okta's `next` link and the filters it was read with. */
interface HeldCursor {
  orgUrl: string;
  next: string;
  filters: ActivityFilters;
}

/** Adds to a map that keeps at most `max` entries, forgetting the oldest first. */
function keepAtMost<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) {
      break;
    }
    map.delete(oldest);
  }
}

/** What the day-two service needs. */
export interface DayTwoDeps {
  activeOrg: () => Promise<ActiveOrg>;
  dataDir: string;
  /** The setup's journal file (the apply's), whose lock a teardown holds too. */
  journalFileOf: (document: SetupDocument) => string;
  /** Forgets a keychain entry once the object its secret opens is gone. */
  forgetSecret: (account: string) => Promise<unknown>;
  /** Tells the renderer how a teardown goes. */
  emitTeardownProgress: (payload: {
    operationId: string;
    key: string;
    title: string;
    state: 'removing' | 'removed' | 'retrying';
  }) => void;
  now?: () => Date;
}

/** Builds the day-two service; see the module comment. */
export function createDayTwoService(deps: DayTwoDeps) {
  const now = deps.now ?? (() => new Date());
  const teardowns = new Map<string, HeldTeardown>();
  const cursors = new Map<string, HeldCursor>();
  const activity = createSignInActivityService({ activeOrg: deps.activeOrg, now });

  async function keptDocument(setupId: string): Promise<SetupDocument> {
    const kept = (await readKeptSetupDocuments(deps.dataDir)).find(
      ({ document }) => document.id === setupId,
    );
    if (kept === undefined) {
      throw new AppError({
        code: 'SETUP_BLOCKED',
        message: `No setup document with id "${setupId}" is kept in the console's data folder, so the console cannot tell what this setup made.`,
        hint: 'Refresh the managed apps: the list names the document each app came from. An app without one was made on another computer; open its setup file there.',
      });
    }
    return kept.document;
  }

  function teardownDeps(org: ActiveOrg, document: SetupDocument): TeardownDeps {
    const throwaways = previewJournals(path.join(deps.dataDir, 'journals')).throwaways;
    return {
      client: org.client,
      document,
      orgUrl: org.orgUrl,
      journal: createFileJournal(deps.journalFileOf(document)),
      throwaways: { read: () => throwaways.read(), prefix: THROWAWAY_LOGIN_PREFIX },
    };
  }

  const failure = (org: ActiveOrg, action: string) => (error: unknown) => {
    throw toOktaAppError(error, { orgUrl: org.orgUrl, token: org.token, action });
  };

  /**
   * The app whose activity is read, by id: read once and kept a few minutes, so polling every
   * few seconds costs one System Log request, not an apps request beside it.
   */
  const apps = new Map<string, { app: ActivityApp; readAt: number }>();
  async function appOf(orgUrl: string, appId: string): Promise<ActivityApp> {
    const key = `${orgUrl} ${appId}`;
    const kept = apps.get(key);
    if (kept !== undefined && now().getTime() - kept.readAt < APP_KEPT_MS) {
      return kept.app;
    }
    const app = await activity.app(appId);
    keepAtMost(apps, key, { app, readAt: now().getTime() }, MAX_CURSORS);
    return app;
  }

  /** A cursor for the page after `next`, or `null` at the end. */
  function cursorFor(orgUrl: string, next: string | null, filters: ActivityFilters) {
    if (next === null) {
      return null;
    }
    const cursor = randomUUID();
    keepAtMost(cursors, cursor, { orgUrl, next, filters }, MAX_CURSORS);
    return cursor;
  }

  return {
    /** Every app the console created or adopted in the connected org, as `list` shows them. */
    async listApps(): Promise<{ orgUrl: string; apps: ManagedAppView[] }> {
      const org = await deps.activeOrg();
      const [documents, verifications] = await Promise.all([
        readKeptSetupDocuments(deps.dataDir),
        readVerifications(deps.dataDir),
      ]);
      const apps = await listManagedApps({
        client: org.client,
        orgUrl: org.orgUrl,
        documents,
        verifications,
        now: now(),
        hasDrift: planDrift(deps.dataDir, org.orgUrl),
      }).catch(failure(org, 'listing the managed apps'));
      return { orgUrl: org.orgUrl, apps };
    },

    /** The kept document of a setup, for the wizard to open. */
    async document(setupId: string): Promise<{ document: SetupDocument }> {
      return { document: await keptDocument(setupId) };
    },

    /** Plans the teardown of a setup from the org as it is now; held for the admin to confirm. */
    async planTeardown(setupId: string): Promise<TeardownPlanView> {
      const document = await keptDocument(setupId);
      const org = await deps.activeOrg();
      const plan = await planTeardownFromOrg(teardownDeps(org, document)).catch(
        failure(org, 'planning the teardown'),
      );
      const planId = randomUUID();
      keepAtMost(teardowns, planId, { orgUrl: org.orgUrl, document, plan }, MAX_TEARDOWN_PLANS);
      return {
        planId,
        orgUrl: org.orgUrl,
        removals: plan.removals.map(({ key, kind, title, objectId, why }) => ({
          key,
          kind,
          title,
          objectId,
          why,
        })),
        leftAlone: plan.leftAlone,
        keychainEntries: plan.secrets.length,
      };
    },

    /**
     * Removes exactly the reviewed teardown, holding the setup's lock so no apply of it runs
     * meanwhile. An error leaves the journal to resume from: planning again shows what is left.
     */
    async applyTeardown(
      request: ParsedChannelRequest<'teardown:apply'>,
    ): Promise<ChannelResponse<'teardown:apply'>> {
      const held = teardowns.get(request.planId);
      if (held === undefined) {
        throw new AppError({
          code: 'PLAN_NOT_FOUND',
          message:
            'The teardown you confirmed is no longer held by the console (it was restarted, or the teardown already ran).',
          hint: 'Open the teardown again to review what is left, then confirm.',
        });
      }
      const org = await deps.activeOrg();
      if (org.orgUrl !== held.orgUrl) {
        throw new AppError({
          code: 'PLAN_STALE',
          message: `The teardown was planned for ${held.orgUrl}, but the connected org is now ${org.orgUrl}. Nothing was removed.`,
          hint: `Switch back to ${held.orgUrl} and review the teardown again.`,
        });
      }
      const journalFile = deps.journalFileOf(held.document);
      let release: () => Promise<void>;
      try {
        release = await acquireLockFile(journalFile.replace(/\.jsonl$/, '.lock'));
      } catch (error) {
        if (error instanceof LockHeldError) {
          throw new AppError({
            code: 'APPLY_IN_PROGRESS',
            message: `This setup is being applied or torn down elsewhere (process ${String(error.holder.pid)} since ${error.holder.since}). Nothing was removed.`,
            hint: 'Wait for it to finish, then review the teardown again.',
          });
        }
        throw error;
      }
      try {
        const result = await destroySetup({
          ...teardownDeps(org, held.document),
          reviewed: held.plan,
          forgetSecret: deps.forgetSecret,
          onProgress: (event) => {
            deps.emitTeardownProgress({ operationId: request.operationId, ...event });
          },
        }).catch(failure(org, 'tearing the setup down'));
        teardowns.delete(request.planId);
        return {
          removed: result.removed.map(({ key, title }) => ({ key, title })),
          keychainEntriesForgotten: result.forgotten.length,
          keychainWarning: result.keychainWarning,
        };
      } finally {
        await release();
      }
    },

    /** One app's sign-ins since a time, newest first; later pages through the cursor. */
    async listActivity(
      request: ParsedChannelRequest<'activity:list'>,
    ): Promise<ChannelResponse<'activity:list'>> {
      const org = await deps.activeOrg();
      const filters: ActivityFilters = {
        ...(request.user === undefined || request.user === '' ? {} : { user: request.user }),
        ...(request.outcome === undefined ? {} : { outcome: request.outcome }),
      };
      const read = async () => {
        const app = await appOf(org.orgUrl, request.appId);
        const page = await activity.list({
          app,
          filters,
          since: new Date(request.since),
          ...(request.limit === undefined ? {} : { limit: request.limit }),
        });
        return { app, page };
      };
      const { app, page } = await read().catch(failure(org, 'reading the sign-in activity'));
      return {
        app: { id: app.id, label: app.label, clientId: app.clientId },
        entries: page.entries satisfies ActivityEntry[],
        cursor: cursorFor(org.orgUrl, page.next, filters),
      };
    },

    /** The page a cursor names. */
    async activityPage(cursor: string): Promise<ChannelResponse<'activity:page'>> {
      const held = cursors.get(cursor);
      if (held === undefined) {
        throw new AppError({
          code: 'PLAN_NOT_FOUND',
          message:
            'The console no longer holds that page of sign-in activity (it was restarted, or many pages were read since).',
          hint: 'Refresh the activity to start again from the newest sign-ins.',
        });
      }
      const org = await deps.activeOrg();
      if (org.orgUrl !== held.orgUrl) {
        throw new AppError({
          code: 'PLAN_STALE',
          message: `That page of activity is from ${held.orgUrl}, but the connected org is now ${org.orgUrl}.`,
          hint: 'Refresh the activity for the connected org.',
        });
      }
      const page = await activity
        .page(held.next, held.filters)
        .catch(failure(org, 'reading the sign-in activity'));
      cursors.delete(cursor);
      return { entries: page.entries, cursor: cursorFor(org.orgUrl, page.next, held.filters) };
    },
  };
}

/** The day-two service; see {@link createDayTwoService}. */
export type DayTwoService = ReturnType<typeof createDayTwoService>;
