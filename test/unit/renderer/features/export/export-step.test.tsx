import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SetupWizard } from '../../../../../renderer/app/setup-wizard.tsx';
import { ExportStep } from '../../../../../renderer/features/export/export-step.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createDirectoryStore } from '../../../../../renderer/stores/directory-store.ts';
import { createExportStore } from '../../../../../renderer/stores/export-store.ts';
import { createPreviewStore } from '../../../../../renderer/stores/preview-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import {
  createWizardStore,
  type WizardStepId,
} from '../../../../../renderer/stores/wizard-store.ts';
import type { Result } from '../../../../../shared/ipc/result.ts';
import { createSetupDocument } from '../../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../../shared/setup/setup-document.ts';
import {
  CATALOGUE,
  deferred,
  DOTENV_SENSITIVE_OUTPUT,
  RENDERED,
  VERIFIED,
  VERIFY_STARTED,
} from '../../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const APP_INFO = (mode: 'electron' | 'browser') => () => ({
  ok: true,
  data: {
    mode,
    version: '0.1.0',
    secretStore: { kind: 'memory', isPersistent: false, isOsProtected: false },
  },
});

/** Lets pending answers and the renders they cause settle. */
async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

async function renderStep(
  answers: Parameters<typeof createFakeBridge>[0],
  options: { document?: SetupDocument; step?: WizardStepId } = {},
) {
  const fake = createFakeBridge({
    'app:get-info': APP_INFO('electron'),
    'export:targets': () => ({ ok: true, data: { targets: CATALOGUE } }),
    'export:render': () => ({ ok: true, data: RENDERED }),
    ...answers,
  });
  const document = options.document ?? createSetupDocument({ id: 'setup-1', preset: 'kestra' });
  const stores = {
    profiles: createProfilesStore(fake.api),
    setupDocument: createSetupDocumentStore({
      storage: {
        getItem: () => JSON.stringify(document),
        setItem: () => undefined,
      },
      newId: () => 'fresh',
    }),
    wizard: createWizardStore(options.step ?? 'export'),
    directory: createDirectoryStore(fake.api),
    setupRun: createSetupRunStore(fake.api),
    preview: createPreviewStore(fake.api),
    consoleView: createConsoleViewStore(),
    export: createExportStore(fake.api, {
      download: vi.fn(),
      writeClipboard: vi.fn(() => Promise.resolve()),
    }),
  };
  stores.setupDocument.getState().replace(document);
  render(
    <StoreProvider {...stores}>
      {options.step === undefined ? <ExportStep /> : <SetupWizard />}
    </StoreProvider>,
  );
  await settle();
  return { fake, stores };
}

async function writeFiles() {
  fireEvent.click(screen.getByRole('button', { name: 'Write the files' }));
  await settle();
}

function renderRequest(fake: ReturnType<typeof createFakeBridge>) {
  return fake.calls.filter((call) => call.channel === 'export:render').at(-1)?.request;
}

