import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import type { AdminLink, SecretRequest, SetupApplied } from '../../shared/ipc/contract.ts';
import { adminConsoleUrl } from '../../shared/okta/org-url.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { readAppForDocument } from '../okta/app-document.ts';
import { issuerUrl } from '../okta/issuer.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { readOrgSnapshot } from '../okta/org-snapshot.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { type ApplyProgress, type ApplyResult, applySetup, SetupBlockedError } from './apply.ts';
import { createFileJournal } from './apply.ts';
import { listAppAssignments, listOidcApps } from './existing-apps.ts';
import { type Plan, planSetup } from './plan.ts';

/**
 * Links to what an apply touched, in the org's Admin Console.
 *
 * @remarks
 * Built, not read from Okta: the API's `_links` point at API resources, not Admin Console pages.
 * An org without a known Admin Console host (the sandbox, a custom domain) gets none rather than
 * links that lead nowhere; see {@link adminConsoleUrl}.
 */
export function adminLinksFor(
  orgUrl: string,
  document: SetupDocument,
  applied: Pick<ApplyResult, 'appId' | 'authServerId' | 'objects'>,
): AdminLink[] {
  const admin = adminConsoleUrl(orgUrl);
  if (admin === null) {
    return [];
  }
  const at = (path: string) => `${admin}${path}`;
  const links: AdminLink[] = [
    {
      title: `App integration “${document.app.label}”`,
      url: at(`/admin/app/oidc_client/instance/${encodeURIComponent(applied.appId)}/#tab-general`),
    },
  ];
  if (applied.authServerId !== undefined) {
    links.push({
      title: `Authorization server ${applied.authServerId}`,
      url: at(`/admin/oauth2/as/${encodeURIComponent(applied.authServerId)}`),
    });
  }
  const testUser = document.assignments.testUser;
  if (testUser !== undefined && applied.objects.testUserId !== undefined) {
    links.push({
      title: `Test user ${testUser.email}`,
      url: at(`/admin/user/profile/view/${encodeURIComponent(applied.objects.testUserId)}`),
    });
  }
  for (const group of applied.objects.groups) {
    links.push({
      title: `Group “${group.name}”`,
      url: at(`/admin/group/${encodeURIComponent(group.id)}`),
    });
  }
  if (document.trustedOrigins.length > 0) {
    links.push({ title: 'Trusted origins', url: at('/admin/access/api/trusted_origins') });
  }
  return links;
}

/**
 * Plans and applies setup documents against the active org, for the wizard.
 *
 * @remarks
 * The engine (`main/setup/`) does the work; this service picks the org (the active profile),
 * keeps the journal in the console's data folder, and puts what must stay secret — the client
 * secret, the test user's password — in the OS keychain, so the renderer only ever learns that
 * they are there.
 */
export function createSetupService(deps: {
  /** The org the service acts on: the connected profile's in the console, the flags' on the CLI. */
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'get' | 'set'>;
  dataDir: string;
  emitProgress: (event: Parameters<ApplyProgress>[0] & { operationId: string }) => void;
}) {
  const { activeOrg } = deps;

  function asAppError(error: unknown, org: { orgUrl: string; token: string }, action: string) {
    if (error instanceof SetupBlockedError) {
      return new AppError({
        code: 'SETUP_BLOCKED',
        message: error.message,
        hint: 'Change the setup so it names what the org has, or create it in the org first.',
      });
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

  return {
    async plan(document: SetupDocument): Promise<Plan> {
      const org = await activeOrg();
      try {
        return planSetup(document, await readOrgSnapshot(org.client, document));
      } catch (error) {
        throw asAppError(error, org, 'reading the org for the plan');
      }
    },

    /**
     * Applies the document, keeping the secrets it creates in the keychain.
     *
     * @param options - `journalFile`: where the apply journal goes; the console keeps it in its
     * data folder, the CLI beside the setup document the admin named.
     */
    async apply(
      document: SetupDocument,
      operationId: string,
      options: { journalFile?: string } = {},
    ): Promise<SetupApplied> {
      const org = await activeOrg();
      const journalFile =
        options.journalFile ?? path.join(deps.dataDir, 'journals', `${document.id}.jsonl`);
      try {
        const result = await applySetup({
          client: org.client,
          document,
          journal: createFileJournal(journalFile),
          onProgress: (event) => {
            deps.emitProgress({ ...event, operationId });
          },
        });
        if (result.clientSecret !== undefined) {
          await deps.secrets.set(
            clientSecretAccount(org.orgUrl, result.clientId),
            result.clientSecret,
          );
        }
        const testUser = document.assignments.testUser;
        if (result.testUserPassword !== undefined && testUser !== undefined) {
          await deps.secrets.set(
            testUserPasswordAccount(org.orgUrl, testUser.email),
            result.testUserPassword,
          );
        }
        return {
          orgUrl: org.orgUrl,
          appId: result.appId,
          clientId: result.clientId,
          issuer: issuerUrl(org.orgUrl, result.authServerId),
          authServerId: result.authServerId ?? null,
          clientSecretStored: result.clientSecret !== undefined,
          testUserLogin:
            result.testUserPassword !== undefined && testUser !== undefined ? testUser.email : null,
          steps: result.steps,
          adminLinks: adminLinksFor(org.orgUrl, document, result),
        };
      } catch (error) {
        throw asAppError(error, org, 'applying the setup');
      }
    },

    /** OIDC app integrations whose label starts with `query`, one page; see {@link listOidcApps}. */
    async listApps(query: string) {
      return withOrg('listing app integrations', (org) => listOidcApps(org.client, query));
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
