import { useSession } from '@livekit/components-react';
import { Room, TokenSource } from 'livekit-client';
import { CustomTokenSessionProvider, useSessionActions, useSessionState } from 'livekit-custom-token-react';
import { useEffect, useMemo, useState } from 'react';
import { benchState, slowGenerator } from './generator';

interface AppProps {
  mode: 'ours' | 'livekit';
  roomName: string;
  /** Pass `participantAttributes` as an inline object literal, as app code often does. */
  inlineAttributes: boolean;
}

/** Times `start()` (the click) to the first render that sees the session connected. */
function useConnectTimer(isConnected: boolean) {
  useEffect(() => {
    if (isConnected && benchState.startedAt !== undefined && benchState.connectMs === undefined)
      benchState.connectMs = performance.now() - benchState.startedAt;
  }, [isConnected]);
  return () => (benchState.startedAt = performance.now());
}

/** A `Room` that records when, after the click, `connect` is called: the same for both sides. */
function useTimedRoom(): Room {
  const [room] = useState(() => {
    const timed = new Room();
    const connect = timed.connect.bind(timed);
    timed.connect = (...args) => {
      if (benchState.startedAt !== undefined && benchState.roomConnectMs === undefined)
        benchState.roomConnectMs = performance.now() - benchState.startedAt;
      return connect(...args);
    };
    return timed;
  });
  return room;
}

function OursControls() {
  const { start } = useSessionActions();
  const { isConnected } = useSessionState();
  const markStart = useConnectTimer(isConnected);
  return (
    <button data-testid="start" onClick={() => (markStart(), void start())}>
      Start
    </button>
  );
}

function Ours({ roomName, inlineAttributes }: Omit<AppProps, 'mode'>) {
  const room = useTimedRoom();
  return (
    <CustomTokenSessionProvider
      room={room}
      generator={slowGenerator}
      roomName={roomName}
      participantAttributes={inlineAttributes ? { role: 'viewer' } : undefined}
      microphone={false}
    >
      <OursControls />
    </CustomTokenSessionProvider>
  );
}

/** The baseline, as LiveKit's docs write it: `TokenSource.custom` in `useMemo`, then `useSession`. */
function LiveKit({ roomName, inlineAttributes }: Omit<AppProps, 'mode'>) {
  const source = useMemo(() => TokenSource.custom((options) => slowGenerator(options)), []);
  const room = useTimedRoom();
  const session = useSession(source, inlineAttributes ? { room, roomName, participantAttributes: { role: 'viewer' } } : { room, roomName });
  const markStart = useConnectTimer(session.isConnected);
  return (
    <button data-testid="start" onClick={() => (markStart(), void session.start({ tracks: {} }).catch(() => undefined))}>
      Start
    </button>
  );
}

/** The benchmark clicks "ready" before "start": the page re-renders once in between, as any app does. */
export function App({ mode, ...props }: AppProps) {
  const [ready, setReady] = useState(false);
  return (
    <>
      <button data-testid="ready" onClick={() => setReady(true)}>
        {ready ? 'Ready' : 'Get ready'}
      </button>
      {mode === 'ours' ? <Ours {...props} /> : <LiveKit {...props} />}
    </>
  );
}
