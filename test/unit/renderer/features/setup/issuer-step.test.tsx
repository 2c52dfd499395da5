import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { IssuerStep } from '../../../../../renderer/features/setup/issuer-step.tsx';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../../renderer/stores/wizard-store.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

function renderIssuerStep() {
  const fake = createFakeBridge({});
  const setupDocument = createSetupDocumentStore({
    storage: { getItem: () => null, setItem: () => undefined },
    newId: () => 'setup-1',
  });
  setupDocument.getState().startFromPreset('kestra');
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      setupDocument={setupDocument}
      wizard={createWizardStore('issuer')}
    >
      <IssuerStep />
    </StoreProvider>,
  );
}

/** The grey lines shown under the fields right now (help on request that is closed excluded). */
function visibleHelp(): string[] {
  return [...document.querySelectorAll<HTMLElement>('.field__help')]
    .filter((help) => !help.hidden && help.textContent !== '')
    .map((help) => help.textContent);
}

describe('IssuerStep’s help', () => {
  it('keeps the groups claim’s limit on the org server in place, and notes a mode off the preset', () => {
    renderIssuerStep();
    const limit =
      'Set on the app’s Sign On tab: Okta puts it only into ID tokens asked for with the groups scope, never into access tokens.';
    // Before the claim is added, its limit is background, one click away.
    expect(visibleHelp()).not.toContain(limit);
    expect(screen.getByRole('button', { name: 'About Add a groups claim' })).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Add a groups claim' }));
    expect(visibleHelp()).toContain(
      'Set on the app’s Sign On tab: Okta puts it only into ID tokens asked for with the groups scope, never into access tokens.',
    );
    expect(visibleHelp()).not.toContain('Kestra’s preset uses Okta URL (ORG_URL).');
    fireEvent.click(screen.getByRole('radio', { name: 'Dynamic (DYNAMIC)' }));
    expect(visibleHelp()).toContain('Kestra’s preset uses Okta URL (ORG_URL).');
  });
});
