import { ConnectionQuality } from '@livekit/protocol';
import { SessionProvider, useAgent, useSession, useSessionContext, useTracks } from '@livekit/components-react';
import { act, render } from '@testing-library/react';
import { ParticipantKind, RoomEvent, Track, TokenSource, type RemoteParticipant, type Room } from 'livekit-client';
import * as React from 'react';
import { it } from 'vitest';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { useCameraTracks } from '../../src/hooks/useCameraTracks';
import { useSessionActions } from '../../src/hooks/useSessionActions';
import { useSessionState } from '../../src/hooks/useSessionState';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { joinRemote, publishCamera, roomWithoutServer, setAttributes, tokenGenerator } from '../../test/helpers/room';
import { settle } from '../../test/providers/render';
import { isSmoke, writeResult } from '../writeResult';

const EVENTS = isSmoke ? 10 : 100;

interface Cast {
  room: Room;
  bob: RemoteParticipant;
  agent: RemoteParticipant;
}

/** One kind of room event, emitted on real livekit-client objects as the SDK would announce it; `i` counts from 0. */
const eventKinds: { name: string; emit: (cast: Cast, i: number) => void }[] = [
  {
    name: 'camera published / unpublished',
    emit: ({ room, bob }, i) => {
      if (i % 2 === 0) return void publishCamera(room, bob);
      const publication = bob.getTrackPublication(Track.Source.Camera)!;
      bob.unpublishTrack(publication.trackSid);
      room.emit(RoomEvent.TrackUnpublished, publication, bob);
    },
  },
  { name: 'participant attribute changed', emit: ({ room, bob }, i) => setAttributes(room, bob, { note: String(i) }) },
  {
    name: 'agent state changed',
    emit: ({ room, agent }, i) => setAttributes(room, agent, { 'lk.agent.state': i % 2 === 0 ? 'thinking' : 'listening' }),
  },
  {
    name: 'active speaker changed',
    emit: ({ room, bob }, i) => {
      bob.setIsSpeaking(i % 2 === 0);
      room.emit(RoomEvent.ActiveSpeakersChanged, i % 2 === 0 ? [bob] : []);
    },
  },
  {
    name: 'connection quality changed',
    emit: ({ room, bob }, i) => {
      bob.setConnectionQuality(i % 2 === 0 ? ConnectionQuality.POOR : ConnectionQuality.EXCELLENT);
      room.emit(RoomEvent.ConnectionQualityChanged, bob.connectionQuality, bob);
    },
  },
];

/** A component that reads one hook and counts its renders. */
function consumer(name: string, useHook: () => unknown) {
  const renders = { current: 0 };
  function Consumer() {
    useHook();
    // The benchmark counts renders: a side effect of rendering is what it measures.
    // eslint-disable-next-line react-hooks/immutability
    renders.current += 1;
    return null;
  }
  return { name, Consumer, renders };
}
type Consumers = ReturnType<typeof consumer>[];

/** Both sides get their consumers as `children` made outside, so only a context change re-renders them. */
interface SessionProps {
  room: Room;
  onStart: (start: () => Promise<void>) => void;
  children: React.ReactNode;
}

function OursActions({ onStart }: Pick<SessionProps, 'onStart'>) {
  onStart(useSessionActions().start);
  return null;
}

function OursSession({ room, onStart, children }: SessionProps) {
  return (
    <CustomTokenSessionProvider generator={tokenGenerator()} room={room} roomName="standup" microphone={false}>
      <OursActions onStart={onStart} />
      {children}
    </CustomTokenSessionProvider>
  );
}

function LiveKitSession({ room, onStart, children }: SessionProps) {
  const generator = React.useMemo(() => tokenGenerator(), []);
  const source = React.useMemo(
    () => TokenSource.custom((options) => generator(options, { signal: new AbortController().signal, attempt: 1 })),
    [generator],
  );
  const session = useSession(source, { roomName: 'standup', room });
  onStart(() => session.start({ tracks: {} }));
  return <SessionProvider session={session}>{children}</SessionProvider>;
}

/** Renders per kind of event for each consumer, in one live session (not StrictMode: one render is one render). */
async function rendersPerEvent(Session: typeof OursSession, consumers: Consumers): Promise<number[][]> {
  const { room } = roomWithoutServer();
  let start!: () => Promise<void>;
  const { unmount } = render(
    <Session room={room} onStart={(s) => (start = s)}>
      {consumers.map(({ name, Consumer }) => (
        <Consumer key={name} />
      ))}
    </Session>,
  );
  await settle(() => start());
  const cast: Cast = { room, bob: undefined as never, agent: undefined as never };
  act(() => {
    cast.bob = joinRemote(room, 'bob');
    cast.agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
  });
  const counts = eventKinds.map(({ emit }) => {
    const before = consumers.map(({ renders }) => renders.current);
    for (let i = 0; i < EVENTS; i++) act(() => emit(cast, i));
    return consumers.map(({ renders }, index) => renders.current - before[index]!);
  });
  unmount();
  await room.disconnect();
  return counts;
}

it(`counts renders per ${EVENTS} room events, our hooks beside LiveKit's session context, useAgent and useTracks`, async () => {
  const ours = [
    consumer('useSessionState', useSessionState),
    consumer('useCameraTracks', useCameraTracks),
    consumer('useAgentStatus', useAgentStatus),
    consumer('useTokenStatus', () => useTokenStatus()),
  ];
  const liveKit = [
    consumer('LiveKit useSessionContext', useSessionContext),
    consumer('LiveKit useAgent', () => useAgent()),
    consumer('LiveKit useTracks(camera)', () => useTracks([Track.Source.Camera])),
  ];
  const oursCounts = await rendersPerEvent(OursSession, ours);
  const liveKitCounts = await rendersPerEvent(LiveKitSession, liveKit);
  const rows = eventKinds.map(({ name }, index) => [name, ...oursCounts[index]!, ...liveKitCounts[index]!]);
  const total = [...ours, ...liveKit].map((_, column) => rows.reduce((sum, row) => sum + (row[column + 1] as number), 0));
  writeResult({
    id: '2-renders',
    title: `2. Renders per ${EVENTS} room events (jsdom, real Room, events emitted on it)`,
    baseline: "consumers of LiveKit's useSessionContext, useAgent and useTracks([Camera]) under useSession + SessionProvider",
    columns: ['event (each row: ' + EVENTS + ' events)', ...ours.map((c) => `ours ${c.name}`), ...liveKit.map((c) => c.name)],
    rows: [...rows, [`all ${EVENTS * eventKinds.length} events`, ...total]],
    notes: [
      'One live session per side (connect skips only the network); a remote participant and an agent joined before counting; no StrictMode, so one render is one render.',
      'Consumers are passed as `children` made outside the component that calls `useSession` on both sides, so only context changes re-render them (no parent cascade counted against LiveKit).',
      'Camera events alternate publish / unpublish; speaker and quality events alternate between two values, so every event is a real change.',
    ],
  });
});
