import { describe, expect, it } from 'vitest';

import { serialiseExchange } from '../../../../main/sandbox/exchange-recorder.ts';

describe('serialiseExchange', () => {
  it('masks secret fields at any depth, keeping their length, and leaves everything else', () => {
    const line = serialiseExchange({
      method: 'POST',
      path: '/api/v1/apps',
      query: '',
      status: 200,
      contentType: 'application/json',
      body: {
        label: 'Kestra',
        credentials: {
          oauthClient: {
            client_id: '0oa1',
            client_secret: 'very-secret-value',
            token_endpoint_auth_method: 'client_secret_basic',
          },
        },
        activationToken: 'tok-123',
      },
    });
    expect(line).not.toContain('very-secret-value');
    expect(line).not.toContain('tok-123');
    expect(JSON.parse(line)).toMatchObject({
      body: {
        label: 'Kestra',
        credentials: {
          oauthClient: { client_id: '0oa1', client_secret: '*'.repeat('very-secret-value'.length) },
        },
      },
    });
  });
});
