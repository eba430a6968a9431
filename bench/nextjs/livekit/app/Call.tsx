'use client';

import { SessionProvider, useAgent, useSession, useSessionContext, useTracks, VideoTrack } from '@livekit/components-react';
import { Track, TokenSource } from 'livekit-client';
import { useMemo } from 'react';

function Screen() {
  const session = useSessionContext();
  const agent = useAgent();
  const cameras = useTracks([Track.Source.Camera]);
  return (
    <>
      <button onClick={() => void (session.isConnected ? session.end() : session.start())}>{session.isConnected ? 'Leave' : 'Join'}</button>
      <p role="status">{agent.state}</p>
      {cameras.map((camera) => (
        <VideoTrack key={camera.publication?.trackSid ?? camera.participant.identity} trackRef={camera} />
      ))}
    </>
  );
}

/** What an app writes without the package: LiveKit's endpoint token source, `useSession`, `SessionProvider` and components. */
export function Call() {
  const source = useMemo(() => TokenSource.endpoint('/api/livekit-token'), []);
  const session = useSession(source, { roomName: 'demo' });
  return (
    <SessionProvider session={session}>
      <Screen />
    </SessionProvider>
  );
}
