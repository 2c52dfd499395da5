import type { OktaClient } from './okta-client.ts';

/**
 * Management requests the SDK's typed API does not make (an internal endpoint, a page of the
 * System Log with its `Link` header, a read of two fields of a large object), sent through the
 * client's own request path: its authentication, the console's request scheduler and timeouts,
 * and a service app's DPoP proof.
 */

/** A raw answer: its JSON (`undefined` for an empty body) and its headers (e.g. `Link`). */
export interface OktaJsonAnswer {
  body: unknown;
  headers: { get(name: string): string | null };
}

/** node-fetch's response as the SDK's `http` resolves it, by the fields read (no types here). */
interface RawResponse {
  text(): Promise<string>;
  headers: { get(name: string): string | null };
}

type RawHttp = (
  url: string,
  request: { method: string; headers: Record<string, string>; body?: string },
) => Promise<RawResponse>;

/**
 * Sends one management request and reads its JSON. A non-2xx answer throws the SDK's own error
 * (`OktaApiError` with its status and error code), as the typed API does.
 *
 * @remarks
 * The method goes out in capitals, and this is why the SDK's convenience methods are not used:
 * the SDK signs a DPoP proof's `htm` with the method as the caller wrote it, and `getJson` or
 * `postJson` write it in lower case, which Okta refuses for a DPoP-bound token (RFC 9449 §4.3:
 * `htm` is the request's method, and methods are case-sensitive).
 */
export async function requestOktaJson(
  client: OktaClient,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<OktaJsonAnswer> {
  const http = client.http.http.bind(client.http) as unknown as RawHttp;
  const response = await http(url, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

/** What `encodeURIComponent` escapes that RFC 3986 allows in a path segment, `;` aside. */
const SEGMENT_CHARACTERS = /%(?:24|26|2B|2C|3A|3D|40)/gi;

/**
 * A value as one segment of a management API path (a login, an id): percent-encoded only where
 * a segment needs it. Okta compares a DPoP proof's `htu` with the request's path decoded, so a
 * proof for `/api/v1/users/ada%40example.com` is refused (okta/okta-sdk-nodejs#521), while
 * `/api/v1/users/ada@example.com` names the same user; the same holds for `+` in a
 * plus-addressed login, and `$ & , : =`. `;` stays escaped: servers may cut a path at it.
 */
export function oktaPathSegment(value: string): string {
  return encodeURIComponent(value).replace(SEGMENT_CHARACTERS, (escaped) =>
    decodeURIComponent(escaped),
  );
}
