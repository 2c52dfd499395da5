import { oktaError } from '../okta-errors.ts';
import type { OidcEndpoint } from './context.ts';
import { forwardToProvider } from './forwarding.ts';
import { sendJson } from './http-answers.ts';
import { findClient } from './okta-oauth-rules.ts';

/**
 * The discovery documents with a `client_id`: Okta refuses an unknown client there (the
 * document's `issuer` follows that client's issuer mode); the provider serves the document.
 */
export const discoveryEndpoint: OidcEndpoint = {
  matches: (call) =>
    call.endpoint.startsWith('/.well-known/') && call.url.searchParams.has('client_id'),
  async handle(context, call) {
    const client = findClient(context.org, call.url.searchParams.get('client_id') ?? '');
    if (client === undefined) {
      const { body } = oktaError(400, 'invalid_client', "Invalid value for 'client_id' parameter");
      sendJson(call.response, 400, body);
      return;
    }
    await forwardToProvider(call);
  },
};
