import { describe, expect, it } from 'vitest';

import { createWizardStore, WIZARD_STORAGE_KEY } from '../../../../renderer/stores/wizard-store.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      items.set(key, value);
    },
  };
}

describe('createWizardStore', () => {
  it('keeps the step and the steps reached, so a reload comes back to the same place', () => {
    const storage = memoryStorage();
    const wizard = createWizardStore('connect', { storage });
    wizard.getState().next();
    wizard.getState().next();
    wizard.getState().back();
    expect(wizard.getState()).toMatchObject({
      step: 'target',
      reached: ['connect', 'target', 'app'],
    });

    const reloaded = createWizardStore('connect', { storage });
    expect(reloaded.getState()).toMatchObject({
      step: 'target',
      reached: ['connect', 'target', 'app'],
      restoreProblem: null,
    });
  });

  it('says why a kept place could not be restored, and starts at the beginning', () => {
    for (const kept of ['{not json', JSON.stringify({ step: 'nowhere', reached: ['nowhere'] })]) {
      const storage = memoryStorage({ [WIZARD_STORAGE_KEY]: kept });
      const wizard = createWizardStore('connect', { storage });
      expect(wizard.getState().step).toBe('connect');
      expect(wizard.getState().restoreProblem).toMatch(
        /^The wizard could not be restored to the step you were on \(.+\), so it starts at the beginning\. What you typed is kept\.$/,
      );
      wizard.getState().dismissRestoreProblem();
      expect(wizard.getState().restoreProblem).toBeNull();
    }
  });

  it('starts over at the target step, with the later steps to be reached again', () => {
    const storage = memoryStorage();
    const wizard = createWizardStore('export', { storage });
    wizard.getState().startOver();
    expect(wizard.getState()).toMatchObject({ step: 'target', reached: ['connect', 'target'] });
    expect(JSON.parse(storage.items.get(WIZARD_STORAGE_KEY) ?? '{}')).toEqual({
      step: 'target',
      reached: ['connect', 'target'],
    });
  });

  it('keeps nothing without a storage', () => {
    const wizard = createWizardStore('review');
    wizard.getState().next();
    expect(wizard.getState().step).toBe('preview');
  });
});
