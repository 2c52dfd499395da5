import { redirectStrategySchema } from '../../shared/ipc/contract.ts';
import { type DriftService, targetFileAt } from '../drift/drift-service.ts';
import type { ExportService } from '../export/export-service.ts';
import { checkBeforeMaking, type KeychainChoice } from '../platform/secrets/keychain-choice.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import type { PreviewService } from '../preview/preview-service.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { RotationService } from '../rotation/rotation-service.ts';
import type { DirectorySearch } from '../setup/directory-search.ts';
import type { SetupService } from '../setup/setup-service.ts';
import type { DayTwoService } from './day-two.ts';
import type { Handlers } from './dispatcher.ts';

/**
 * The contract's handlers, each a thin call into a service.
 *
 * @remarks
 * Handlers only adapt shapes; the work and the rules live in services, which run and are tested
 * in plain Node.
 */
export function createHandlers(deps: {
  mode: 'electron' | 'browser';
  version: string;
  profiles: ProfileService;
  setup: SetupService;
  directory: DirectorySearch;
  preview: PreviewService;
  exports: ExportService;
  dayTwo: DayTwoService;
  /** Secret rotation; its `revealNewSecret` is the command line's alone and has no channel. */
  rotations: RotationService<ExportService>;
  drift: DriftService;
  secrets: Pick<SecretStore, 'info' | 'checkAvailable'>;
  /** Where secrets go: the keychain, or this session's memory once the admin chose it. */
  keychain: Pick<KeychainChoice, 'status' | 'keepInSessionMemory'>;
}): Handlers {
  return {
    'app:get-info': () =>
      Promise.resolve({ mode: deps.mode, version: deps.version, secretStore: deps.secrets.info() }),
    'keychain:status': () => deps.keychain.status(),
    // The request's `consequencesRead: true` is the admin's explicit choice; nothing else calls it.
    'keychain:keep-in-memory': () => deps.keychain.keepInSessionMemory(),
    'profiles:list': () => deps.profiles.list(),
    'profiles:add': async (request) => ({ profile: await deps.profiles.add(request) }),
    'profiles:add-sandbox': async ({ operationId }) => ({
      profile: await deps.profiles.addSandbox(operationId ?? null),
    }),
    'profiles:new-service-app-key': (request) => deps.profiles.newServiceAppKey(request),
    'profiles:add-service-app': async (request) => ({
      profile: await deps.profiles.addServiceApp(request),
    }),
    'profiles:create-service-app': async (request) => ({
      profile: await deps.profiles.createServiceApp(request),
    }),
    'profiles:forget-token': ({ profileId }) => deps.profiles.forgetToken(profileId),
    'profiles:cancel-connect': ({ operationId }) =>
      Promise.resolve({ cancelled: deps.profiles.cancelConnect(operationId) }),
    'profiles:verify': async ({ profileId }) => ({
      profile: await deps.profiles.verify(profileId),
    }),
    'profiles:switch': ({ profileId }) => deps.profiles.switchTo(profileId),
    'profiles:remove': ({ profileId }) => deps.profiles.remove(profileId),
    'directory:search-users': ({ query }) => deps.directory.users(query),
    'directory:search-groups': ({ query }) => deps.directory.groups(query),
    'setup:plan': ({ document, operationId }) => deps.setup.plan(document, operationId),
    'setup:apply': ({ planId, operationId }) => deps.setup.applyPlan(planId, operationId),
    'setup:cancel': ({ operationId }) =>
      Promise.resolve({ cancelled: deps.setup.cancel(operationId) }),
    'setup:list-apps': ({ query }) => deps.setup.listApps(query),
    'setup:read-app': ({ appId }) => deps.setup.readApp(appId),
    'setup:assignments': ({ document }) => deps.setup.assignments(document),
    // The answer is a secret: the dispatcher never logs answers, and nothing here may either.
    'setup:reveal-secret': (request) => deps.setup.revealSecret(request),
    'preview:start': async (request) => {
      if (request.user.kind === 'throwaway') {
        // A throwaway user's password is a secret made in the org: the store must keep it first.
        await checkBeforeMaking(
          deps.secrets,
          'The preview did not start, and made no throwaway user: its password could not be kept.',
        );
      }
      return deps.preview.start(request);
    },
    'preview:wait': ({ previewId }) => deps.preview.wait(previewId),
    'preview:paste-callback': ({ previewId, url }) => {
      deps.preview.pasteCallback(previewId, url);
      return Promise.resolve({});
    },
    'preview:cancel': ({ previewId }) => {
      deps.preview.cancel(previewId);
      return Promise.resolve({});
    },
    'preview:fix': ({ document, fix }) => Promise.resolve(deps.preview.fix(document, fix)),
    'export:targets': () => Promise.resolve(deps.exports.targets()),
    'export:render': (request) => deps.exports.render(request),
    // The answer may hold the secret, for the admin who asked to copy or download the file.
    'export:reveal-file': (request) => Promise.resolve(deps.exports.revealFile(request)),
    'export:save': (request) => deps.exports.save(request),
    'export:verify-start': (request) => deps.exports.verifyStart(request),
    'export:verify-wait': ({ verificationId }) => deps.exports.verifyWait(verificationId),
    'export:verify-paste': ({ verificationId, url }) => {
      deps.exports.verifyPaste(verificationId, url);
      return Promise.resolve({});
    },
    'export:verify-cancel': async ({ verificationId }) => {
      await deps.exports.verifyCancel(verificationId);
      return {};
    },
    'managed-apps:list': () => deps.dayTwo.listApps(),
    'managed-apps:document': ({ setupId }) => deps.dayTwo.document(setupId),
    'teardown:plan': ({ setupId }) => deps.dayTwo.planTeardown(setupId),
    'teardown:apply': (request) => deps.dayTwo.applyTeardown(request),
    'activity:list': (request) => deps.dayTwo.listActivity(request),
    'activity:page': ({ cursor }) => deps.dayTwo.activityPage(cursor),
    'rotation:status': ({ appId }) => deps.rotations.status({ appId }),
    'rotation:start': ({ appId }) => deps.rotations.start({ appId }),
    // Always referenced: the new secret goes to the keychain, never to the window.
    'rotation:render': ({ appId, target }) =>
      deps.rotations.render({ appId, target, inlineSecret: false }),
    'rotation:save': (request) => deps.rotations.files.save(request),
    'rotation:verify-start': ({ appId, renderId, login }) =>
      deps.rotations.verifyStart({
        appId,
        renderId,
        ...(login === undefined ? {} : { user: { kind: 'existing' as const, login } }),
      }),
    'rotation:verify-wait': ({ verificationId }) => deps.rotations.verifyWait({ verificationId }),
    'rotation:verify-paste': (request) => {
      deps.rotations.verifyPaste(request);
      return Promise.resolve({});
    },
    'rotation:verify-cancel': async ({ verificationId }) => {
      await deps.rotations.verifyCancel({ verificationId });
      return {};
    },
    'rotation:finish': ({ appId }) =>
      deps.rotations.finish({ appId, confirmTargetRunsOnNewSecret: true }),
    'rotation:cancel': ({ appId }) => deps.rotations.cancel({ appId }),
    'drift:check': ({ appId }) => deps.drift.check(appId),
    'drift:adopt': ({ appId }) => deps.drift.adopt(appId),
    'drift:restore': ({ appId }) => deps.drift.restore(appId),
    'drift:check-target': ({ appId, target, path }) =>
      deps.drift.checkTargetAt(appId, target, path),
    'drift:target-sign-in-start': async ({ appId, target, path, login }) => {
      const { report, signIn } = await deps.drift.startTargetSignIn(
        appId,
        target,
        await targetFileAt(path),
        login === undefined ? {} : { login },
      );
      return {
        report,
        signIn:
          signIn === null
            ? null
            : {
                verificationId: signIn.verificationId,
                authorizeUrl: signIn.authorizeUrl,
                strategy: redirectStrategySchema.parse(signIn.strategy),
                user: signIn.user,
              },
      };
    },
    'drift:target-sign-in-wait': ({ verificationId }) =>
      deps.drift.finishTargetSignIn(verificationId),
    'drift:target-sign-in-paste': ({ verificationId, url }) => {
      deps.drift.pasteTargetSignIn(verificationId, url);
      return Promise.resolve({});
    },
    'drift:target-sign-in-cancel': async ({ verificationId }) => {
      await deps.drift.cancelTargetSignIn(verificationId);
      return {};
    },
  };
}
