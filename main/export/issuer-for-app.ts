import type { OktaClient } from '../okta/okta-client.ts';
import { readOktaApp } from '../okta/okta-json.ts';
import { readKeptSetupDocuments } from '../platform/kept-setup-documents.ts';
import { readServerCandidates } from './issuer-candidates.ts';
import { chooseExportIssuer, type IssuerChoice } from './issuer-choice.ts';
import { issuerOfSetup, keptDocumentOfApp } from './issuer-from-setup.ts';

/**
 * The issuer an export of `appId` writes, read from the org and, with `dataDir`, from the setup
 * documents this computer keeps: the reads behind {@link chooseExportIssuer}, which decides.
 *
 * @remarks
 * Used where the caller has the app but not its setup document (`sso-console export --app`,
 * `rotate-secret --target`); the window's export has the document, whose issuer is the setup's.
 * Throws `ExportIssuerChoiceError` (an `EXPORT_REFUSED` naming `--issuer`) when the issuer is not
 * settled, and lets the SDK's errors through for the caller to say in its words.
 */
export async function exportIssuerFor(options: {
  client: OktaClient;
  orgUrl: string;
  appId: string;
  /** `--issuer`, when the admin gave one. */
  requested?: string | undefined;
  /** The data folder whose kept setup documents may say which server the setup chose. */
  dataDir?: string | undefined;
}): Promise<IssuerChoice> {
  const { client, orgUrl, appId } = options;
  const app = readOktaApp(await client.applicationApi.getApplication({ appId }));
  const clientId = app.clientCredentials.clientId ?? appId;
  const servers = await readServerCandidates(client, orgUrl, clientId);
  const kept =
    options.requested === undefined && options.dataDir !== undefined
      ? keptDocumentOfApp(await readKeptSetupDocuments(options.dataDir), {
          id: app.id ?? appId,
          setupId: app.setupId,
        })
      : undefined;
  return chooseExportIssuer({
    orgUrl,
    clientId,
    servers,
    ...(options.requested === undefined ? {} : { requested: options.requested }),
    ...(kept === undefined ? {} : { setup: issuerOfSetup(kept, servers) }),
  });
}
