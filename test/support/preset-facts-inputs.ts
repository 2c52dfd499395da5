import type { ExportInput } from '../../main/export/exporter.ts';
import type { Preset } from '../../shared/setup/presets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { exportInputFor } from './export-fixtures.ts';

/**
 * A setup document and export input made the way a preset would make them, from a target
 * module's `PRESET_FACTS`, for targets whose preset is not in `shared/setup/presets.ts` yet: the
 * generic web preset with the facts' base URL, client key, app, URIs and issuer laid over it.
 */

/** Lays `facts` over `document`, as `createSetupDocument` would for a preset made of them. */
export function applyPresetFacts(
  document: SetupDocument,
  facts: Omit<Preset, 'id'>,
  baseUrl = facts.defaultBaseUrl,
): void {
  const clientKey = facts.defaultClientKey;
  const { callback, signOut, initiateLogin } = facts.uris(baseUrl, clientKey);
  document.target.baseUrl = baseUrl;
  if (clientKey === undefined) {
    delete document.target.clientKey;
  } else {
    document.target.clientKey = clientKey;
  }
  document.app = {
    ...document.app,
    ...facts.app,
    grantTypes: [...facts.app.grantTypes],
    redirectUris: [callback],
    postLogoutRedirectUris: signOut === undefined ? [] : [signOut],
  };
  if (initiateLogin === undefined) {
    delete document.app.initiateLoginUri;
  } else {
    document.app.initiateLoginUri = initiateLogin;
  }
  document.issuer = structuredClone(facts.issuer);
}

/** The fixed export input for an app made from `facts` (the fixtures' org and ids). */
export function presetFactsInput(facts: Omit<Preset, 'id'>): ExportInput {
  return exportInputFor('web', {
    server: facts.issuer.kind === 'custom' ? 'custom' : 'org',
    adjust: (document) => {
      applyPresetFacts(document, facts);
      if (document.issuer.kind === 'custom') {
        document.issuer.server = { kind: 'existing', id: 'aus1fixture2default3' };
      }
    },
  });
}
