import { createHash, randomBytes } from 'node:crypto';

import { OKTA_ERRORS } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxApp, SandboxClientSecret } from '../sandbox-org.ts';
import { adminChange, appTarget } from '../system-log.ts';
import { APP, APP_READERS, APP_WRITERS, appNotFound, appOf } from './app-shared.ts';
import { validationFailed } from './list-responses.ts';
import type { Route, RouteContext } from './route.ts';

/**
 * An OIDC app's client secrets: listing, creating (shown once), reading, deleting and their
 * lifecycle — Okta allows two ACTIVE at once, which is how a secret is rotated.
 */

/** A new ACTIVE client secret (also the first secret of a new confidential client). */
export function newSecret(now: string): SandboxClientSecret {
  return {
    id: oktaId('ocs'),
    status: 'ACTIVE',
    secret: randomBytes(48).toString('base64url'),
    created: now,
    lastUpdated: now,
  };
}

/**
 * A client secret as Okta shows it after its creation: its first 12 and last 22 characters around
 * six dots, the shape of every `OAuth2ClientSecret` example in management.yaml
 * (`DRUFXGF9XbLn......a3x3POBiIxDreBCdZuFs5B`: the schema's `client_secret` example and
 * `oAuthClientSecretListResponse`, `oAuth2ClientSecretResponse`,
 * `activateOAuth2ClientSecretResponse`, `deactivateOAuth2ClientSecretResponse`). A secret too
 * short to keep six characters hidden that way (the sandbox makes none) shows only its first and
 * last quarter.
 */
export function maskedSecret(secret: string): string {
  const long = secret.length >= 12 + 6 + 22;
  const head = long ? 12 : Math.floor(secret.length / 4);
  const tail = long ? 22 : Math.floor(secret.length / 4);
  return `${secret.slice(0, head)}......${secret.slice(secret.length - tail)}`;
}

/**
 * `secret_hash`: the same for a secret every time it is shown, so a client can tell secrets apart
 * by it. Okta's hash function is not documented; its examples are 16 bytes in base64url
 * (`yk4SVx4sUWVJVbHt6M-UPA`), which the first half of a SHA-256 is too.
 */
function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest().subarray(0, 16).toString('base64url');
}

/**
 * A client secret as Okta renders it: in full only in the answer to its creation (`reveal`),
 * masked in every other (list, get, activate, deactivate), with the lifecycle link its status
 * allows and, for an INACTIVE one, its `delete` link (management.yaml
 * `oAuthClientSecretListResponse`).
 */
function renderSecret(
  app: SandboxApp,
  secret: SandboxClientSecret,
  orgUrl: string,
  reveal: boolean,
) {
  const self = `${orgUrl}/api/v1/apps/${app.id}/credentials/secrets/${secret.id}`;
  const active = secret.status === 'ACTIVE';
  return {
    id: secret.id,
    status: secret.status,
    client_secret: reveal ? secret.secret : maskedSecret(secret.secret),
    secret_hash: secretHash(secret.secret),
    created: secret.created,
    lastUpdated: secret.lastUpdated,
    _links: {
      [active ? 'deactivate' : 'activate']: {
        href: `${self}/lifecycle/${active ? 'deactivate' : 'activate'}`,
        hints: { allow: ['POST'] },
      },
      ...(active ? {} : { delete: { href: self, hints: { allow: ['DELETE'] } } }),
    },
  };
}

/** The path of an app's client secrets, and of one of them (naming its `secretId`). */
const SECRETS = `${APP}\\/credentials\\/secrets`;
const ONE_SECRET = `${SECRETS}\\/(?<secretId>[^/]+)`;

/** The app and the secret the path names, or `undefined` when either is missing. */
function appSecretOf(
  context: RouteContext,
): { app: SandboxApp; secret: SandboxClientSecret } | undefined {
  const app = appOf(context);
  const secret = app?.secrets.find((candidate) => candidate.id === context.params.secretId);
  return app === undefined || secret === undefined ? undefined : { app, secret };
}

/** Okta's 404 for a secret the path names (also when the app is missing). */
function secretNotFound(context: RouteContext) {
  return OKTA_ERRORS.notFound(context.params.secretId ?? '', 'OAuth2ClientSecret');
}

/**
 * The log event of a client-secret change. Okta documents no event type of its own for these,
 * so they are logged as the app update they are, with the secret and the change in `debugData`.
 */
function secretChange(app: SandboxApp, secret: SandboxClientSecret, change: string) {
  return adminChange('application.lifecycle.update', appTarget(app), {
    clientSecretId: secret.id,
    clientSecretChange: change,
  });
}

/** The client-secret routes of an app. */
export const APP_SECRET_ROUTES: readonly Route[] = [
  {
    operationId: 'listOAuth2ClientSecrets',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${SECRETS}$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      return app === undefined
        ? appNotFound(context)
        : {
            status: 200,
            body: app.secrets.map((secret) => renderSecret(app, secret, context.orgUrl, false)),
          };
    },
  },
  {
    operationId: 'createOAuth2ClientSecret',
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${SECRETS}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      if (app.secrets.length >= 2) {
        return validationFailed(
          'client_secret',
          'You can only have two client secrets per application',
        );
      }
      const secret = newSecret(context.now.toISOString());
      app.secrets.push(secret);
      return {
        status: 201,
        body: renderSecret(app, secret, context.orgUrl, true),
        events: [secretChange(app, secret, 'create')],
      };
    },
  },
  {
    operationId: 'getOAuth2ClientSecret',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${ONE_SECRET}$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const found = appSecretOf(context);
      return found === undefined
        ? secretNotFound(context)
        : { status: 200, body: renderSecret(found.app, found.secret, context.orgUrl, false) };
    },
  },
  {
    operationId: 'deleteOAuth2ClientSecret',
    queryParameters: [],
    method: 'DELETE',
    pattern: new RegExp(`${ONE_SECRET}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const found = appSecretOf(context);
      if (found === undefined) {
        return secretNotFound(context);
      }
      const { app, secret } = found;
      if (secret.status === 'ACTIVE') {
        return validationFailed(
          'client_secret',
          'Cannot delete an active client secret. Deactivate it first',
        );
      }
      app.secrets = app.secrets.filter((other) => other.id !== secret.id);
      return { status: 204, body: undefined, events: [secretChange(app, secret, 'delete')] };
    },
  },
  ...(['activate', 'deactivate'] as const).map((action): Route => ({
    operationId: `${action}OAuth2ClientSecret`,
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${ONE_SECRET}\\/lifecycle\\/${action}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const found = appSecretOf(context);
      if (found === undefined) {
        return secretNotFound(context);
      }
      const { app, secret } = found;
      if (
        action === 'deactivate' &&
        app.secrets.filter((other) => other.status === 'ACTIVE').length === 1 &&
        secret.status === 'ACTIVE'
      ) {
        return validationFailed('client_secret', 'Cannot deactivate the only active client secret');
      }
      secret.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
      secret.lastUpdated = context.now.toISOString();
      return {
        status: 200,
        body: renderSecret(app, secret, context.orgUrl, false),
        events: [secretChange(app, secret, action)],
      };
    },
  })),
];
