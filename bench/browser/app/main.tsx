import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const query = new URLSearchParams(window.location.search);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App
      mode={query.get('mode') === 'livekit' ? 'livekit' : 'ours'}
      roomName={query.get('room') ?? 'bench'}
      inlineAttributes={query.get('attributes') === 'inline'}
    />
  </StrictMode>,
);
