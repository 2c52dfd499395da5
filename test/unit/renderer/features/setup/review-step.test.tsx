import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ReviewStep } from '../../../../../renderer/features/setup/review-step.tsx';
import { createPreviewStore } from '../../../../../renderer/stores/preview-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../../renderer/stores/wizard-store.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const PLAN = {
  steps: [
    {
      key: 'app',
      kind: 'app',
      action: 'create',
      title: 'App integration "Kestra"',
      changes: [
        { field: 'tokenEndpointAuthMethod', after: 'client_secret_basic' },
        { field: 'implicitAssignment', after: false },
        { field: 'redirectUris', after: ['http://localhost:8080/oauth/callback/okta'] },
      ],
      dependsOn: [],
    },
    {
      key: 'test-user:ada@example.com',
      kind: 'test-user',
      action: 'create',
      title: 'Test user ada@example.com',
      changes: [{ field: 'login', after: 'ada@example.com' }],
      dependsOn: [],
    },
    {
      key: 'user-assignment:ada@example.com',
      kind: 'user-assignment',
      action: 'create',
      title: 'ada@example.com assigned to the app',
      changes: [],
      dependsOn: ['app'],
    },
    {
      key: 'group-assignment:Kestra Admins',
      kind: 'group-assignment',
      action: 'create',
      title: 'Group "Kestra Admins" assigned to the app',
      changes: [],
      dependsOn: ['app'],
    },
  ],
  blockers: [],
  notes: [],
};

async function renderReview(
  options: {
    plan?: typeof PLAN;
    withTestUser?: boolean;
    answers?: Parameters<typeof createFakeBridge>[0];
  } = {},
) {
  const fake = createFakeBridge({
    'setup:plan': () => ({ ok: true, data: { planId: 'plan-1', plan: options.plan ?? PLAN } }),
    ...options.answers,
  });
  const setupDocument = createSetupDocumentStore({
    storage: { getItem: () => null, setItem: () => undefined },
    newId: () => 'setup-1',
  });
  if (options.withTestUser === true) {
    setupDocument.getState().update((draft) => {
      draft.assignments.testUser = { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' };
    });
  }
  const wizard = createWizardStore('review');
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      setupDocument={setupDocument}
      wizard={wizard}
      setupRun={createSetupRunStore(fake.api)}
      preview={createPreviewStore(fake.api)}
    >
      <ReviewStep />
    </StoreProvider>,
  );
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return { fake, wizard };
}

