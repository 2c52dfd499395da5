import { collect } from '../okta/collections.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import {
  readOktaAppUser,
  readOktaDiscovery,
  readOktaGroup,
  readOktaGroupAssignment,
} from '../okta/okta-json.ts';
import type { AppliedSetup, ExportFacts } from './exporter.ts';

/**
 * What an export needs from the org, read once and handed to the pure exporters.
 *
 * @remarks
 * Read from the org rather than taken from the wizard's memory, so an export made days after the
 * apply (or from the command line) reflects what is there now: the issuer as discovery states it
 * (exported byte for byte, targets.md §0) and the assignments Terraform must list in full. The
 * app and its ids come from `readAppliedSetup` (main/okta/applied-setup.ts).
 */

/** An export that cannot be made yet, with what to do. */
export class ExportNotReadyError extends Error {
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = 'ExportNotReadyError';
    this.hint = hint;
  }
}

/**
 * The discovery document and the app's assignments.
 *
 * @remarks
 * Discovery is fetched at the issuer the console expects and its `issuer` is what gets exported;
 * a difference (a custom domain's issuer mode) is refused with both strings, because go-oidc
 * targets would refuse it at start-up with a less helpful message.
 */
export async function gatherExportFacts(
  client: OktaClient,
  applied: AppliedSetup,
  fetchImpl: typeof fetch = fetch,
): Promise<ExportFacts> {
  const discoveryUrl = `${applied.issuer}/.well-known/openid-configuration`;
  const response = await fetchImpl(discoveryUrl, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new ExportNotReadyError(
      `The discovery document at ${discoveryUrl} answered HTTP ${String(response.status)}.`,
      'Check that the authorization server is active, then export again.',
    );
  }
  const discovery: ExportFacts['discovery'] = readOktaDiscovery(await response.json());
  if (discovery.issuer !== applied.issuer) {
    throw new ExportNotReadyError(
      `Discovery states the issuer ${discovery.issuer}, not ${applied.issuer}: the app's tokens will carry the first, and strict targets compare the strings exactly.`,
      "Check the app's issuer mode (a custom domain changes the issuer's host), then export again.",
    );
  }
  const [groupAssignments, users] = await Promise.all([
    collect(
      await client.applicationApi.listApplicationGroupAssignments({
        appId: applied.appId,
        expand: 'group',
      }),
    ),
    collect(await client.applicationApi.listApplicationUsers({ appId: applied.appId })),
  ]);
  const assignedGroups = await Promise.all(
    groupAssignments.map(readOktaGroupAssignment).map(async (assignment) => {
      const id = assignment.id ?? '';
      const name =
        assignment.group.name ??
        readOktaGroup(await client.groupApi.getGroup({ groupId: id })).name;
      return { id, name: name ?? id };
    }),
  );
  // Users assigned directly, not through a group (Terraform's okta_app_user is for those).
  const assignedUsers = users
    .map(readOktaAppUser)
    .filter((user) => user.scope !== 'GROUP')
    .map((user) => ({
      id: user.id ?? '',
      login: user.userName ?? user.id ?? '',
    }));
  return { discovery, assignedGroups, assignedUsers };
}
