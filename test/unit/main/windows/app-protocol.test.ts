import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { createAppProtocolHandler } from '../../../../main/windows/app-protocol.ts';
import { buildCsp } from '../../../../main/windows/csp.ts';
import { resolveAsset } from '../../../../main/windows/static-assets.ts';

let root: string;

beforeAll(() => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'app-protocol-'));
  root = path.join(parent, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(parent, 'secret.txt'), 'outside the renderer');
});

describe('resolveAsset (Electron checklist #18)', () => {
  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%00index.html',
    '/%E0%A4%A',
  ])('refuses %s', (requestPath) => {
    expect(resolveAsset(requestPath, root).ok).toBe(false);
  });

  it('serves index.html for / and refuses unknown file types', () => {
    expect(resolveAsset('/', root)).toMatchObject({
      ok: true,
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAsset('/assets/app.exe', root)).toEqual({ ok: false, status: 404 });
  });
});

describe('createAppProtocolHandler', () => {
  it('serves the renderer with the CSP and hardening headers', async () => {
    const handle = createAppProtocolHandler(root);
    const response = await handle(new Request('app://console/assets/app.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(buildCsp('ipc'));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('refuses other hosts, other methods, traversal and missing files', async () => {
    const handle = createAppProtocolHandler(root);
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404);
    expect((await handle(new Request('app://console/index.html', { method: 'POST' }))).status).toBe(
      405,
    );
    expect((await handle(new Request('app://console/..%2fsecret.txt'))).status).toBe(400);
    expect((await handle(new Request('app://console/missing.js'))).status).toBe(404);
  });
});
