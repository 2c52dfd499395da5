import './styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { getBridge } from './api/bridge.ts';
import { App } from './app/app.tsx';
import { createActivityStore } from './stores/activity-store.ts';
import { createConsoleViewStore } from './stores/console-view-store.ts';
import { createDirectoryStore } from './stores/directory-store.ts';
import { createDriftStore } from './stores/drift-store.ts';
import { createExportStore } from './stores/export-store.ts';
import { createManagedAppsStore } from './stores/managed-apps-store.ts';
import { createPreviewStore } from './stores/preview-store.ts';
import { createProfilesStore } from './stores/profiles-store.ts';
import { createRotationStore } from './stores/rotation-store.ts';
import { createSetupDocumentStore } from './stores/setup-document-store.ts';
import { createSetupRunStore } from './stores/setup-run-store.ts';
import { StoreProvider } from './stores/store-context.tsx';
import { createTeardownStore } from './stores/teardown-store.ts';
import { createWizardStore } from './stores/wizard-store.ts';

const api = getBridge();
const stores = {
  profiles: createProfilesStore(api),
  setupDocument: createSetupDocumentStore({
    storage: window.localStorage,
    newId: () => crypto.randomUUID(),
  }),
  wizard: createWizardStore('connect', { storage: window.sessionStorage }),
  directory: createDirectoryStore(api),
  setupRun: createSetupRunStore(api),
  preview: createPreviewStore(api),
  export: createExportStore(api),
  consoleView: createConsoleViewStore(),
  managedApps: createManagedAppsStore(api),
  teardown: createTeardownStore(api),
  activity: createActivityStore(api),
  rotation: createRotationStore(api),
  drift: createDriftStore(api),
};
// Asked before React draws the first page, so main's answer is on its way meanwhile: the page is
// ready (`data-app-state`) about one round trip sooner (issue 16, P4).
void stores.profiles.getState().start();
const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no #root element');
}
createRoot(container).render(
  <StrictMode>
    <StoreProvider {...stores}>
      <App api={api} />
    </StoreProvider>
  </StrictMode>,
);
