/**
 * The issuer an app's tokens carry, as relying parties must configure it: the org URL for the
 * org authorization server, `{org}/oauth2/{id}` for a custom one (okta-behaviours.md §1).
 */
export function issuerUrl(orgUrl: string, authServerId: string | undefined): string {
  return authServerId === undefined ? orgUrl : `${orgUrl}/oauth2/${authServerId}`;
}
