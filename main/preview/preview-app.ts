import { AppError } from '../../shared/errors.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { appFieldsOf } from '../okta/org-snapshot.ts';
import type { TokenEndpointAuthMethod } from './sign-in-session.ts';

/** The members of an app integration that finding it and previewing it read. */
export interface AppRecord {
  id?: string;
  label?: string;
  signOnMode?: string;
  credentials?: { oauthClient?: { client_id?: string } };
}

/** The app as a preview run needs it. */
export interface PreviewApp {
  id: string;
  clientId: string;
  redirectUris: readonly string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}

/**
 * The app by id, or by exact label among OIDC apps (labels are not unique: say so).
 *
 * @remarks
 * For an app named on the command line rather than described by a setup document. An id is read
 * as is (its sign-on mode is checked by {@link previewAppOf}); a label must match exactly,
 * since Okta's `q` search also matches prefixes.
 */
export async function findApp(client: OktaClient, app: string): Promise<AppRecord> {
  if (/^0oa[0-9A-Za-z]{10,}$/.test(app)) {
    return await client.applicationApi.getApplication({ appId: app });
  }
  const found: AppRecord[] = [];
  for await (const candidate of await client.applicationApi.listApplications({
    q: app,
    limit: 200,
  })) {
    const record = candidate as unknown as AppRecord;
    if (record.label === app && record.signOnMode === 'OPENID_CONNECT') {
      found.push(record);
    }
  }
  const [only, ...others] = found;
  if (only === undefined) {
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `No OIDC app integration is labelled "${app}".`,
      hint: 'Give the app id (0oa…) or its exact label, as the Admin Console shows it.',
    });
  }
  if (others.length > 0) {
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `${String(found.length)} OIDC app integrations are labelled "${app}": ${found.map((record) => record.id ?? '').join(', ')}.`,
      hint: 'Okta labels are not unique; give the app id with --app.',
    });
  }
  return only;
}

/** The found app in the run's terms, once it is known to sign in with OpenID Connect. */
export function previewAppOf(record: AppRecord, given: string): PreviewApp {
  if (record.signOnMode !== 'OPENID_CONNECT') {
    throw new AppError({
      code: 'INVALID_REQUEST',
      message: `The app ${record.id ?? given} is not an OIDC app integration (${record.signOnMode ?? 'unknown sign-on mode'}).`,
      hint: 'The preview signs in with OpenID Connect; pick an OIDC app.',
    });
  }
  const fields = appFieldsOf(record);
  const id = record.id ?? '';
  return {
    id,
    clientId: record.credentials?.oauthClient?.client_id ?? id,
    redirectUris: fields.redirectUris,
    tokenEndpointAuthMethod: fields.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
  };
}
