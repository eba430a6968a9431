import { useSession } from '@livekit/components-react';
import { TokenSource } from 'livekit-client';
import { CustomTokenSessionProvider, useSessionActions, useSessionState } from 'livekit-custom-token-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { benchState, slowGenerator } from './generator';

interface AppProps {
  mode: 'ours' | 'livekit';
  roomName: string;
  /** Pass `participantAttributes` as an inline object literal, as app code often does. */
  inlineAttributes: boolean;
}

/** Times `start()` (the click) to the first render that sees the session connected. */
function useConnectTimer(isConnected: boolean) {
  const startedAt = useRef<number | null>(null);
  useEffect(() => {
    if (isConnected && startedAt.current !== null && benchState.connectMs === undefined) benchState.connectMs = performance.now() - startedAt.current;
  }, [isConnected]);
  return () => (startedAt.current = performance.now());
}

function OursControls() {
  const { start } = useSessionActions();
  const { isConnected } = useSessionState();
  const markStart = useConnectTimer(isConnected);
  return <button data-testid="start" onClick={() => (markStart(), void start())}>Start</button>;
}

function Ours({ roomName, inlineAttributes }: Omit<AppProps, 'mode'>) {
  return (
    <CustomTokenSessionProvider generator={slowGenerator} roomName={roomName} participantAttributes={inlineAttributes ? { role: 'viewer' } : undefined} microphone={false}>
      <OursControls />
    </CustomTokenSessionProvider>
  );
}

/** The baseline, as LiveKit's docs write it: `TokenSource.custom` in `useMemo`, then `useSession`. */
function LiveKit({ roomName, inlineAttributes }: Omit<AppProps, 'mode'>) {
  const source = useMemo(() => TokenSource.custom((options) => slowGenerator(options)), []);
  const session = useSession(source, inlineAttributes ? { roomName, participantAttributes: { role: 'viewer' } } : { roomName });
  const markStart = useConnectTimer(session.isConnected);
  return <button data-testid="start" onClick={() => (markStart(), void session.start({ tracks: {} }).catch(() => undefined))}>Start</button>;
}

/** The benchmark clicks "ready" before "start": the page re-renders once in between, as any app does. */
export function App({ mode, ...props }: AppProps) {
  const [ready, setReady] = useState(false);
  return (
    <>
      <button data-testid="ready" onClick={() => setReady(true)}>{ready ? 'Ready' : 'Get ready'}</button>
      {mode === 'ours' ? <Ours {...props} /> : <LiveKit {...props} />}
    </>
  );
}
