import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { listenForCallback } from '../../../../main/sign-in/loopback-callback.ts';

describe('the loopback callback listener', () => {
  it('takes one request on its exact path, answers a page, then closes', async () => {
    const listener = await listenForCallback({
      redirectUri: 'http://127.0.0.1:0/sso-console/preview/callback',
    });
    const base = listener.redirectUri.replace('/sso-console/preview/callback', '');
    expect((await fetch(`${base}/other?code=x`)).status).toBe(404);
    const page = await fetch(`${listener.redirectUri}?code=c&state=s`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('You can close this window and return to SSO Setup Console');
    expect(html).toContain('<html lang="en">');
    expect(html).not.toContain('code=c');
    expect((await listener.callback).searchParams.get('state')).toBe('s');
    await expect(fetch(`${listener.redirectUri}?code=again&state=s`)).rejects.toThrow(TypeError);
    await listener.close();
  });

  it('says PORT_IN_USE when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await expect(
      listenForCallback({ redirectUri: `http://127.0.0.1:${String(port)}/callback` }),
    ).rejects.toMatchObject({ code: 'PORT_IN_USE' });
    await new Promise((resolve) => blocker.close(resolve));
  });

  it.each(['https://127.0.0.1/cb', 'http://kestra.example.com/cb', 'http://10.0.0.5/cb'])(
    'refuses %s: not an http loopback address',
    async (redirectUri) => {
      await expect(listenForCallback({ redirectUri })).rejects.toMatchObject({
        code: 'NOT_LOOPBACK',
      });
    },
  );

  it('rejects the pending callback when closed before one came', async () => {
    const listener = await listenForCallback({ redirectUri: 'http://127.0.0.1:0/cb' });
    await listener.close();
    await expect(listener.callback).rejects.toThrow(/closed before/);
  });
});
