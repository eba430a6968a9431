import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { decodeTokenPayload, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { useCustomTokenSession, type UseCustomTokenSessionOptions } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';

setLogLevel('silent');

const SECOND = 1_000;
type Session = ReturnType<typeof useCustomTokenSession>;

function Page({
  generator,
  room,
  onSession,
}: {
  generator: TokenGenerator;
  room: Room;
  onSession: (session: Session, source: CustomTokenSource) => void;
}) {
  const source = useCustomTokenSource(generator);
  const session = useCustomTokenSession(source, { roomName: 'A', room });
  onSession(session, source);
  return null;
}

/** Renders the page in StrictMode and hands back its latest session and source. */
function renderPage(generator: TokenGenerator) {
  const { room } = roomWithoutServer();
  const latest: { session?: Session; source?: CustomTokenSource } = {};
  const view = render(
    <React.StrictMode>
      <Page generator={generator} room={room} onSession={(session, source) => Object.assign(latest, { session, source })} />
    </React.StrictMode>,
  );
  return { latest, view };
}

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** Calls an action of the session without awaiting it inside `act` (it waits on fake timers), then lets it run. */
async function run(action: () => Promise<unknown>) {
  act(() => void action().catch(() => {}));
  await advance(50);
}

describe('useCustomTokenSession', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('keeps the identity of start() and end() as the session connects and ends, as LiveKit’s own', async () => {
    const { latest } = renderPage(mintingGenerator());
    await advance(50);
    const { start, end } = latest.session!;
    await run(() => latest.session!.start({ tracks: {} }));
    expect(latest.session!.connectionState).toBe('connected');
    await run(() => latest.session!.end());
    expect(latest.session!.connectionState).toBe('disconnected');
    expect(latest.session!.start, 'start()').toBe(start);
    expect(latest.session!.end, 'end()').toBe(end);
  });

  it('keeps a fresh token ready while disconnected, fetches nothing while connected, and resumes after end()', async () => {
    // 20 s tokens are refreshed 10 s before they expire.
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const { latest } = renderPage(generator);
    await advance(0);
    expect(generator).toHaveBeenCalledTimes(1);

    await advance(30 * SECOND);
    expect(generator).toHaveBeenCalledTimes(4);
    expect(latest.source!.getSnapshot().status).toBe('ready');

    await run(() => latest.session!.start({ tracks: {} }));
    expect(latest.session!.isConnected).toBe(true);
    const callsWhenConnected = generator.mock.calls.length;
    await advance(60 * SECOND);
    expect(generator).toHaveBeenCalledTimes(callsWhenConnected);
    expect(latest.source!.getSnapshot().status).toBe('expired');

    await run(() => latest.session!.end());
    expect(latest.source!.getSnapshot().status).toBe('ready');
    const callsAfterEnd = generator.mock.calls.length;
    await advance(30 * SECOND);
    expect(generator.mock.calls.length).toBeGreaterThanOrEqual(callsAfterEnd + 2);
    expect(generator.mock.calls.length).toBeLessThanOrEqual(callsAfterEnd + 3);
  });

  it('wires a source made outside React too', async () => {
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const source = createCustomTokenSource(generator);
    const { room } = roomWithoutServer();
    const sessions: Session[] = [];
    function OutsidePage({ onRender }: { onRender: (session: Session) => void }) {
      onRender(useCustomTokenSession(source, { roomName: 'A', room }));
      return null;
    }
    render(<OutsidePage onRender={(session) => sessions.push(session)} />);
    await advance(0);
    await run(() => sessions[sessions.length - 1]!.start({ tracks: {} }));
    const callsWhenConnected = generator.mock.calls.length;
    await advance(60 * SECOND);
    expect(generator).toHaveBeenCalledTimes(callsWhenConnected);
  });

  it('keeps refreshing ahead when the session component leaves while connected (the source is told it is no longer connected)', async () => {
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const source = createCustomTokenSource(generator);
    const { room } = roomWithoutServer();
    const sessions: Session[] = [];
    function Call() {
      sessions.push(useCustomTokenSession(source, { roomName: 'A', room }));
      return null;
    }
    function Screen({ inCall }: { inCall: boolean }) {
      // The page keeps a status display of the source: it stays a subscriber after the call component leaves.
      React.useEffect(() => source.subscribe(() => {}), []);
      return inCall ? <Call /> : null;
    }
    const view = render(
      <React.StrictMode>
        <Screen inCall />
      </React.StrictMode>,
    );
    await advance(0);
    await run(() => sessions.at(-1)!.start({ tracks: {} }));
    expect(room.state).toBe('connected');
    view.rerender(
      <React.StrictMode>
        <Screen inCall={false} />
      </React.StrictMode>,
    );
    await advance(50);
    const callsAfterLeaving = generator.mock.calls.length;
    await advance(60 * SECOND);
    expect(generator.mock.calls.length).toBeGreaterThanOrEqual(callsAfterLeaving + 5);
    expect(source.getSnapshot().status).toBe('ready');
  });

  it('calls the generator no more once its component unmounted, also for the fetch LiveKit sends when its unmount disconnect finishes', async () => {
    const generator = mintingGenerator(() => ({ ttl: 600 }));
    const { latest, view } = renderPage(generator);
    await advance(0);
    await run(() => latest.session!.start({ tracks: {} }));
    expect(latest.session!.isConnected).toBe(true);
    const room = latest.session!.room;
    // A real disconnect takes a round trip (a leave, the engine closing): LiveKit's forced fetch comes after it.
    const disconnect = room.disconnect.bind(room);
    room.disconnect = async (stopTracks?: boolean) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return disconnect(stopTracks);
    };
    const callsBefore = generator.mock.calls.length;
    view.unmount();
    await advance(10 * SECOND);
    expect(room.state).toBe('disconnected');
    expect(generator).toHaveBeenCalledTimes(callsBefore);
  });

  it('leaves nothing in the app’s QueryClient once its component unmounted while connected', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator(() => ({ ttl: 600 }));
    const { room } = roomWithoutServer();
    const sessions: Session[] = [];
    function Call() {
      const source = useCustomTokenSource(generator);
      sessions.push(useCustomTokenSession(source, { roomName: 'A', room }));
      return null;
    }
    const view = render(
      <QueryClientProvider client={queryClient}>
        <React.StrictMode>
          <Call />
        </React.StrictMode>
      </QueryClientProvider>,
    );
    await advance(0);
    await run(() => sessions.at(-1)!.start({ tracks: {} }));
    expect(room.state).toBe('connected');
    // A real disconnect takes a round trip: LiveKit's forced fetch for the next session comes after the unmount.
    const disconnect = room.disconnect.bind(room);
    room.disconnect = async (stopTracks?: boolean) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return disconnect(stopTracks);
    };
    view.unmount();
    await advance(10 * SECOND);
    expect(room.state).toBe('disconnected');
    expect(queryClient.getQueryCache().findAll({ queryKey: ['livekit-custom-token'] })).toEqual([]);
  });

  it('connects a start() whose token fetch the app dropped with queryClient.clear(), with a token from a new call', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const { room } = roomWithoutServer();
    const sessions: Session[] = [];
    function Call() {
      // No pre-warm answer: the start's own fetch is the one in flight.
      const source = useCustomTokenSource(generator);
      sessions.push(useCustomTokenSession(source, { roomName: 'A', room }));
      return null;
    }
    render(
      <QueryClientProvider client={queryClient}>
        <React.StrictMode>
          <Call />
        </React.StrictMode>
      </QueryClientProvider>,
    );
    await advance(0);
    let outcome: unknown = 'pending';
    act(
      () =>
        void sessions
          .at(-1)!
          .start({ tracks: {} })
          .then(
            () => (outcome = 'started'),
            (error: unknown) => (outcome = error),
          ),
    );
    await advance(0);
    expect(calls).toHaveLength(1);

    act(() => queryClient.clear());
    await advance(0);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls).toHaveLength(2);
    await act(() => calls[1]!.resolve());
    await advance(50);

    expect(outcome).toBe('started');
    expect(room.state).toBe('connected');
    await run(() => sessions.at(-1)!.end());
  });

  it("ignores an option LiveKit's useSession does not know (props spread with their children), instead of crashing the tree", async () => {
    const generator = mintingGenerator();
    const { room } = roomWithoutServer();
    const sessions: Session[] = [];
    function Call(props: UseCustomTokenSessionOptions & { children?: React.ReactNode; onRender: (session: Session) => void }) {
      const { onRender, ...options } = props;
      onRender(useCustomTokenSession(useCustomTokenSource(generator), options));
      return <>{props.children}</>;
    }
    const view = render(
      <React.StrictMode>
        <Call roomName="A" room={room} onRender={(session) => sessions.push(session)}>
          <p>In the call</p>
        </Call>
      </React.StrictMode>,
    );
    await advance(0);
    expect(view.getByText('In the call')).toBeTruthy();
    await run(() => sessions[sessions.length - 1]!.start({ tracks: {} }));
    expect(sessions[sessions.length - 1]!.isConnected).toBe(true);
    expect(generator.mock.calls[0]![0]).toEqual({ roomName: 'A' });
  });

  it('returns the same session object across renders', async () => {
    const sessions = new Set<Session>();
    const { room } = roomWithoutServer();
    const generator = mintingGenerator();
    function Counter() {
      const source = useCustomTokenSource(generator);
      sessions.add(useCustomTokenSession(source, { roomName: 'A', room, participantAttributes: { team: 'blue' } }));
      return null;
    }
    const { rerender } = render(<Counter />);
    await advance(0);
    const before = sessions.size;
    for (let i = 0; i < 3; i++) rerender(<Counter />);
    expect(sessions.size).toBe(before);
  });

  it('leaves the live call untouched when the options change while connected; the next start() uses them', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = mintingGenerator();
    const latest: { session?: Session } = {};
    const keep = (session: Session) => void (latest.session = session);
    function Call({ roomName, onSession }: { roomName: string; onSession: (session: Session) => void }) {
      onSession(useCustomTokenSession(useCustomTokenSource(generator), { roomName, room }));
      return null;
    }
    const { rerender } = render(
      <React.StrictMode>
        <Call roomName="A" onSession={keep} />
      </React.StrictMode>,
    );
    await run(() => latest.session!.start({ tracks: {} }));
    expect(latest.session!.isConnected).toBe(true);

    rerender(
      <React.StrictMode>
        <Call roomName="B" onSession={keep} />
      </React.StrictMode>,
    );
    await advance(10 * SECOND);

    expect([latest.session!.isConnected, connect.mock.calls.length]).toEqual([true, 1]);
    expect(generator.mock.calls.map(([request]) => request.roomName)).toEqual(['A']);

    await run(() => latest.session!.end());
    await run(() => latest.session!.start({ tracks: {} }));
    expect(connect).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[1]![1]).video?.room).toBe('B');
  });
});

