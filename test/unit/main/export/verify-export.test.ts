import { describe, expect, it } from 'vitest';

import { environmentThenKeychain } from '../../../../main/export/verify-export.ts';

const ORG = 'https://dev-1.okta.com';

describe('environmentThenKeychain', () => {
  const kept = (clientId: string) =>
    Promise.resolve(clientId === '0oa1client' ? 'kept-secret-value' : undefined);

  it('says the environment supplied the secret when the variable is set', async () => {
    const resolver = environmentThenKeychain({ OKTA_CLIENT_SECRET: 'from-env' }, kept);
    expect(await resolver.resolve('OKTA_CLIENT_SECRET', '0oa1client', ORG)).toEqual({
      value: 'from-env',
      from: 'environment',
    });
  });

  it('says the keychain supplied it when the variable is unset or empty (issue 19)', async () => {
    for (const env of [{}, { OKTA_CLIENT_SECRET: '' }]) {
      const resolver = environmentThenKeychain(env, kept);
      expect(await resolver.resolve('OKTA_CLIENT_SECRET', '0oa1client', ORG)).toEqual({
        value: 'kept-secret-value',
        from: 'keychain',
      });
    }
  });

  it('never hands this org’s kept secret to files naming another org’s issuer', async () => {
    const resolver = environmentThenKeychain({}, kept, ORG);
    expect(
      await resolver.resolve('OKTA_CLIENT_SECRET', '0oa1client', 'https://evil.example'),
    ).toBeUndefined();
    expect(
      await resolver.resolve('OKTA_CLIENT_SECRET', '0oa1client', `${ORG}/oauth2/default`),
    ).toEqual({ value: 'kept-secret-value', from: 'keychain' });
  });

  it('finds nothing when neither has it', async () => {
    const resolver = environmentThenKeychain({}, kept);
    expect(await resolver.resolve('OKTA_CLIENT_SECRET', '0oaOther', ORG)).toBeUndefined();
  });
});
