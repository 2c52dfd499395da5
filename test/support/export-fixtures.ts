import type { ExportInput, SecretHandling } from '../../main/export/exporter.ts';
import { ORG_AS_SCOPES } from '../../shared/okta/oauth-texts.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import type { PresetId, SetupDocument } from '../../shared/setup/setup-document.ts';

/**
 * Fixed inputs for exporter golden tests: every id and URL is spelled out, so a golden file
 * changes only when an exporter does. The org URL is a real-looking Okta host (not a
 * placeholder the pre-export lint would refuse).
 */

/** The org the fixtures pretend to be. */
export const FIXTURE_ORG_URL = 'https://acme.okta.com';

/** The client secret fixtures inline when a test asks for `--inline-secret`. */
export const FIXTURE_CLIENT_SECRET = 'fixture-secret-7Hq2vN9xLw4pR8sT1uY6zA3bC5dE0fG';

/** An export input for `preset`, on the org server or on a custom server (`default`). */
export function exportInputFor(
  preset: PresetId,
  options: {
    server?: 'org' | 'custom';
    secret?: SecretHandling;
    mergeInto?: string;
    /** Changes to the preset's document, e.g. another base URL. */
    adjust?: (document: SetupDocument) => void;
  } = {},
): ExportInput {
  const document = createSetupDocument({ id: `fixture-${preset}`, preset });
  document.assignments.groups = [{ name: 'Engineering' }];
  const server = options.server ?? (document.issuer.kind === 'custom' ? 'custom' : 'org');
  if (server === 'custom' && document.issuer.kind === 'org') {
    document.issuer = {
      kind: 'custom',
      server: { kind: 'existing', id: 'aus1fixture2default3' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'profile', 'email'],
      ...(document.issuer.groupsClaim === undefined
        ? {}
        : { groupsClaim: document.issuer.groupsClaim }),
    };
  }
  options.adjust?.(document);
  const authServerId = server === 'custom' ? 'aus1fixture2default3' : null;
  const issuer =
    authServerId === null ? FIXTURE_ORG_URL : `${FIXTURE_ORG_URL}/oauth2/${authServerId}`;
  const base = authServerId === null ? `${FIXTURE_ORG_URL}/oauth2/v1` : `${issuer}/v1`;
  return {
    document,
    applied: {
      orgUrl: FIXTURE_ORG_URL,
      appId: '0oa1fixture2app3',
      clientId: '0oa1fixture2client3',
      issuer,
      authServerId,
    },
    facts: {
      discovery: {
        issuer,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        userinfo_endpoint: `${base}/userinfo`,
        end_session_endpoint: `${base}/logout`,
        jwks_uri: `${base}/keys`,
        // The org authorization server's scopes, as Okta's discovery lists them.
        scopes_supported: [...ORG_AS_SCOPES],
      },
      assignedGroups: [
        { id: '00g1fixture2eng3', name: 'Engineering' },
        { id: '00g1fixture2adm3', name: 'Kestra Admins' },
      ],
      assignedUsers: [{ id: '00u1fixture2ada3', login: 'ada@example.com' }],
    },
    secret: options.secret ?? { kind: 'reference' },
    ...(options.mergeInto === undefined ? {} : { mergeInto: options.mergeInto }),
  };
}
