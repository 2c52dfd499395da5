/**
 * What the console window's day-two views and stores are answered with in their unit tests: one
 * managed app ("Kestra"), its drift reports and its rotation, so the view tests and the store
 * tests read the same answers from main.
 */
import { createManagedAppsStore } from '../../renderer/stores/managed-apps-store.ts';
import type {
  ChannelResponse,
  ManagedAppView,
  OrgDriftReportView,
  RotationStatusView,
  TargetDriftReportView,
} from '../../shared/ipc/contract.ts';
import { createFakeBridge } from './fake-bridge.ts';

/** A channel's successful answer, as the fake bridge returns it. */
export const ok = <T>(data: T) => ({ ok: true, data });

/** The managed app the day-two views open; `overrides` set what a test looks at. */
export function managedApp(overrides: Partial<ManagedAppView> = {}): ManagedAppView {
  return {
    id: '0oa1',
    label: 'Kestra',
    status: 'ACTIVE',
    clientId: '0oa1client',
    managedAs: 'created',
    issuer: 'https://acme.okta.com',
    target: 'kestra',
    users: 1,
    groups: 0,
    secretAgeDays: 0,
    lastVerifiedExport: null,
    drift: false,
    document: { id: 'setup-1', file: '/data/setups/setup-1.json' },
    ...overrides,
  };
}

/**
 * A fake bridge that lists `app` (and gives `answers`), and the managed apps store already
 * loaded from it, as a day-two view finds them when it opens.
 */
export async function bridgeListing(
  app: ManagedAppView,
  answers: Parameters<typeof createFakeBridge>[0],
) {
  const fake = createFakeBridge({
    'managed-apps:list': () => ok({ orgUrl: 'https://acme.okta.com', apps: [app] }),
    ...answers,
  });
  const managedApps = createManagedAppsStore(fake.api);
  await managedApps.getState().load();
  return { fake, managedApps };
}

/** The app as its setup document says: no drift. */
export const CLEAN: OrgDriftReportView = {
  orgUrl: 'https://acme.okta.com',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client', status: 'ACTIVE' },
  document: { id: 'setup-1', keptFile: '/data/setups/setup-1.json', file: null },
  drift: { drifted: false, fields: [], blockers: [] },
};

/** Two fields changed in Okta: one adoptable, one only to restore. */
export const DRIFTED: OrgDriftReportView = {
  ...CLEAN,
  drift: {
    drifted: true,
    fields: [
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.redirectUris',
        documentValue: ['https://kestra.example.com/cb'],
        oktaValue: ['https://kestra.example.com/cb', 'https://elsewhere.example.com/cb'],
        adoptable: true,
        adoptNote: null,
      },
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.status',
        documentValue: 'ACTIVE',
        oktaValue: 'INACTIVE',
        adoptable: false,
        adoptNote: 'An inactive app cannot be written into a setup document.',
      },
    ],
    blockers: [],
  },
};

/** A deployed file with the wrong client id, its fix naming the line. */
export const TARGET: TargetDriftReportView = {
  target: 'kestra',
  file: '/etc/kestra/application.yml',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client' },
  ok: false,
  findings: [
    { check: 'read', ok: true, detail: 'Read as kestra.', fix: null, at: null },
    {
      check: 'client-id',
      ok: false,
      detail: 'The file’s client id 0oaWRONG is no app’s in the org.',
      fix: 'Replace the client id 0oaWRONG with 0oa1client in /etc/kestra/application.yml line 6, and redeploy the target.',
      at: { file: '/etc/kestra/application.yml', line: 6 },
    },
  ],
};

/** The same file, not signed in with: Okta would refuse it for the findings before. */
export const NOT_SIGNED_IN: TargetDriftReportView = {
  ...TARGET,
  findings: [
    ...TARGET.findings,
    {
      check: 'sign-in',
      ok: false,
      detail: 'Not attempted: Okta would refuse it for the findings above.',
      fix: 'Fix the findings above, redeploy, then sign in with the file again.',
      at: null,
    },
  ],
};

/** The deployed file's static checks, all passed, before its sign-in. */
export const CHECKED: TargetDriftReportView = {
  ...TARGET,
  ok: true,
  findings: [{ check: 'client-id', ok: true, detail: 'The app’s client id.', fix: null, at: null }],
};

/** The same file once Ada signed in with it. */
export const SIGNED_IN: TargetDriftReportView = {
  ...CHECKED,
  findings: [
    ...CHECKED.findings,
    {
      check: 'sign-in',
      ok: true,
      detail: 'Signed in with exactly the file as ada@example.com.',
      fix: null,
      at: null,
    },
  ],
  signIn: {
    ok: true,
    checks: [
      { name: 'discovery', ok: true, detail: 'The issuer’s discovery document was read.' },
      { name: 'token', ok: true, detail: 'The code was exchanged with the file’s secret.' },
    ],
    verifiedAt: '2026-12-07T01:00:00.000Z',
    contentHash: 'c'.repeat(64),
  },
};

/** The sign-in with the deployed file, begun: the address to paste back. */
export const TARGET_SIGN_IN = {
  verificationId: 'v-1',
  authorizeUrl: 'https://acme.okta.com/oauth2/v1/authorize?client_id=0oa1client',
  strategy: {
    kind: 'paste-url',
    redirectUri: 'https://kestra.example.com/oauth/callback/okta',
    explanation: 'The console cannot listen on the file’s redirect URI: paste the address.',
  },
  user: { login: 'ada@example.com', passwordInKeychain: false },
} as const;

/** No rotation: the app's one secret. */
export const ROTATION_NONE: RotationStatusView = {
  appId: '0oa1',
  clientId: '0oa1client',
  label: 'Kestra',
  rotationId: null,
  phase: 'none',
  secrets: [{ id: 'ocsOLD', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z', role: 'other' }],
  verified: null,
  next: 'Start a rotation to give the app a second client secret.',
};

/** The new secret made and kept: the files to deploy and verify. */
export const ROTATION_WAITING: RotationStatusView = {
  ...ROTATION_NONE,
  rotationId: 'r1',
  phase: 'awaiting-verification',
  secrets: [
    { id: 'ocsOLD', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z', role: 'old' },
    { id: 'ocsNEW', status: 'ACTIVE', created: '2026-12-07T00:00:00.000Z', role: 'new' },
  ],
  next: 'Deploy the new files (or set the new secret where the target reads it), then verify them by signing in.',
};

/** The new files signed in: the admin's confirmation retires the old secret. */
export const ROTATION_CONFIRMING: RotationStatusView = {
  ...ROTATION_WAITING,
  phase: 'awaiting-confirmation',
  verified: { target: 'kestra', contentHash: 'b'.repeat(64), at: '2026-12-07T01:00:00.000Z' },
  next: 'Confirm the target runs on the new secret; the old one is then deactivated and deleted.',
};

/** Kestra's files for the new secret, which they reference rather than hold. */
export const ROTATION_FILES: ChannelResponse<'rotation:render'> = {
  renderId: 'render-1',
  outputs: [
    {
      target: 'kestra',
      files: [
        {
          name: 'application.yml',
          content: 'client-secret: "${OKTA_CLIENT_SECRET}"\n',
          language: 'yaml',
          sensitive: false,
          purpose: 'Kestra’s configuration.',
        },
      ],
      nextSteps: ['Set OKTA_CLIENT_SECRET where Kestra runs, then restart it.'],
      warnings: [],
    },
  ],
  refused: [],
};
