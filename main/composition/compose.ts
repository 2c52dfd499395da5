import type { EventName, EventPayload } from '../../shared/ipc/contract.ts';
import { createExportService } from '../export/export-service.ts';
import { createActiveOrg, createOrgSchedulers } from '../okta/active-org.ts';
import { createOktaClient } from '../okta/okta-client.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { createKeychainChoice } from '../platform/secrets/keychain-choice.ts';
import { rememberingSecretStore } from '../platform/secrets/remembering-secret-store.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import { createPreviewService } from '../preview/preview-service.ts';
import { createFileProfileRepository } from '../profiles/profile-repository.ts';
import { createProfileService, type ProfileService } from '../profiles/profile-service.ts';
import { createRotationService } from '../rotation/rotation-service.ts';
import { createDirectorySearch } from '../setup/directory-search.ts';
import { createSetupService } from '../setup/setup-service.ts';
import type { InterceptWindowStrategy } from '../sign-in/redirect-strategy.ts';
import { createDayTwoService } from './day-two.ts';
import { driftServiceFor } from './day-two-wiring.ts';
import { createDispatcher, type Dispatch } from './dispatcher.ts';
import { createEmbeddedSandbox } from './embedded-sandbox.ts';
import { createHandlers } from './handlers.ts';

/** Sends an event to the renderer, whatever the transport. */
export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The console's main side, assembled. */
export interface ConsoleCore {
  dispatch: Dispatch;
  profiles: ProfileService;
  stop(): Promise<void>;
}

/**
 * Assembles services and handlers: the composition root shared by Electron and browser mode.
 *
 * @remarks
 * Everything is passed in (data folder, secret store, logger, event sink), so the same function
 * builds the console for the Electron app, browser mode and the integration tests. The logger's
 * redactor learns every secret the store keeps or reads back, and every one a request carries,
 * becomes known to it.
 */
export function composeConsole(options: {
  mode: 'electron' | 'browser';
  version: string;
  dataDir: string;
  secrets: SecretStore;
  logger: Logger;
  emit: EmitEvent;
  /** Electron only: the login preview's sign-in window (strategy (c)). */
  interceptWindow?: InterceptWindowStrategy;
  /** Electron only: the save dialog for exported files (browser mode downloads them). */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
}): ConsoleCore {
  const redactor = options.logger.redactor;
  // The OS keychain, or this session's memory once the admin chose it with none reachable.
  const keychain = createKeychainChoice(options.secrets);
  const secrets = rememberingSecretStore(keychain, redactor);
  const sandbox = createEmbeddedSandbox();
  // One pace per org for every client of it, the connection check's included; its long waits
  // are told to the renderer whatever the operation.
  const schedulerFor = createOrgSchedulers((orgUrl, wait) => {
    options.emit('okta:rate-limit-wait', { orgUrl, ...wait });
  });
  const profiles = createProfileService({
    repository: createFileProfileRepository(options.dataDir, {
      onSetAside: (movedTo) => {
        options.logger.log('warn', 'The profile file could not be read and was set aside', {
          movedTo,
        });
      },
    }),
    secrets,
    createClient: (credentials) =>
      createOktaClient({ ...credentials, scheduler: schedulerFor(credentials.orgUrl) }),
    sandbox,
    emitProgress: (payload) => {
      options.emit('profiles:verify-progress', payload);
    },
    logger: options.logger,
  });
  // One reading of "the connected org" for every service; the CLI passes its flags' org instead.
  const activeOrg = createActiveOrg({
    profiles,
    createClient: (credentials) => createOktaClient(credentials),
    schedulerFor,
  });
  const setup = createSetupService({
    activeOrg,
    secrets,
    dataDir: options.dataDir,
    emitProgress: (payload) => {
      options.emit('setup:apply-progress', payload);
    },
  });
  const directory = createDirectorySearch(activeOrg);
  // The sign-in link is opened by the page: in Electron its window-open handler sends it to the
  // system browser (RFC 8252), in browser mode it opens a new tab.
  const preview = createPreviewService({
    activeOrg,
    secrets,
    dataDir: options.dataDir,
    emitProgress: (payload) => {
      options.emit('preview:progress', payload);
    },
    ...(options.interceptWindow === undefined ? {} : { interceptWindow: options.interceptWindow }),
  });
  const exports = createExportService({
    activeOrg,
    secrets,
    dataDir: options.dataDir,
    ...(options.interceptWindow === undefined ? {} : { interceptWindow: options.interceptWindow }),
    ...(options.chooseSavePath === undefined ? {} : { chooseSavePath: options.chooseSavePath }),
  });
  // The managed apps, teardown and sign-in activity, on the same org, keychain and journals.
  const dayTwo = createDayTwoService({
    activeOrg,
    dataDir: options.dataDir,
    journalFileOf: (document) => setup.journalFileOf(document),
    forgetSecret: (account) => secrets.delete(account),
    emitTeardownProgress: (payload) => {
      options.emit('teardown:progress', payload);
    },
  });
  // Secret rotation: its own export, over the new secret first and no environment, so a
  // verification can only sign in with the new secret (see createRotationService).
  const rotations = createRotationService({
    activeOrg,
    secrets,
    dataDir: options.dataDir,
    createExports: (rotationSecrets) =>
      createExportService({
        activeOrg,
        secrets: rotationSecrets,
        dataDir: options.dataDir,
        env: {},
        ...(options.interceptWindow === undefined
          ? {}
          : { interceptWindow: options.interceptWindow }),
        ...(options.chooseSavePath === undefined ? {} : { chooseSavePath: options.chooseSavePath }),
      }),
  });
  // Drift, wired as `sso-console drift` wires it: the setup's planner and applier, the export's
  // readers, and this console's own export for a sign-in with a target's file.
  const drift = driftServiceFor({
    activeOrg,
    dataDir: options.dataDir,
    setup,
    readKeptSecret: (account) => secrets.get(account),
    env: process.env,
    exports,
  });
  const handlers = createHandlers({
    mode: options.mode,
    version: options.version,
    profiles,
    setup,
    directory,
    preview,
    exports,
    dayTwo,
    rotations,
    drift,
    secrets,
    keychain,
  });
  return {
    dispatch: createDispatcher(handlers, options.logger),
    profiles,
    stop: async () => {
      await exports.stop();
      await rotations.files.stop();
      await sandbox.stop();
    },
  };
}