describe('useCustomTokenSession: one source, two sessions', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('fetches nothing during one session’s call when the other, idle, leaves', async () => {
    const generator = vi.fn(mintingGenerator(() => ({ ttl: 20 })));
    const source = createCustomTokenSource(generator);
    const sessions: Session[] = [];
    function Caller({ index, room }: { index: number; room: Room }) {
      const session = useCustomTokenSession(source, { roomName: 'A', room });
      keep(index, session);
      return null;
    }
    const keep = (index: number, session: Session) => void (sessions[index] = session);
    const rooms = [roomWithoutServer().room, roomWithoutServer().room];
    const page = (withSecond: boolean) => (
      <>
        <Caller index={0} room={rooms[0]!} />
        {withSecond && <Caller index={1} room={rooms[1]!} />}
      </>
    );
    const view = render(page(true));
    await run(() => sessions[0]!.start());
    expect(sessions[0]!.isConnected).toBe(true);
    const calls = generator.mock.calls.length;

    // The idle one leaves: the other is still in its call.
    view.rerender(page(false));
    await advance(200 * SECOND);

    expect(generator.mock.calls.length).toBe(calls);
    await run(() => sessions[0]!.end());
    view.unmount();
  });

  // React 19.2's <Activity>; React 18 has none.
  const Activity = (React as { Activity?: React.ComponentType<{ mode: 'visible' | 'hidden'; children: React.ReactNode }> }).Activity;

  it.skipIf(Activity === undefined)(
    'says it is not connected once back from <Activity mode="hidden">, whose effect cleanup ended its call',
    async () => {
      const Hideable = Activity!;
      const { room } = roomWithoutServer();
      const latest: { session?: Session } = {};
      const generator = mintingGenerator();
      const page = (mode: 'visible' | 'hidden') => (
        <React.StrictMode>
          <Hideable mode={mode}>
            <Page generator={generator} room={room} onSession={(session) => (latest.session = session)} />
          </Hideable>
        </React.StrictMode>
      );
      const view = render(page('visible'));
      await run(() => latest.session!.start({ tracks: { microphone: { enabled: false } } }));
      expect(latest.session!.isConnected).toBe(true);

      // Hidden, LiveKit's useSession disconnects its room in its effect cleanup, and hears nothing of it.
      view.rerender(page('hidden'));
      await advance(50);
      expect(room.state).toBe('disconnected');
      view.rerender(page('visible'));
      await advance(50);

      expect(latest.session!.connectionState).toBe('disconnected');
      expect(latest.session!.isConnected).toBe(false);
      view.unmount();
    },
  );

  it.skipIf(Activity === undefined)(
    'back from <Activity mode="hidden"> that ended its call, shows no error and gets the next session a new token, as LiveKit asks when a call ends',
    async () => {
      const Hideable = Activity!;
      const { room } = roomWithoutServer();
      const latest: { session?: Session; source?: CustomTokenSource } = {};
      const generator = mintingGenerator();
      const page = (mode: 'visible' | 'hidden') => (
        <React.StrictMode>
          <Hideable mode={mode}>
            <Page generator={generator} room={room} onSession={(session, source) => Object.assign(latest, { session, source })} />
          </Hideable>
        </React.StrictMode>
      );
      const view = render(page('visible'));
      await run(() => latest.session!.start({ tracks: { microphone: { enabled: false } } }));
      expect(latest.session!.isConnected).toBe(true);
      const callsInCall = generator.mock.calls.length;

      view.rerender(page('hidden'));
      await advance(50);
      view.rerender(page('visible'));
      await advance(50);

      expect(latest.source!.getSnapshot().error).toBeNull();
      await run(() => latest.session!.start({ tracks: { microphone: { enabled: false } } }));
      expect(latest.session!.isConnected).toBe(true);
      expect(generator).toHaveBeenCalledTimes(callsInCall + 1);
      view.unmount();
    },
  );
});
