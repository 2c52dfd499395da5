import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { KeychainNotice } from '../../../../../renderer/features/keychain/keychain-notice.tsx';
import type { KeychainStatus } from '../../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const UNREACHABLE: KeychainStatus = {
  store: 'keychain',
  keychainName: 'Secret Service',
  isReachable: false,
  problem: 'The Secret Service could not be used (Could not connect).',
  help: { text: 'Start a Secret Service in your D-Bus session.', command: 'dbus-run-session -- …' },
  secretsInMemory: 0,
};

/** The notice over a bridge whose keychain answers `statuses` in turn, the last one after. */
function renderNotice(statuses: KeychainStatus[], chosen?: KeychainStatus) {
  let calls = 0;
  const bridge = createFakeBridge({
    'keychain:status': () => ({
      ok: true,
      data: statuses[Math.min(calls++, statuses.length - 1)],
    }),
    'keychain:keep-in-memory': () => ({ ok: true, data: chosen }),
  });
  render(
    <>
      <KeychainNotice api={bridge.api} />
      <main id="main" tabIndex={-1} />
    </>,
  );
  return bridge;
}

describe('KeychainNotice', () => {
  it('shows nothing when the keychain keeps secrets', async () => {
    const bridge = renderNotice([{ ...UNREACHABLE, isReachable: true, problem: null }]);
    await waitFor(() => {
      expect(bridge.calls.map((call) => call.channel)).toEqual(['keychain:status']);
    });
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('says no keychain is reachable, what it means, and how to get one', async () => {
    renderNotice([UNREACHABLE]);
    const notice = await screen.findByRole('region', { name: 'No keychain is reachable' });
    expect(notice.textContent).toContain(
      'only in the OS keychain (Secret Service), never in a file',
    );
    expect(notice.textContent).toContain('(Could not connect)');
    expect(notice.textContent).toContain('refused before anything changes in the org');
    expect(notice.textContent).toContain('Start a Secret Service in your D-Bus session.');
    expect(notice.querySelector('pre code')?.textContent).toBe('dbus-run-session -- …');
  });

  it('states the consequences before the choice, and Escape gives focus back', async () => {
    const bridge = renderNotice([UNREACHABLE]);
    const open = await screen.findByRole('button', {
      name: 'Keep secrets in memory for this session…',
    });
    fireEvent.click(open);
    const heading = screen.getByRole('heading', {
      name: 'Keep secrets in this session’s memory instead?',
    });
    expect(document.activeElement).toBe(heading);
    const group = screen.getByRole('group', {
      name: 'Keep secrets in this session’s memory instead?',
    });
    expect(group.textContent).toContain('They are lost when the console quits');
    expect(group.textContent).toContain('export your files');
    expect(open.getAttribute('aria-expanded')).toBe('true');

    fireEvent.keyDown(heading, { key: 'Escape' });
    expect(screen.queryByRole('group')).toBeNull();
    expect(document.activeElement).toBe(open);
    expect(bridge.calls.map((call) => call.channel)).not.toContain('keychain:keep-in-memory');
  });

  it('keeps secrets in memory only on the explicit choice, then says so and takes focus', async () => {
    const bridge = renderNotice([UNREACHABLE], {
      ...UNREACHABLE,
      store: 'session-memory',
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Keep secrets in memory for this session…' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Keep secrets in memory until I quit' }));
    const memory = await screen.findByTestId('keychain-memory');
    expect(memory.textContent).toContain('Secrets are kept in this session’s memory only');
    expect(memory.textContent).toContain('all are lost when the console quits');
    expect(document.activeElement).toBe(memory);
    expect(bridge.calls).toContainEqual({
      channel: 'keychain:keep-in-memory',
      request: { consequencesRead: true },
    });
  });

  it('checks again on request, and goes (focus to the page) once a keychain answers', async () => {
    renderNotice([UNREACHABLE, UNREACHABLE, { ...UNREACHABLE, isReachable: true, problem: null }]);
    fireEvent.click(await screen.findByRole('button', { name: 'Check again' }));
    expect((await screen.findByText(/still not reachable/)).getAttribute('role')).toBe('status');
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => {
      expect(screen.queryByRole('region')).toBeNull();
    });
    expect(document.activeElement?.id).toBe('main');
  });
});
