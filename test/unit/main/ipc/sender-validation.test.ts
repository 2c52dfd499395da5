import { describe, expect, it } from 'vitest';

import { checkSender } from '../../../../main/ipc/sender-validation.ts';

const TRUSTED = new Set([7]);
const APP = 'app://console';

describe('checkSender (Electron checklist #17)', () => {
  it('accepts the top frame of a trusted window on the app origin', () => {
    expect(
      checkSender(
        { sender: { id: 7 }, senderFrame: { url: 'app://console/index.html', parent: null } },
        TRUSTED,
        APP,
      ),
    ).toBeNull();
  });

  it.each([
    ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }, 'no-frame'],
    [
      'an unknown webContents',
      { sender: { id: 8 }, senderFrame: { url: 'app://console/', parent: null } },
      'untrusted-web-contents',
    ],
    [
      'about:blank',
      { sender: { id: 7 }, senderFrame: { url: 'about:blank', parent: null } },
      'foreign-origin',
    ],
    [
      'another origin',
      { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } },
      'foreign-origin',
    ],
    [
      'a look-alike host',
      { sender: { id: 7 }, senderFrame: { url: 'app://console.evil/', parent: null } },
      'foreign-origin',
    ],
    [
      'a subframe',
      { sender: { id: 7 }, senderFrame: { url: 'app://console/x', parent: {} } },
      'not-top-frame',
    ],
  ] as const)('refuses %s', (_name, event, reason) => {
    expect(checkSender(event, TRUSTED, APP)).toBe(reason);
  });
});
