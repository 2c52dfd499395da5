import { createHash } from 'node:crypto';
import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { listenForCallback } from '../../../../main/sign-in/loopback-callback.ts';

describe('the loopback callback listener', () => {
  it('takes one request on its exact path, answers a page, then closes', async () => {
    const listener = await listenForCallback({
      redirectUri: 'http://127.0.0.1:0/sso-console/preview/callback',
    });
    const callback = listener.callbackFor('s');
    const base = listener.redirectUri.replace('/sso-console/preview/callback', '');
    expect((await fetch(`${base}/other?code=x&state=s`)).status).toBe(404);
    const page = await fetch(`${listener.redirectUri}?code=c&state=s`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('You can close this tab and return to SSO Setup Console');
    expect(html).toContain('<html lang="en">');
    // Styled in the system's light or dark theme, with only its own style sheet allowed.
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).toContain('Canvas');
    expect(page.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
    );
    expect(html).not.toContain('code=c');
    expect((await callback).searchParams.get('state')).toBe('s');
    await expect(fetch(`${listener.redirectUri}?code=again&state=s`)).rejects.toThrow(TypeError);
    await listener.close();
  });

  it('turns away a wrong state, then a missing one, with an error page, and waits for the real callback', async () => {
    const listener = await listenForCallback({ redirectUri: 'http://127.0.0.1:0/callback' });
    const expected = 'the-state-this-sign-in-sent';
    const callback = listener.callbackFor(expected);
    let settled = false;
    void callback.then(() => {
      settled = true;
    });
    for (const query of ['code=forged-code&state=forged-state', 'code=forged-code']) {
      const page = await fetch(`${listener.redirectUri}?${query}`, { redirect: 'manual' });
      expect(page.status).toBe(400);
      expect(page.headers.get('location')).toBeNull();
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await page.text();
      expect(html).toContain('This is not the sign-in the console started');
      expect(html).toContain('still waiting');
      // Nothing the request carried is repeated back.
      expect(html).not.toContain('forged');
      expect(settled).toBe(false);
    }
    const real = await fetch(`${listener.redirectUri}?code=real-code&state=${expected}`);
    expect(real.status).toBe(200);
    expect((await callback).searchParams.get('code')).toBe('real-code');
    await listener.close();
  });

  it('turns away every callback until it knows the state the sign-in sent', async () => {
    const listener = await listenForCallback({ redirectUri: 'http://127.0.0.1:0/callback' });
    expect((await fetch(`${listener.redirectUri}?code=c&state=s`)).status).toBe(400);
    expect((await fetch(`${listener.redirectUri}?code=c&state=`)).status).toBe(400);
    const callback = listener.callbackFor('s');
    expect((await fetch(`${listener.redirectUri}?code=c&state=s`)).status).toBe(200);
    expect((await callback).searchParams.get('code')).toBe('c');
    await listener.close();
  });

  it('serves one sign-in: a second, different state is refused', async () => {
    const listener = await listenForCallback({ redirectUri: 'http://127.0.0.1:0/callback' });
    void listener.callbackFor('first');
    expect(() => listener.callbackFor('second')).toThrow(/one sign-in/);
    await listener.close();
  });

  it('never redirects and sends no referrer from the page that ends the sign-in (RFC 9700 §4.2, §4.11)', async () => {
    const listener = await listenForCallback({ redirectUri: 'http://127.0.0.1:0/callback' });
    void listener.callbackFor('s');
    const page = await fetch(`${listener.redirectUri}?code=c&state=s`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    // Nothing loads or runs: only the page's own style sheet, by its hash.
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='$/,
    );
    expect(page.headers.get('cache-control')).toBe('no-store');
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
    const callback = listener.callbackFor('s');
    await listener.close();
    await expect(callback).rejects.toThrow(/closed before/);
  });
});
