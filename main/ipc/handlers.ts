import { AppError } from '../../shared/errors.ts';
import type { PreviewService } from '../services/preview/preview-service.ts';
import type { ProfileService } from '../services/profiles/profile-service.ts';
import type { SecretStore } from '../services/secrets/secret-store.ts';
import type { DirectorySearch } from '../services/setup/directory-search.ts';
import type { SetupService } from '../services/setup/setup-service.ts';
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
  secrets: Pick<SecretStore, 'info'>;
}): Handlers {
  return {
    'app:get-info': () =>
      Promise.resolve({ mode: deps.mode, version: deps.version, secretStore: deps.secrets.info() }),
    'profiles:list': () => deps.profiles.list(),
    'profiles:add': async (request) => ({ profile: await deps.profiles.add(request) }),
    'profiles:add-sandbox': async ({ operationId }) => ({
      profile: await deps.profiles.addSandbox(operationId ?? null),
    }),
    'profiles:verify': async ({ profileId }) => ({
      profile: await deps.profiles.verify(profileId),
    }),
    'profiles:switch': ({ profileId }) => deps.profiles.switchTo(profileId),
    'profiles:remove': ({ profileId }) => deps.profiles.remove(profileId),
    'directory:search-users': ({ query }) => deps.directory.users(query),
    'directory:search-groups': ({ query }) => deps.directory.groups(query),
    'setup:plan': async ({ document }) => ({ plan: await deps.setup.plan(document) }),
    'setup:apply': ({ document, operationId }) => deps.setup.apply(document, operationId),
    'setup:list-apps': ({ query }) => deps.setup.listApps(query),
    'setup:read-app': ({ appId }) => deps.setup.readApp(appId),
    'setup:assignments': ({ document }) => deps.setup.assignments(document),
    // The answer is a secret: the dispatcher never logs answers, and nothing here may either.
    'setup:reveal-secret': (request) => deps.setup.revealSecret(request),
    'preview:start': (request) => deps.preview.start(request),
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
    ...exportHandlersPending(),
  };
}

/** The export channels until the export service lands (same day): a clear refusal, not a fake. */
function exportHandlersPending(): Pick<
  Handlers,
  | 'export:targets'
  | 'export:render'
  | 'export:reveal-file'
  | 'export:save'
  | 'export:verify-start'
  | 'export:verify-wait'
  | 'export:verify-paste'
  | 'export:verify-cancel'
> {
  const refuse = () =>
    Promise.reject(
      new AppError({
        code: 'INTERNAL',
        message: 'Export is not available in this build yet.',
        hint: 'Use a later build.',
      }),
    );
  return {
    'export:targets': refuse,
    'export:render': refuse,
    'export:reveal-file': refuse,
    'export:save': refuse,
    'export:verify-start': refuse,
    'export:verify-wait': refuse,
    'export:verify-paste': refuse,
    'export:verify-cancel': refuse,
  };
}
