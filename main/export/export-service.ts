import { AppError } from '../../shared/errors.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';
import type { InterceptWindowStrategy } from '../sign-in/redirect-strategy.ts';
import { createFileDelivery } from './file-delivery.ts';
import { scopesOfServer } from './issuer-candidates.ts';
import type { IssuerChoice } from './issuer-choice.ts';
import { exportIssuerFor } from './issuer-for-app.ts';
import { type AppRenderRequest, createRenderings, type RenderAnswer } from './renderings.ts';
import { allExporters } from './targets/index.ts';
import { createVerificationRuns } from './verification-runs.ts';
import type { ExportFileSystem } from './write-export-file.ts';

/** Every export target, as the wizard's list and `sso-console export --list-targets` show it. */
export function exportTargetCatalogue() {
  return allExporters().map(({ id, title, description, mergeable, verifiable }) => ({
    id,
    title,
    description,
    mergeable,
    verifiable,
  }));
}

/**
 * The export step: files for the target apps, saved safely, and verified by signing in with
 * exactly what they say — for the console window and `sso-console export` alike.
 *
 * @remarks
 * A composition of its three jobs: renderings kept in main with the secret
 * (`renderings.ts`), their files delivered (`file-delivery.ts`), and verifications of them run and
 * recorded (`verification-runs.ts`). Saving and verifying name a rendering, so what is saved and
 * verified is exactly what was shown. The command line calls the same methods as the window, and
 * the few that only it needs (an app named by id, a path it names, files already deployed): one
 * orchestration for both.
 */
export function createExportService(deps: {
  /** The org the service acts on: the connected profile's in the console, the flags' on the CLI. */
  activeOrg: () => Promise<ActiveOrg>;
  secrets: Pick<SecretStore, 'get'>;
  dataDir: string;
  /** Electron's save dialog; absent in browser mode, where the page downloads the file. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  interceptWindow?: InterceptWindowStrategy;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** The file operations of a save (Node's, unless a test makes one fail). */
  files?: ExportFileSystem;
}) {
  const renderings = createRenderings({
    activeOrg: deps.activeOrg,
    secrets: deps.secrets,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  const delivery = createFileDelivery({
    renderings,
    ...(deps.chooseSavePath === undefined ? {} : { chooseSavePath: deps.chooseSavePath }),
    ...(deps.files === undefined ? {} : { files: deps.files }),
  });
  const verifications = createVerificationRuns({
    renderings,
    orgUrl: async () => (await deps.activeOrg()).orgUrl,
    secrets: deps.secrets,
    dataDir: deps.dataDir,
    env: deps.env ?? process.env,
    serverScopes: async (issuer) => {
      const org = await deps.activeOrg();
      return scopesOfServer(org.client, org.orgUrl, issuer);
    },
    ...(deps.interceptWindow === undefined ? {} : { interceptWindow: deps.interceptWindow }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });

  return {
    targets: () => ({ targets: exportTargetCatalogue() }),
    render: renderings.render,
    /**
     * The command line's render: an app already in the org, for one target, with the issuer its
     * setup chose (`issuer-for-app.ts`) and, when the org could not settle it, a warning saying
     * so with the files.
     */
    renderApp: async (request: AppRenderRequest): Promise<RenderAnswer> => {
      const org = await deps.activeOrg();
      let choice: IssuerChoice;
      try {
        choice = await exportIssuerFor({
          client: org.client,
          orgUrl: org.orgUrl,
          appId: request.appId,
          requested: request.issuer,
          dataDir: deps.dataDir,
        });
      } catch (error) {
        throw error instanceof AppError
          ? error
          : toOktaAppError(error, {
              orgUrl: org.orgUrl,
              token: org.token,
              action: 'reading which authorization server issues the app’s tokens',
            });
      }
      const answer = await renderings.renderApp({ ...request, issuer: choice.issuer });
      const { warning } = choice;
      return warning === undefined
        ? answer
        : {
            ...answer,
            outputs: answer.outputs.map((output) => ({
              ...output,
              warnings: [warning, ...output.warnings],
            })),
          };
    },
    revealFile: delivery.revealFile,
    save: delivery.save,
    /** The command line's `--out`: where each file goes. */
    destinationsUnder: delivery.destinationsUnder,
    /** The command line's save, at a path it names. */
    saveAt: delivery.saveAt,
    verifyStart: verifications.start,
    /**
     * A verification of files given as they are deployed (name, content, where they are), not
     * of a kept rendering: `sso-console drift --sign-in` signs in with the target's own file
     * through the same reading, checks and record. Waited for, pasted to and cancelled as any.
     */
    verifyFilesStart: verifications.startFiles,
    verifyWait: verifications.wait,
    verifyPaste: verifications.paste,
    verifyCancel: verifications.cancel,
    stop: verifications.stop,
  };
}

/** The export service; see {@link createExportService}. */
export type ExportService = ReturnType<typeof createExportService>;
