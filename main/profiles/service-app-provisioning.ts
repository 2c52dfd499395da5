import { AppError } from '../../shared/errors.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { generateServiceAppKey } from '../okta/service-app-key.ts';
import { serviceAppKeyAccount } from '../platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../platform/secrets/secret-store.ts';

/**
 * The label of the API services app the console makes for itself: also how a rerun finds it,
 * so an interrupted run never makes a second app.
 */
export const CONSOLE_SERVICE_APP_LABEL = 'SSO Setup Console (service app)';

/** What {@link provisionServiceApp} made or found. */
export interface ProvisionedServiceApp {
  appId: string;
  clientId: string;
  keyId: string;
  /** Whether this run created the app (false: a previous run had). */
  created: boolean;
}

interface AppShape {
  id?: string;
  label?: string;
  credentials?: { oauthClient?: { client_id?: string } };
  settings?: {
    oauthClient?: { application_type?: string; jwks?: { keys?: { kid?: string }[] } };
  };
}

/**
 * Makes, with the admin's API token, the API services app the console will connect as: its key
 * registered, the planned scopes granted, the planned admin roles assigned.
 *
 * @remarks
 * Idempotent in the order of its steps, as the setup's apply is: the key pair is made and kept
 * in the keychain before the app exists, so an app found by its label on a rerun carries a key
 * whose private half the keychain holds; grants and roles already there are left as they are
 * and only the missing ones are added. An app of that label whose key the keychain does not hold
 * (made on another computer, or its key deleted) is not touched: the error says what to do.
 */
export async function provisionServiceApp(options: {
  client: OktaClient;
  orgUrl: string;
  token: string;
  secrets: SecretStore;
  scopes: readonly string[];
  roles: readonly string[];
}): Promise<ProvisionedServiceApp> {
  const { client, orgUrl, token, secrets } = options;
  const fail = (action: string, operationId: string) => (error: unknown) => {
    throw toOktaAppError(error, { orgUrl, token, action, operationId });
  };

  let app: AppShape | undefined;
  const found = await client.applicationApi
    .listApplications({ q: CONSOLE_SERVICE_APP_LABEL })
    .catch(fail('looking for the console’s service app', 'listApplications'));
  for await (const candidate of found as AsyncIterable<unknown>) {
    const shape = candidate as AppShape;
    if (
      shape.label === CONSOLE_SERVICE_APP_LABEL &&
      shape.settings?.oauthClient?.application_type === 'service'
    ) {
      app = shape;
      break;
    }
  }

  let keyId: string | undefined;
  let created = false;
  if (app === undefined) {
    await secrets.checkAvailable();
    const key = generateServiceAppKey();
    // The key first: the app never exists with a key the keychain does not hold.
    await secrets.set(serviceAppKeyAccount(orgUrl, key.keyId), key.privateKey);
    keyId = key.keyId;
    app = await client.applicationApi
      .createApplication({
        application: {
          name: 'oidc_client',
          label: CONSOLE_SERVICE_APP_LABEL,
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
          settings: {
            oauthClient: {
              application_type: 'service',
              grant_types: ['client_credentials'],
              response_types: ['token'],
              redirect_uris: [],
              jwks: { keys: [key.publicJwk] },
            },
          },
        } as never,
      })
      .catch(fail('creating the console’s service app', 'createApplication'));
    created = true;
  } else {
    for (const registered of app.settings?.oauthClient?.jwks?.keys ?? []) {
      if (
        registered.kid !== undefined &&
        (await secrets.get(serviceAppKeyAccount(orgUrl, registered.kid))) !== null
      ) {
        keyId = registered.kid;
        break;
      }
    }
  }
  const appId = app.id ?? '';
  const clientId = app.credentials?.oauthClient?.client_id ?? '';
  if (keyId === undefined) {
    throw new AppError({
      code: 'TOKEN_MISSING',
      message: `The org already has an API services app "${CONSOLE_SERVICE_APP_LABEL}" (${clientId}), but this computer's keychain holds none of its keys, so the console cannot sign in as it.`,
      hint: 'Connect it with “Service app (OAuth 2.0, private key)” and register the new public key on it, or delete that app in the Admin Console and try again.',
    });
  }

  const grants = await client.applicationApi
    .listScopeConsentGrants({ appId })
    .catch(fail('reading the service app’s granted scopes', 'listScopeConsentGrants'));
  const granted = new Set<string>();
  for await (const grant of grants as AsyncIterable<{ scopeId?: string } | null>) {
    if (grant?.scopeId !== undefined) {
      granted.add(grant.scopeId);
    }
  }
  for (const scopeId of options.scopes.filter((scope) => !granted.has(scope))) {
    await client.applicationApi
      .grantConsentToScope({
        appId,
        // A plain object is what the SDK serialises; its model class adds nothing to send.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        oAuth2ScopeConsentGrant: { issuer: orgUrl, scopeId },
      })
      .catch(fail(`granting ${scopeId} to the service app`, 'grantConsentToScope'));
  }

  const roles = await client.roleAssignmentApi
    .listRolesForClient({ clientId })
    .catch(fail('reading the service app’s admin roles', 'listRolesForClient'));
  const assigned = new Set<string>();
  for await (const role of roles as AsyncIterable<{ type?: string } | null>) {
    if (role?.type !== undefined) {
      assigned.add(role.type);
    }
  }
  for (const type of options.roles.filter((role) => !assigned.has(role))) {
    await client.roleAssignmentApi
      .assignRoleToClient({ clientId, assignRoleRequest: { type } as never })
      .catch(fail(`assigning the ${type} role to the service app`, 'assignRoleToClient'));
  }
  return { appId, clientId, keyId, created };
}
