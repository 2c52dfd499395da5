import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { KeptSetupDocument } from '../platform/kept-setup-documents.ts';
import type { ServerCandidate } from './issuer-candidates.ts';
import type { AppliedSetupIssuer } from './issuer-choice.ts';

/**
 * The setup the console applied to an app, from the setup documents it keeps on this computer
 * (`<data folder>/setups/<setup id>.json`, written by every apply): the exact record of which
 * authorization server the setup chose, which the org alone cannot always give (an apply on a
 * server whose policy already admits every client creates no policy naming the app).
 *
 * @remarks
 * Every apply writes its document's id into the app's profile (the console's mark), so the mark
 * names the last setup applied to the app, created or adopted. A document that names the app in
 * `existingAppId` is taken when the mark names no kept document (an app whose mark was removed).
 * A document naming a new server is matched to the org's server of that name, as the apply and
 * the planner find it.
 */

/** The kept document of the setup last applied to the app, if this computer has it. */
export function keptDocumentOfApp(
  documents: readonly KeptSetupDocument[],
  app: { id: string; setupId: string | undefined },
): SetupDocument | undefined {
  const { id, setupId } = app;
  const marked =
    setupId === undefined
      ? undefined
      : documents.find(
          ({ document }) =>
            document.id === setupId &&
            (document.app.existingAppId === undefined || document.app.existingAppId === id),
        );
  return (
    marked?.document ??
    documents.find(({ document }) => document.app.existingAppId === id)?.document
  );
}

/** Which server `document` chose, as found among the org's active `servers`. */
export function issuerOfSetup(
  document: SetupDocument,
  servers: readonly ServerCandidate[],
): AppliedSetupIssuer {
  const { issuer } = document;
  if (issuer.kind === 'org') {
    return { setupId: document.id, issuer: { kind: 'org' } };
  }
  if (issuer.server.kind === 'existing') {
    return { setupId: document.id, issuer: { kind: 'custom', authServerId: issuer.server.id } };
  }
  const { name } = issuer.server;
  const found = servers.find((server) => server.name === name);
  return {
    setupId: document.id,
    issuer:
      found === undefined
        ? { kind: 'missing', serverName: name }
        : { kind: 'custom', authServerId: found.authServerId },
  };
}
