import './styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { getBridge } from './api/bridge.ts';
import { App } from './app/app.tsx';
import { createProfilesStore } from './stores/profiles-store.ts';
import { StoreProvider } from './stores/store-context.tsx';

const api = getBridge();
const profiles = createProfilesStore(api);
const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no #root element');
}
createRoot(container).render(
  <StrictMode>
    <StoreProvider profiles={profiles}>
      <App api={api} />
    </StoreProvider>
  </StrictMode>,
);
