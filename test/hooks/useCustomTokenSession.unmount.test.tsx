import { useSession } from '@livekit/components-react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import fc from 'fast-check';
import { ConnectionState, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import { isCustomTokenError } from '../../src/core/errors';
import type { TokenGenerator } from '../../src/core/types';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { advance, flush } from '../helpers/fakeTime';
import { fakeMediaDevices } from '../helpers/media';
import { controlledGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';
import { propertyRuns } from '../helpers/propertyRuns';

setLogLevel('silent');

type Session = ReturnType<typeof useSession>;

/** Calls LiveKit's start() as an app's Join does (caught; by default with no tracks), and records how it ended. */
function join(session: Session, options: Parameters<Session['start']>[0] = { tracks: {} }) {
  const outcome: { settled?: unknown } = {};
  act(
    () =>
      void session.start(options).then(
        () => (outcome.settled = 'started'),
        (error: unknown) => (outcome.settled = error),
      ),
  );
  return outcome;
}

/** A component that runs the hooks path (its own source) on `room`; `latest.session` is its session. */
function sessionComponent(generator: TokenGenerator, room: Room) {
  const latest: { session?: Session } = {};
  function Call() {
    latest.session = useCustomTokenSession(useCustomTokenSource(generator), { roomName: 'standup', room });
    return null;
  }
  return { Call, latest };
}

/** Answers every token call still waited for, as the backend would. */
async function answerTokens(calls: ReturnType<typeof controlledGenerator>['calls']) {
  for (const call of calls.filter(({ signal }) => !signal.aborted)) await act(() => call.resolve());
  await flush();
}

function expectAbandoned(room: Room, connect: { mock: { calls: unknown[] } }, outcome: { settled?: unknown }) {
  expect(connect.mock.calls, 'no room.connect after the session component left').toEqual([]);
  expect(room.state).toBe(ConnectionState.Disconnected);
  expect(isCustomTokenError(outcome.settled) && outcome.settled.code, 'start() rejects with a typed abort').toBe('aborted');
}

/** Runs of the property (40); raise them and pick the seed to explore: `HOOKS_UNMOUNT_PROPERTY_RUNS=400 HOOKS_UNMOUNT_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('HOOKS_UNMOUNT_PROPERTY', 40);

describe('the hooks path: a session component leaving while its start() waits for the token', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-05T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('does not connect once the token arrives, when the source lives on in the parent (useCustomTokenSession)', async () => {
    const { generator, calls } = controlledGenerator();
    const { room, connect } = roomWithoutServer();
    const latest: { session?: Session } = {};
    function Call({ source }: { source: CustomTokenSource }) {
      latest.session = useCustomTokenSession(source, { roomName: 'standup', room });
      return null;
    }
    function Page({ inCall }: { inCall: boolean }) {
      const source = useCustomTokenSource(generator);
      return (
        <>
          <p>{useTokenStatus(source).status}</p>
          {inCall && <Call source={source} />}
        </>
      );
    }
    const view = render(
      <React.StrictMode>
        <Page inCall />
      </React.StrictMode>,
    );
    await flush();
    const outcome = join(latest.session!);
    await flush();

    view.rerender(
      <React.StrictMode>
        <Page inCall={false} />
      </React.StrictMode>,
    );
    await flush();
    await act(() => calls[0]!.resolve());
    await flush();

    expectAbandoned(room, connect, outcome);
    // The parent still shows the token: it was fetched for it too.
    expect(view.container.textContent).toBe('ready');
  });

  it.each([
    ['useCustomTokenSession', (source: CustomTokenSource, room: Room) => useCustomTokenSession(source, { roomName: 'standup', room })],
    ["LiveKit's useSession", (source: CustomTokenSource, room: Room) => useSession(source, { roomName: 'standup', room })],
  ])('does not connect (%s) when another source of the scope still waits on the token call', async (_, useSessionOf) => {
    const { generator, calls } = controlledGenerator();
    const { room, connect } = roomWithoutServer();
    const queryClient = new QueryClient();
    const latest: { session?: Session } = {};
    function Call() {
      latest.session = useSessionOf(useCustomTokenSource(generator, { scope: 'desk' }), room);
      return null;
    }
    function Status() {
      const source = useCustomTokenSource(generator, { scope: 'desk' });
      // A lobby panel that keeps the room's token ready: it asks for what the session's start waits for.
      React.useEffect(() => void source.fetch({ roomName: 'standup' }).catch(() => {}), [source]);
      return <p>{useTokenStatus(source).status}</p>;
    }
    const page = (inCall: boolean) => (
      <React.StrictMode>
        <QueryClientProvider client={queryClient}>
          <Status />
          {inCall && <Call />}
        </QueryClientProvider>
      </React.StrictMode>
    );
    const view = render(page(true));
    await flush();
    const outcome = join(latest.session!);
    await flush();
    expect(calls, 'one call, shared').toHaveLength(1);

    view.rerender(page(false));
    await flush();
    expect(calls[0]!.signal.aborted, 'the call goes on for the other source').toBe(false);
    await act(() => calls[0]!.resolve());
    await flush();

    expectAbandoned(room, connect, outcome);
  });

  // React 19.2's <Activity>; React 18 has none.
  const Activity = (React as { Activity?: React.ComponentType<{ mode: 'visible' | 'hidden'; children: React.ReactNode }> }).Activity;

  it.skipIf(Activity === undefined)('does not connect while <Activity mode="hidden"> hides the session component', async () => {
    const Hideable = Activity!;
    const { generator, calls } = controlledGenerator();
    const { room, connect } = roomWithoutServer();
    const latest: { session?: Session } = {};
    function Call({ source }: { source: CustomTokenSource }) {
      latest.session = useCustomTokenSession(source, { roomName: 'standup', room });
      return null;
    }
    function Page({ mode }: { mode: 'visible' | 'hidden' }) {
      const source = useCustomTokenSource(generator);
      return (
        <Hideable mode={mode}>
          <Call source={source} />
        </Hideable>
      );
    }
    const view = render(<Page mode="visible" />);
    await flush();
    const outcome = join(latest.session!);
    await flush();

    view.rerender(<Page mode="hidden" />);
    await flush();
    await act(() => calls[0]!.resolve());
    await flush();

    expectAbandoned(room, connect, outcome);
  });

  it.skipIf(Activity === undefined)(
    'does not connect, once shown again, with a second start() that waited for the first one’s session to end',
    async () => {
      const Hideable = Activity!;
      const { generator, calls } = controlledGenerator();
      const { room, connect } = roomWithoutServer({ connecting: new Promise(() => {}) });
      const { Call, latest } = sessionComponent(generator, room);
      const page = (mode: 'visible' | 'hidden') => (
        <Hideable mode={mode}>
          <Call />
        </Hideable>
      );
      const view = render(page('visible'));
      await flush();
      join(latest.session!);
      await act(() => calls[0]!.resolve());
      await flush();
      const second = join(latest.session!);
      await flush();

      // Hidden, LiveKit's effect cleanup leaves the room; shown again, the session hears it was left.
      view.rerender(page('hidden'));
      await flush();
      view.rerender(page('visible'));
      await flush();
      await answerTokens(calls);

      expect(connect, 'the first start()’s connect only').toHaveBeenCalledTimes(1);
      expect(room.state).toBe(ConnectionState.Disconnected);
      expect(isCustomTokenError(second.settled) && second.settled.code, 'the waiting start() rejects with a typed abort').toBe('aborted');
    },
  );

  it('does not connect when the unmount lands in the microtasks between the token answer and LiveKit’s connect', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.boolean(), async (ticks, sourceInParent) => {
        const { generator, calls } = controlledGenerator();
        const { room, connect } = roomWithoutServer();
        const latest: { session?: Session } = {};
        function Call({ source }: { source?: CustomTokenSource }) {
          const own = useCustomTokenSource(generator);
          latest.session = useCustomTokenSession(source ?? own, { roomName: 'standup', room });
          return null;
        }
        function Page({ inCall }: { inCall: boolean }) {
          const source = useCustomTokenSource(generator);
          useTokenStatus(source);
          return inCall ? <Call source={sourceInParent ? source : undefined} /> : null;
        }
        const view = render(<Page inCall />);
        await flush();
        const outcome = join(latest.session!);
        await flush();

        let connectsAtUnmount = 0;
        await act(async () => {
          void calls.at(-1)!.resolve();
          for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
          connectsAtUnmount = connect.mock.calls.length;
          view.rerender(<Page inCall={false} />);
        });
        await flush();

        // LiveKit's connect began before the unmount (and its cleanup's disconnect left the room), or never.
        expect(connect.mock.calls.length, 'no room.connect after the unmount').toBe(connectsAtUnmount);
        if (connectsAtUnmount === 0) expectAbandoned(room, connect, outcome);
        expect(room.state).toBe(ConnectionState.Disconnected);
        view.unmount();
      }),
      { numRuns: RUNS, ...seed },
    );
  });
});

describe('the hooks path: end() while start() waits for the token', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-05T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('connects nothing when that token arrives, and the next start() connects', async () => {
    const { generator, calls } = controlledGenerator();
    const { room, connect } = roomWithoutServer();
    const { Call, latest } = sessionComponent(generator, room);
    render(
      <React.StrictMode>
        <Call />
      </React.StrictMode>,
    );
    await flush();
    const outcome = join(latest.session!);
    await flush();
    await act(() => latest.session!.end());
    await flush();
    // Every call answers: the start's (the mount's pre-warm, which it joined) and end()'s for the next session.
    for (const call of calls) await act(() => call.resolve());
    await flush();

    expectAbandoned(room, connect, outcome);

    const next = join(latest.session!);
    await flush();
    await answerTokens(calls);
    expect(next.settled).toBe('started');
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('also ends a second start() that waited for the first one’s session to end (a double-clicked Join, then Leave)', async () => {
    const { generator, calls } = controlledGenerator();
    // The first start()'s connect stays under way until end() cuts it off.
    const { room, connect } = roomWithoutServer({ connecting: new Promise(() => {}) });
    const { Call, latest } = sessionComponent(generator, room);
    render(<Call />);
    await flush();
    const first = join(latest.session!);
    await act(() => calls[0]!.resolve());
    await flush();
    expect(room.state).toBe(ConnectionState.Connecting);
    // LiveKit's start() waits for the room to be disconnected before it asks for its token.
    const second = join(latest.session!);
    await flush();
    await act(() => latest.session!.end());
    await flush();
    await answerTokens(calls);

    expect(first.settled, 'the connect end() cut off').toBeInstanceOf(Error);
    expect(connect, 'the first start()’s connect only').toHaveBeenCalledTimes(1);
    expect(room.state).toBe(ConnectionState.Disconnected);
    expect(isCustomTokenError(second.settled) && second.settled.code, 'the waiting start() rejects with a typed abort').toBe('aborted');
  });
});

describe('the hooks path: the app’s own room.disconnect() (LiveKit’s <DisconnectButton>) while a second start() waits', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-05T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it.each(['connecting', 'connected'] as const)(
    'ends the start() that waited for the first one’s session (first %s), as end() does',
    async (firstState) => {
      const { generator, calls } = controlledGenerator();
      const { room, connect } = roomWithoutServer(firstState === 'connecting' ? { connecting: new Promise(() => {}) } : {});
      const { Call, latest } = sessionComponent(generator, room);
      render(<Call />);
      await flush();
      join(latest.session!);
      await act(() => calls[0]!.resolve());
      await flush();
      expect(room.state).toBe(firstState === 'connecting' ? ConnectionState.Connecting : ConnectionState.Connected);
      // A double-clicked Join: LiveKit's start() waits for the room to be disconnected before it asks for its token.
      const second = join(latest.session!);
      await flush();
      await act(() => room.disconnect());
      await flush();
      await answerTokens(calls);

      expect(connect, 'the first start()’s connect only').toHaveBeenCalledTimes(1);
      expect(room.state, 'the user who pressed Leave stays out').toBe(ConnectionState.Disconnected);
      expect(isCustomTokenError(second.settled) && second.settled.code, 'the waiting start() rejects with a typed abort').toBe('aborted');
    },
  );

  it.each(['while the leave is under way', 'once it is done'] as const)('lets a start() asked after that leave join (%s)', async (when) => {
    const { generator, calls } = controlledGenerator();
    const { room, connect } = roomWithoutServer();
    const { Call, latest } = sessionComponent(generator, room);
    render(<Call />);
    await flush();
    join(latest.session!);
    await act(() => calls[0]!.resolve());
    await flush();
    expect(room.state).toBe(ConnectionState.Connected);

    const leaving = room.disconnect();
    if (when === 'once it is done') await act(() => leaving);
    const next = join(latest.session!);
    await act(() => leaving);
    await flush();
    await answerTokens(calls);

    expect(next.settled).toBe('started');
    expect(connect).toHaveBeenCalledTimes(2);
    expect(room.state).toBe(ConnectionState.Connected);
  });
});

/** What LiveKit's `start()` turns on before its token is in: its default, or the camera. */
const TRACKS_ASKED = {
  'the microphone (LiveKit’s default, with its pre-connect buffer)': undefined,
  'the camera': { camera: { enabled: true } },
};

/** A mounted session component with a browser's media devices, whose prompts the test answers (`media.grant()`). */
async function callWithDevices() {
  const media = fakeMediaDevices();
  const { generator, calls } = controlledGenerator();
  const { room, connect } = roomWithoutServer();
  const { Call, latest } = sessionComponent(generator, room);
  const view = render(<Call />);
  await flush();
  const refuseToken = () => act(() => calls[0]!.reject(Object.assign(new Error('Unauthorized'), { status: 401 })));
  return { media, room, connect, latest, view, answerTokens: () => answerTokens(calls), refuseToken };
}

describe('the hooks path: the tracks LiveKit’s start() turns on before the token is in', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-05T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  for (const [tracks, asked] of Object.entries(TRACKS_ASKED))
    for (const way of ['end()', 'the unmount', 'a refused token'] as const)
      it(`stops ${tracks} within 2 s of ${way}, not at livekit-client’s 15 s publish timeout`, async () => {
        const { media, connect, latest, view, answerTokens, refuseToken } = await callWithDevices();
        const started = join(latest.session!, { tracks: asked });
        await flush();
        act(() => media.grant());
        await flush();
        expect(media.live(), 'capturing while the token is fetched').toHaveLength(1);

        if (way === 'end()') await act(() => latest.session!.end());
        else if (way === 'the unmount') view.unmount();
        else refuseToken();
        await flush();
        if (way === 'a refused token') expect(started.settled, 'start() rejects').toBeInstanceOf(Error);
        await advance(2_000);
        expect(media.live(), 'nothing left capturing').toEqual([]);
        await answerTokens();
        expect(connect).not.toHaveBeenCalled();
      });

  for (const [tracks, asked] of Object.entries(TRACKS_ASKED))
    for (const way of ['end()', 'the unmount', 'a refused token'] as const)
      it(`stops ${tracks} granted after ${way} within 2 s of the grant, not 15 s later`, async () => {
        const { media, connect, latest, view, answerTokens, refuseToken } = await callWithDevices();
        join(latest.session!, { tracks: asked });
        await flush();
        // The permission prompt is still open when the start is over.
        if (way === 'end()') await act(() => latest.session!.end());
        else if (way === 'the unmount') view.unmount();
        else refuseToken();
        await flush();
        await advance(5_000);
        act(() => media.grant());
        await flush();
        expect(media.tracks, 'the device came after the start was over').toHaveLength(1);
        await advance(2_000);
        expect(media.live(), 'nothing left capturing').toEqual([]);
        await answerTokens();
        expect(connect).not.toHaveBeenCalled();
      });

  it('lets the next start() turn on a microphone of its own, and join', async () => {
    const { media, room, connect, latest, answerTokens } = await callWithDevices();
    join(latest.session!, { tracks: undefined });
    await flush();
    act(() => media.grant());
    await flush();
    await act(() => latest.session!.end());
    await flush();
    expect(media.live()).toEqual([]);

    // LiveKit's start() with its default microphone, as the first. (It then waits for the microphone's publish,
    // which a room without a server never answers: the room's connect is what is looked at.)
    join(latest.session!, { tracks: undefined });
    await flush();
    act(() => media.grant());
    await flush();
    expect(media.getUserMedia, 'a new device request, not the stopped track').toHaveBeenCalledTimes(2);
    expect(media.live()).toHaveLength(1);
    await answerTokens();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(room.state).toBe(ConnectionState.Connected);
  });

  it('leaves a device granted after end() to the next start(), asked before the grant: that start keeps it, and joins', async () => {
    const { media, room, connect, latest, answerTokens } = await callWithDevices();
    join(latest.session!, { tracks: undefined });
    await flush();
    await act(() => latest.session!.end());
    await flush();
    const next = join(latest.session!, { tracks: undefined });
    await flush();
    act(() => media.grant());
    await flush();
    await advance(2_000);
    // LiveKit's second start() takes over the request still open (livekit-client asks each device once).
    expect(media.getUserMedia).toHaveBeenCalledTimes(1);
    expect(media.live(), 'the next session’s microphone, capturing').toHaveLength(1);
    await answerTokens();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(room.state).toBe(ConnectionState.Connected);
    expect(media.live()).toHaveLength(1);
    expect(next.settled, 'still waiting for its microphone’s publish (no server here), not failed').toBeUndefined();
  });
});
