import { createPrivateKey, generateKeyPairSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { generateServiceAppKey, readPrivateKey } from '../../../../main/okta/service-app-key.ts';
import { createRedactor, privateKeySecrets } from '../../../../main/platform/logging/redact.ts';

describe('generateServiceAppKey', () => {
  it('makes an RSA 2048 pair whose public JWK matches the private key', () => {
    const key = generateServiceAppKey();
    const privateJwk = JSON.parse(key.privateKey) as Record<string, string>;
    expect(privateJwk.kid).toBe(key.keyId);
    expect(privateJwk.n).toBe(key.publicJwk.n);
    expect(key.publicJwk).not.toHaveProperty('d');
    const imported = createPrivateKey({ key: privateJwk, format: 'jwk' });
    expect(imported.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(generateServiceAppKey().keyId).not.toBe(key.keyId);
  });
});

describe('readPrivateKey', () => {
  it('reads a PEM with the thumbprint as kid, or the kid given', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const read = readPrivateKey(pem, 'key.pem');
    expect(read.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(read.keyId).toMatch(/^[\w-]{43}$/);
    expect(readPrivateKey(pem, 'key.pem', 'my-kid').keyId).toBe('my-kid');
  });

  it('reads a private JWK and keeps its kid', () => {
    const key = generateServiceAppKey();
    expect(readPrivateKey(key.privateKey, 'key.json')).toMatchObject({
      keyId: key.keyId,
      publicJwk: key.publicJwk,
    });
  });

  it('refuses a public key or garbage, naming the file and never the content', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const text of [pem, 'not a key', '{"kty":']) {
      let message = '';
      try {
        readPrivateKey(text, '/ci/key.pem');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('/ci/key.pem');
      expect(message).not.toContain(text);
    }
  });

  it('refuses an EC key on a curve Okta does not take', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => readPrivateKey(pem, 'key.pem')).toThrow(/RSA or EC \(P-256\)/);
  });
});

describe('redacting a private key', () => {
  it('removes the JWK and each of its secret members, and any PEM block', () => {
    const key = generateServiceAppKey();
    const jwk = JSON.parse(key.privateKey) as Record<string, string>;
    const redactor = createRedactor([]);
    privateKeySecrets(key.privateKey).forEach((part) => {
      redactor.remember(part);
    });
    const text = redactor.text(
      `failed with ${key.privateKey}; d=${jwk.d ?? ''} and q ${jwk.q ?? ''} and ${jwk.dp ?? ''}`,
    );
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      expect(text).not.toContain(jwk[member]);
    }
    const pem = createPrivateKey({ key: jwk, format: 'jwk' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const unknown = createRedactor([]).text(`the file held\n${pem}\nand more`);
    expect(unknown).not.toContain('PRIVATE KEY-----\nMII');
    expect(unknown).toContain('and more');
  });
});
