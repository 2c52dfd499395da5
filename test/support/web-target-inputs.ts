import type { ExportInput, SecretHandling } from '../../main/export/exporter.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from './export-fixtures.ts';

/**
 * Export inputs for targets that have no preset of their own (Spring Boot, Grafana, Argo CD,
 * oauth2-proxy, Auth.js, GitLab): the generic web preset, moved to the target's address and
 * callback, so the registered redirect URI is the one the target's rule produces.
 */

/** Where a target is served and the path its callback rule appends. */
export interface TargetAddress {
  baseUrl: string;
  callbackPath: string;
}

/** One golden-test variant: which server, how the secret appears, whether a groups claim exists. */
export interface ExportVariant {
  name: string;
  server: 'org' | 'custom';
  secret: SecretHandling;
  groups: boolean;
}

/**
 * The variants every target's golden tests cover: both authorization servers, the secret
 * referenced and inlined, and a custom server with a groups claim (the org server's groups claim
 * is set in the Admin Console, so the fixtures leave it to the custom server).
 */
export const EXPORT_VARIANTS: readonly ExportVariant[] = [
  { name: 'org-reference', server: 'org', secret: { kind: 'reference' }, groups: false },
  {
    name: 'org-inline',
    server: 'org',
    secret: { kind: 'inline', value: FIXTURE_CLIENT_SECRET },
    groups: false,
  },
  { name: 'custom-reference', server: 'custom', secret: { kind: 'reference' }, groups: false },
  {
    name: 'custom-groups-inline',
    server: 'custom',
    secret: { kind: 'inline', value: FIXTURE_CLIENT_SECRET },
    groups: true,
  },
];

/** Adds a groups claim releasing every group (and, on a custom server, the `groups` scope). */
export function withGroupsClaim(document: SetupDocument): void {
  document.issuer.groupsClaim = {
    type: 'FILTER',
    name: 'groups',
    filterType: 'REGEX',
    value: '.*',
  };
  if (document.issuer.kind === 'custom' && !document.issuer.scopes.includes('groups')) {
    document.issuer.scopes.push('groups');
  }
}

/** The fixed export input for a target served at `address`, in one variant. */
export function targetInputFor(
  address: TargetAddress,
  variant: Omit<ExportVariant, 'name'>,
  adjust?: (document: SetupDocument) => void,
): ExportInput {
  return exportInputFor('web', {
    server: variant.server,
    secret: variant.secret,
    adjust: (document) => {
      document.target.baseUrl = address.baseUrl;
      document.app.redirectUris = [`${address.baseUrl}${address.callbackPath}`];
      document.app.postLogoutRedirectUris = [address.baseUrl];
      if (variant.groups) {
        withGroupsClaim(document);
      }
      adjust?.(document);
    },
  });
}

/** The variant called `name`, one of {@link EXPORT_VARIANTS}. */
export function variantNamed(
  name: 'org-reference' | 'org-inline' | 'custom-reference' | 'custom-groups-inline',
): ExportVariant {
  const variant = EXPORT_VARIANTS.find((candidate) => candidate.name === name);
  if (variant === undefined) {
    throw new Error(`No export variant ${name}.`);
  }
  return variant;
}