describe('ReviewStep', () => {
  it('names fields as the Admin Console does, with the API name on hover', async () => {
    await renderReview();
    const app = screen.getByRole('listitem', { name: 'App integration "Kestra": create' });
    const auth = within(app).getByRole('rowheader', { name: 'Client authentication' });
    expect(auth.querySelector('[title]')?.getAttribute('title')).toBe(
      'API name: tokenEndpointAuthMethod',
    );
    const broker = within(app).getByRole('row', { name: /^Federation Broker Mode/ });
    expect(broker.textContent).toContain('No');
    expect(within(app).getByRole('row', { name: /^Client authentication/ }).textContent).toContain(
      'Client secret (HTTP Basic)',
    );
    expect(app.textContent).not.toMatch(/tokenEndpointAuthMethod|implicitAssignment/);
  });

  it('says what happens in sentences, the test user created and assigned in one', async () => {
    await renderReview();
    const changes = screen.getByRole('list', { name: 'Changes' });
    expect(changes.textContent).toContain(
      'Test user ada@example.com will be created and assigned to the app.',
    );
    expect(changes.textContent).toContain('Group "Kestra Admins" will be assigned to the app.');
    expect(changes.textContent).not.toContain('assigned to the app will be created');
    expect(within(changes).getAllByRole('listitem')).toHaveLength(3);
  });

  it('once the org matches a setup with a test user, signs in as them in one action', async () => {
    const unchanged = {
      ...PLAN,
      steps: PLAN.steps.map((step) => ({ ...step, action: 'unchanged', changes: [] })),
    };
    const { fake, wizard } = await renderReview({ plan: unchanged, withTestUser: true });
    const primary = document.querySelectorAll('.button--primary');
    expect([...primary].map((button) => button.textContent)).toEqual(['Sign in as the test user']);
    expect(screen.getByRole('button', { name: 'Next: preview the login' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as the test user' }));
    expect(wizard.getState().step).toBe('preview');
    expect(fake.calls.find((call) => call.channel === 'preview:start')?.request).toMatchObject({
      user: { kind: 'test-user' },
      allowAppChange: true,
    });
  });

  it('has one primary action, Apply, in the step’s bar', async () => {
    await renderReview();
    const primary = document.querySelectorAll('.button--primary');
    expect([...primary].map((button) => button.textContent)).toEqual(['Apply']);
  });

  it('cancels a running apply, says what it made, and puts the keyboard on that', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const cancelled = {
      ok: false,
      error: {
        code: 'CANCELLED',
        message:
          'The apply was cancelled, as you asked: it stopped before its next request to Okta, with 1 of 4 changes made (App integration "Kestra").',
        hint: 'Apply again to finish the setup: it continues from the journal and creates nothing twice.',
      },
    };
    const { fake } = await renderReview({
      answers: {
        'setup:apply': () =>
          new Promise((resolve) => {
            answer = resolve;
          }),
        'setup:cancel': () => ({ ok: true, data: { cancelled: true } }),
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const operationId = (
      fake.calls.find((call) => call.channel === 'setup:apply')?.request as { operationId: string }
    ).operationId;
    act(() => {
      fake.emit('setup:apply-progress', {
        operationId,
        stepKey: 'app',
        title: 'App integration "Kestra"',
        state: 'done',
      });
    });
    expect(screen.queryByRole('button', { name: 'Back' })?.hasAttribute('disabled')).toBe(true);
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    cancel.focus();
    await act(async () => {
      fireEvent.click(cancel);
      await Promise.resolve();
    });
    expect(fake.calls.find((call) => call.channel === 'setup:cancel')?.request).toEqual({
      operationId,
    });
    // Stopping: the button says so and keeps the keyboard until the message is there.
    expect(document.activeElement?.textContent).toBe('Cancelling…');

    await act(async () => {
      answer(cancelled);
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const heading = screen.getByRole('heading', { name: 'Apply cancelled' });
    expect(document.activeElement).toBe(heading);
    const panel = screen.getByTestId('apply-cancelled');
    expect(panel.textContent).toContain('with 1 of 4 changes made (App integration "Kestra")');
    expect(panel.textContent).toContain('Apply again to finish the setup');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    const progress = screen.getByRole('list', { name: 'Apply progress' });
    expect(progress.textContent).toContain('App integration "Kestra" — done');
    expect(progress.textContent).toContain('Test user ada@example.com — not done (cancelled)');
    const primary = document.querySelectorAll('.button--primary');
    expect([...primary].map((button) => button.textContent)).toEqual(['Apply again']);
  });

  describe('cancelling the plan', () => {
    const CANCELLED = {
      ok: false,
      error: {
        code: 'CANCELLED',
        message:
          'Planning was cancelled, as you asked: the console stopped reading the org, dropping at once any read still waiting (for Okta’s rate limit, say), and made no plan. A plan only reads, so nothing in the org was changed.',
        hint: 'Plan again when you are ready. If Okta’s rate limit is still in force, the plan waits for its reset first.',
      },
    };

    /** The review step with its first plan held until `answerFirst`; later plans answer at once. */
    async function renderHeldPlan() {
      let answerFirst: (value: unknown) => void = () => undefined;
      let plans = 0;
      const rendered = await renderReview({
        answers: {
          'setup:plan': () => {
            plans += 1;
            return plans === 1
              ? new Promise((resolve) => {
                  answerFirst = resolve;
                })
              : { ok: true, data: { planId: 'plan-2', plan: PLAN } };
          },
          'setup:cancel': () => ({ ok: true, data: { cancelled: true } }),
        },
      });
      return {
        ...rendered,
        answerFirst: (value: unknown) => {
          answerFirst(value);
        },
      };
    }

    it('stops a plan held by Okta, says nothing changed with the keyboard on it, and plans again', async () => {
      const { fake, answerFirst } = await renderHeldPlan();
      expect(screen.getByRole('status').textContent).toBe('Reading the org and planning…');
      expect(screen.getByRole('button', { name: 'Apply' }).getAttribute('aria-disabled')).toBe(
        'true',
      );
      const operationId = (fake.calls[0]?.request as { operationId?: string }).operationId;
      expect(operationId).toEqual(expect.any(String));

      const cancel = screen.getByRole('button', { name: 'Cancel' });
      cancel.focus();
      await act(async () => {
        fireEvent.click(cancel);
        await Promise.resolve();
      });
      expect(fake.calls.find((call) => call.channel === 'setup:cancel')?.request).toEqual({
        operationId,
      });
      expect(screen.getByRole('status').textContent).toBe('Stopping the plan…');
      expect(document.activeElement?.textContent).toBe('Cancelling…');

      await act(async () => {
        answerFirst(CANCELLED);
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
      const heading = screen.getByRole('heading', { name: 'Planning cancelled' });
      expect(document.activeElement).toBe(heading);
      const panel = screen.getByTestId('plan-cancelled');
      expect(panel.textContent).toContain('nothing in the org was changed');
      expect(panel.textContent).toContain('Plan again when you are ready');
      expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
      expect(screen.queryByRole('alert')).toBeNull();
      // Apply says why it cannot run; the cancelled plan is not made again unasked.
      const apply = screen.getByRole('button', { name: 'Apply' });
      const reasonId = apply.getAttribute('aria-describedby') ?? '';
      expect(document.getElementById(reasonId)?.textContent).toContain(
        'Planning was cancelled: plan again.',
      );
      expect(fake.calls.filter((call) => call.channel === 'setup:plan')).toHaveLength(1);

      await act(async () => {
        fireEvent.click(within(panel).getByRole('button', { name: 'Plan again' }));
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
      expect(fake.calls.filter((call) => call.channel === 'setup:plan')).toHaveLength(2);
      expect(screen.getByTestId('plan-summary').textContent).toContain('Plan: 4 to create');
      expect(screen.queryByTestId('plan-cancelled')).toBeNull();
      // The panel went with its button: the keyboard is on the step, not dropped to the page.
      expect(document.activeElement).toBe(
        screen.getByRole('heading', { name: 'Review and apply' }),
      );
    });

    it('leaves the keyboard where the admin put it while the plan stopped', async () => {
      const { answerFirst } = await renderHeldPlan();
      await act(async () => {
        fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
        await Promise.resolve();
      });
      const back = screen.getByRole('button', { name: 'Back' });
      back.focus();
      await act(async () => {
        answerFirst(CANCELLED);
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
      expect(screen.getByTestId('plan-cancelled')).toBeTruthy();
      expect(document.activeElement).toBe(back);
    });
  });
});
