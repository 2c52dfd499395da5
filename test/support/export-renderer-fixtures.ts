import type {
  ExportOutput,
  ExportTargetInfo,
  VerificationResult,
} from '../../shared/export/export-targets.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';

/**
 * Answers for the export channels as main will give them, for renderer tests written before the
 * export service exists: the shapes follow `shared/ipc/contract.ts`, the values are made up.
 */

/** A small catalogue: the two presets' own targets, a generic one, and one never verifiable. */
export const CATALOGUE: ExportTargetInfo[] = [
  {
    id: 'kestra',
    title: 'Kestra',
    description: 'application.yml with a Micronaut OAuth client',
    mergeable: true,
    verifiable: true,
  },
  {
    id: 'kaimu',
    title: 'Kaimu',
    description: '.env for docker compose',
    mergeable: false,
    verifiable: true,
  },
  {
    id: 'dotenv',
    title: '.env file',
    description: 'OIDC_* variables for any app',
    mergeable: false,
    verifiable: true,
  },
  {
    id: 'terraform',
    title: 'Terraform',
    description: 'okta provider resources that match the org',
    mergeable: false,
    verifiable: false,
  },
];

/** The secret the fixtures pretend main reveals. */
export const REVEALED_SECRET = 'revealed-secret-5tQ9';

/** Kestra's output, with the secret referenced from the environment. */
export const KESTRA_OUTPUT: ExportOutput = {
  target: 'kestra',
  files: [
    {
      name: 'application.yml',
      language: 'yaml',
      content: [
        '# Written by the SSO Setup Console',
        'micronaut:',
        '  security:',
        '    oauth2:',
        '      clients:',
        '        okta:',
        "          client-id: '0oa1client'",
        '          client-secret: ${OKTA_CLIENT_SECRET}',
      ].join('\n'),
      sensitive: false,
      purpose: 'Kestra’s configuration; put it next to docker-compose.yml.',
    },
  ],
  nextSteps: ['Set OKTA_CLIENT_SECRET in Kestra’s environment.', 'Restart Kestra.'],
  warnings: ['Kestra reads the groups claim only from the ID token.'],
};

/** A `.env` holding the secret inline, masked as main shows it. */
export const DOTENV_SENSITIVE_OUTPUT: ExportOutput = {
  target: 'dotenv',
  files: [
    {
      name: '.env',
      language: 'dotenv',
      content: 'OIDC_CLIENT_ID=0oa1client\nOIDC_CLIENT_SECRET="••••••••"\n',
      sensitive: true,
      purpose: 'Environment for the app; keep it next to the app, never in git.',
    },
  ],
  nextSteps: ['Load the file into the app’s environment.'],
  warnings: ['This file holds the client secret.'],
};

/** A rendering of Kestra, with Terraform refused. */
export const RENDERED: ChannelResponse<'export:render'> = {
  renderId: 'render-1',
  outputs: [KESTRA_OUTPUT],
  refused: [
    {
      target: 'terraform',
      message: 'The app has no Terraform-managed counterpart.',
      hint: 'Import the app into Terraform first.',
    },
  ],
};

/** A started verification of Kestra's files. */
export const VERIFY_STARTED: ChannelResponse<'export:verify-start'> = {
  verificationId: 'verify-1',
  authorizeUrl: 'https://acme.okta.com/oauth2/v1/authorize?client_id=0oa1client',
  strategy: {
    kind: 'app-loopback',
    redirectUri: 'http://127.0.0.1:8080/oauth/callback/okta',
    explanation: 'The console listens on Kestra’s own callback port while Kestra is stopped.',
  },
  reading: {
    issuer: 'https://acme.okta.com',
    clientId: '0oa1client',
    redirectUri: 'http://127.0.0.1:8080/oauth/callback/okta',
    scopes: ['openid', 'profile', 'email'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    clientSecretFrom: 'OKTA_CLIENT_SECRET',
  },
  user: { login: 'ada@example.com', passwordInKeychain: false },
};

/** A successful verification. */
export const VERIFIED: VerificationResult = {
  ok: true,
  target: 'kestra',
  contentHash: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  verifiedAt: '2026-11-24T14:30:00.000Z',
  reading: VERIFY_STARTED.reading,
  checks: [
    { name: 'Files parse', ok: true, detail: 'application.yml is valid YAML' },
    {
      name: 'secret',
      ok: true,
      detail:
        'The files take the client secret from OKTA_CLIENT_SECRET, which is not set here: the console used the secret it keeps in the keychain.',
    },
    { name: 'Signed in', ok: true, detail: 'ID token verified against the issuer’s keys' },
  ],
  claims: { sub: '00u1', email: 'ada@example.com' },
};

/** A promise the test resolves when it chooses, to deliver answers late and out of order. */
export function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
