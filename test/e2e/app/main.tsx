import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readParams } from './params';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App params={readParams(window.location.search)} />
  </StrictMode>,
);
