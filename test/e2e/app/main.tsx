import { version as livekitClientVersion } from 'livekit-client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readParams } from './params';
import type { E2EWindow } from './state';

(window as E2EWindow).__livekitClientVersion = livekitClientVersion;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App params={readParams(window.location.search)} />
  </StrictMode>,
);