describe('ExportStep', () => {
  it('lists the targets with the preset’s own chosen, and shows what was written', async () => {
    await renderStep({});
    const targets = screen.getByRole('group', { name: 'Targets' });
    expect(within(targets).getByRole('checkbox', { name: 'Kestra' })).toHaveProperty(
      'checked',
      true,
    );
    expect(within(targets).getByRole('checkbox', { name: 'Kaimu' })).toHaveProperty(
      'checked',
      false,
    );
    // What each target writes is one click away, not under every checkbox.
    const kestra = within(targets).getByRole('checkbox', { name: 'Kestra' });
    expect(kestra.getAttribute('aria-describedby')).toBeNull();
    fireEvent.click(within(targets).getByRole('button', { name: 'About the Kestra files' }));
    expect(
      document.getElementById(kestra.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toBe(CATALOGUE.find((target) => target.id === 'kestra')?.description);

    await writeFiles();
    expect(screen.getByText('Wrote 1 file for 1 target.')).toBeTruthy();
    const card = screen.getByRole('region', { name: 'Kestra' });
    const file = within(card).getByRole('article', { name: 'application.yml' });
    expect(within(file).getByText(/put it next to docker-compose\.yml/)).toBeTruthy();
    const code = within(file).getByRole('region', { name: 'application.yml contents' });
    expect(code.textContent).toContain("client-id: '0oa1client'");
    const keys = [...code.querySelectorAll('.code-token--key')].map((node) => node.textContent);
    expect(keys).toContain('micronaut');
    expect(code.querySelector('.code-token--comment')?.textContent).toBe(
      '# Written by the SSO Setup Console',
    );
    const steps = within(card).getByRole('list', { name: 'Next steps for Kestra' });
    expect(steps.tagName).toBe('OL');
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Set OKTA_CLIENT_SECRET in Kestra’s environment.', 'Restart Kestra.']);
    expect(within(card).getByRole('note').textContent).toBe(
      'Kestra reads the groups claim only from the ID token.',
    );
  });

  it('explains a refused target in place, with what to do', async () => {
    await renderStep({});
    await writeFiles();
    const refused = screen
      .getAllByRole('alert')
      .find((alert) => alert.getAttribute('data-refused-target') === 'terraform');
    expect(refused?.textContent).toContain(
      'Terraform: The app has no Terraform-managed counterpart.',
    );
    expect(refused?.textContent).toContain('Import the app into Terraform first.');
  });

  it('warns next to the inline-secret choice, and sends it', async () => {
    const { fake } = await renderStep({});
    const inline = screen.getByRole('checkbox', { name: 'Put the client secret in the files' });
    const description = () =>
      document.getElementById(inline.getAttribute('aria-describedby') ?? '')?.textContent ?? '';
    // Off, the safe default, says nothing until asked.
    expect(inline.getAttribute('aria-describedby')).toBeNull();
    fireEvent.click(
      screen.getByRole('button', { name: 'About Put the client secret in the files' }),
    );
    expect(description()).toContain('environment variable');
    fireEvent.click(inline);
    expect(description()).toContain('mode 0600');
    expect(description()).toContain('anyone who can read a file can use the secret');
    await writeFiles();
    expect(renderRequest(fake)).toMatchObject({ targets: ['kestra'], inlineSecret: true });
  });

  it('merges into a picked application.yml for Kestra', async () => {
    const { fake } = await renderStep({});
    const input = screen.getByLabelText('Merge into an existing application.yml');
    await act(async () => {
      fireEvent.change(input, {
        target: { files: [new File(['datasources: {}\n'], 'application.yml')] },
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(screen.getByText(/Merging into/).textContent).toContain('application.yml');
    await writeFiles();
    expect(renderRequest(fake)).toMatchObject({
      mergeInto: { target: 'kestra', content: 'datasources: {}\n' },
    });
  });

  it('is usable from the keyboard: native controls in reading order, and the overwrite question takes focus', async () => {
    await renderStep({
      'export:save': (request) =>
        'replace' in (request as object)
          ? { ok: true, data: { kind: 'saved', path: '/srv/application.yml', mode: '0644' } }
          : {
              ok: true,
              data: {
                kind: 'confirm-overwrite',
                path: '/srv/application.yml',
                diff: '--- a\n+++ b\n-old: 1\n+new: 2',
                replaceHash: 'h1',
                replaceId: 't1',
              },
            },
    });
    await writeFiles();
    // Everything that acts is a native control (or a scrollable region made focusable), none
    // is taken out of the tab order, and they come in reading order.
    const step = screen.getByRole('region', { name: 'Export config files' });
    const focusable = [
      ...step.querySelectorAll<HTMLElement>('button, input, a[href], [tabindex]'),
    ].filter((element) => element.tabIndex >= 0);
    const names = focusable.map(
      (element) =>
        element.getAttribute('aria-label') ??
        (element instanceof HTMLInputElement ? element.labels?.[0]?.textContent : null) ??
        element.textContent,
    );
    // The step's bar comes last: Back, writing again, and the one primary action.
    const order = [
      'Kestra',
      'Put the client secret in the files',
      'Merge into an existing application.yml',
      'application.yml contents',
      'Copy',
      'Save…',
      'Login',
      'Verify by signing in',
      'Go to Managed apps',
      'Back',
      'Write the files again',
      'Set up another app',
    ];
    const positions = order.map((name) => names.indexOf(name));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const save = screen.getByRole('button', { name: 'Save…' });
    save.focus();
    fireEvent.click(save);
    await settle();
    const question = screen.getByRole('group', { name: /already exists/ });
    expect(document.activeElement?.textContent).toContain('/srv/application.yml already exists');
    expect(
      within(question).getByRole('region', { name: 'Changes to /srv/application.yml' }),
    ).toBeTruthy();
    expect(question.querySelector('.diff-line--added')?.textContent).toContain('+new: 2');
    fireEvent.click(within(question).getByRole('button', { name: 'Replace' }));
    await settle();
    expect(screen.queryByRole('group', { name: /already exists/ })).toBeNull();
    expect(screen.getByText('Saved to /srv/application.yml.')).toBeTruthy();
    // The question is gone, and the keyboard is back on Save rather than on the page body.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Save…' }));
  });

  it('offers Download in browser mode and marks a file holding the secret', async () => {
    await renderStep({
      'app:get-info': APP_INFO('browser'),
      'export:render': () => ({
        ok: true,
        data: { renderId: 'r', outputs: [DOTENV_SENSITIVE_OUTPUT], refused: [] },
      }),
    });
    fireEvent.click(screen.getByRole('checkbox', { name: '.env file' }));
    await writeFiles();
    const file = screen.getByRole('article', { name: '.env' });
    expect(within(file).getByRole('button', { name: 'Download' })).toBeTruthy();
    expect(within(file).queryByRole('button', { name: 'Save…' })).toBeNull();
    expect(within(file).getByText('Holds the client secret')).toBeTruthy();
  });

  it('verifies by signing in: the link, what the files say, then the result with its checks', async () => {
    const wait = deferred<Result<typeof VERIFIED>>();
    const { fake } = await renderStep({
      'export:verify-start': () => ({ ok: true, data: VERIFY_STARTED }),
      'export:verify-wait': () => wait.promise,
    });
    await writeFiles();
    const card = screen.getByRole('region', { name: 'Kestra' });
    const verify = within(card).getByRole('button', { name: 'Verify by signing in' });
    expect(verify).toHaveProperty('disabled', true);
    fireEvent.change(within(card).getByLabelText('Login'), {
      target: { value: 'ada@example.com' },
    });
    fireEvent.click(verify);
    await settle();

    const link = within(card).getByRole('link', { name: 'Open the sign-in page' });
    expect(link.getAttribute('href')).toBe(VERIFY_STARTED.authorizeUrl);
    expect(link.getAttribute('target')).toBe('_blank');
    const reading = within(card).getByLabelText('What the files say');
    expect(reading.textContent).toContain('OKTA_CLIENT_SECRET');
    expect(reading.textContent).toContain('client_secret_basic');
    expect(within(card).getByText('Waiting for the sign-in…')).toBeTruthy();
    expect(
      fake.calls.find((call) => call.channel === 'export:verify-start')?.request,
    ).toMatchObject({ user: { kind: 'existing', login: 'ada@example.com' } });

    await act(async () => {
      wait.resolve({ ok: true, data: VERIFIED });
      await Promise.resolve();
    });
    await settle();
    const headline = card.querySelector('.verification__headline')?.textContent ?? '';
    expect(headline).toMatch(/^Verified: all 3 checks passed · .+ · sha256 0123456789ab$/);
    // Where the secret really came from stays in view, outside the folded detail.
    const source = card.querySelector('.verification__secret');
    expect(source?.textContent).toContain('the console used the secret it keeps in the keychain');
    expect(source?.closest('details')).toBeNull();
    // Every check passed: the detail is folded behind its summary.
    const detail = card.querySelector('details');
    expect(detail?.open).toBe(false);
    expect(detail?.querySelector('summary')?.textContent).toBe(
      'Checks, what the files say and the ID token’s claims',
    );
    expect(card.querySelector('time')?.getAttribute('dateTime')).toBe(VERIFIED.verifiedAt);
    const checks = within(card).getByRole('list', { name: 'Checks' });
    expect(within(checks).getAllByRole('listitem')[0]?.textContent).toBe(
      '✓Passed: Files parse — application.yml is valid YAML',
    );
    expect(within(card).getByRole('table', { name: 'ID token claims' })).toBeTruthy();
  });

  it('opens the verification’s detail from the start when a check failed', async () => {
    const failed = {
      ...VERIFIED,
      ok: false,
      verifiedAt: null,
      claims: null,
      checks: [
        VERIFIED.checks[0],
        { name: 'Signed in', ok: false, detail: 'Okta refused the client secret' },
      ],
    } as typeof VERIFIED;
    await renderStep({
      'export:verify-start': () => ({ ok: true, data: VERIFY_STARTED }),
      'export:verify-wait': () => ({ ok: true, data: failed }),
    });
    await writeFiles();
    const card = screen.getByRole('region', { name: 'Kestra' });
    fireEvent.change(within(card).getByLabelText('Login'), { target: { value: 'ada' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Verify by signing in' }));
    await settle();
    await settle();
    expect(card.querySelector('.verification__headline')?.textContent).toBe(
      'Not verified: signing in with these files failed (1 of 2 checks failed).',
    );
    expect(card.querySelector('details')?.open).toBe(true);
    expect(within(card).getByRole('list', { name: 'Checks' }).textContent).toContain(
      'Okta refused the client secret',
    );
  });

  it('puts the client secret right under the next steps that ask for it', async () => {
    const { stores } = await renderStep({});
    act(() => {
      stores.setupRun.setState({
        apply: {
          ...stores.setupRun.getState().apply,
          status: 'done',
          result: {
            orgUrl: 'https://acme.okta.com',
            appId: '0oa1app',
            clientId: '0oa1client',
            issuer: 'https://acme.okta.com',
            authServerId: null,
            clientSecretStored: true,
            testUserLogin: null,
            steps: [],
            adminLinks: [],
            keychainWarning: null,
          },
        },
      });
    });
    // Applied: the files are written as the step shows them, without a click.
    await settle();
    const card = screen.getByRole('region', { name: 'Kestra' });
    const steps = within(card).getByRole('list', { name: 'Next steps for Kestra' });
    const show = within(card).getByRole('button', { name: 'Show client secret' });
    // After the steps in reading order, and before the verification.
    expect(steps.compareDocumentPosition(show) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const verify = within(card).getByRole('button', { name: 'Verify by signing in' });
    expect(show.compareDocumentPosition(verify) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // Said once: no second card repeating what the next steps say.
    expect(screen.queryByRole('heading', { name: /client secret the files refer to/ })).toBeNull();
  });

  it('never links a sign-in address that is not a web address', async () => {
    await renderStep({
      'export:verify-start': () => ({
        ok: true,
        data: { ...VERIFY_STARTED, authorizeUrl: 'javascript:alert(1)' },
      }),
      'export:verify-wait': () => new Promise(() => undefined),
    });
    await writeFiles();
    const card = screen.getByRole('region', { name: 'Kestra' });
    fireEvent.change(within(card).getByLabelText('Login'), { target: { value: 'ada' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Verify by signing in' }));
    await settle();
    expect(within(card).queryByRole('link')).toBeNull();
    expect(within(card).getByText(/not a web address/)).toBeTruthy();
  });

  it('offers the setup’s test user for the verification when there is one', async () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });
    document.assignments.testUser = { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' };
    const { fake } = await renderStep(
      { 'export:verify-start': () => new Promise(() => undefined) },
      { document },
    );
    await writeFiles();
    const card = screen.getByRole('region', { name: 'Kestra' });
    expect(within(card).getByRole('radio', { name: 'The setup’s test user' })).toHaveProperty(
      'checked',
      true,
    );
    const verify = within(card).getByRole('button', { name: 'Verify by signing in' });
    verify.focus();
    fireEvent.click(verify);
    await settle();
    expect(
      fake.calls.find((call) => call.channel === 'export:verify-start')?.request,
    ).toMatchObject({ user: { kind: 'test-user' } });
    // Busy, yet still focusable: the keyboard is not dropped while the sign-in starts.
    const busy = within(card).getByRole('button', { name: 'Starting the sign-in…' });
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    expect(globalThis.document.activeElement).toBe(busy);
  });

  it('explains a failed rendering in place', async () => {
    await renderStep({
      'export:render': () => ({
        ok: false,
        error: { code: 'SETUP_BLOCKED', message: 'Nothing applied yet.', hint: 'Apply first.' },
      }),
    });
    await writeFiles();
    expect(screen.getByRole('alert').textContent).toContain('Nothing applied yet.');
  });
});

describe('the wizard', () => {
  it('goes from the preview to the export step, with the keyboard on its heading', async () => {
    await renderStep({}, { step: 'preview' });
    // Each step's code loads on first use (setup-wizard.tsx), so the steps are awaited.
    fireEvent.click(await screen.findByRole('button', { name: 'Next: export config files' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Export config files' });
    await waitFor(() => {
      expect(document.activeElement).toBe(heading);
    });
    expect(
      screen.getByRole('button', { name: /Export config files/, current: 'step' }),
    ).toBeTruthy();
  });
});
