import type { OktaClient } from '../../main/okta/okta-client.ts';

type RawHttp = OktaClient['http']['http'];

/**
 * `client`, with every raw request it sends (`client.http.http`, the path `requestOktaJson`
 * takes) handed to `around`, which sends it by calling `send`: for a test that must see what was
 * sent, or a bench that times it. The SDK's typed API keeps its own reference and is not seen.
 */
export function watchOktaRequests(
  client: OktaClient,
  around: (url: string, send: () => Promise<unknown>) => Promise<unknown>,
): OktaClient {
  const raw = (...args: Parameters<RawHttp>) =>
    around(args[0], () => Reflect.apply(client.http.http, client.http, args) as Promise<unknown>);
  const http = new Proxy(client.http, {
    get: (target, property) =>
      property === 'http' ? raw : (Reflect.get(target, property) as unknown),
  });
  return new Proxy(client, {
    get: (target, property) =>
      property === 'http' ? http : (Reflect.get(target, property) as unknown),
  });
}
