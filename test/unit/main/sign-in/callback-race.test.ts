import { describe, expect, it } from 'vitest';

import { createCallbackRace } from '../../../../main/sign-in/callback-race.ts';
import { PastedCallbackError } from '../../../../main/sign-in/redirect-strategy.ts';

const redirectUri = 'http://127.0.0.1:8080/callback';

describe('createCallbackRace', () => {
  it('answers with the first source that brings the callback', async () => {
    const race = createCallbackRace({ redirectUri, cancelledMessage: 'cancelled' });
    const listened = new URL(`${redirectUri}?code=a&state=s`);
    const never = new Promise<URL>(() => undefined);
    await expect(race.first([undefined, Promise.resolve(listened), never])).resolves.toBe(listened);
  });

  it('takes a pasted address only when it is the redirect URI', async () => {
    const race = createCallbackRace({ redirectUri, cancelledMessage: 'cancelled' });
    expect(() => {
      race.paste('http://127.0.0.1:9999/elsewhere?code=a&state=s');
    }).toThrow(PastedCallbackError);
    const waiting = race.first([new Promise<URL>(() => undefined)]);
    race.paste(`${redirectUri}?code=pasted&state=s`);
    expect((await waiting).searchParams.get('code')).toBe('pasted');
  });

  it('rejects the wait with the caller’s words on cancel, and aborts its signal', async () => {
    const race = createCallbackRace({
      redirectUri,
      cancelledMessage: 'The preview was cancelled.',
    });
    const waiting = race.first([new Promise<URL>(() => undefined)]);
    expect(race.signal.aborted).toBe(false);
    race.cancel();
    expect(race.signal.aborted).toBe(true);
    await expect(waiting).rejects.toThrow('The preview was cancelled.');
  });
});
