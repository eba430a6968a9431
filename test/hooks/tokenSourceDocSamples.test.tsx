import { useSession } from '@livekit/components-react';
import { act, render } from '@testing-library/react';
import { decodeTokenPayload, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';

setLogLevel('silent');

// The hooks-path samples of docs/token-source.md ("The hooks path"), as written but for the
// generator (a real one minting tokens, not `createEndpointGenerator('/api/token')`) and a `room`
// that skips the network (unit tests have no LiveKit server).

/** docs/token-source.md: `useLobbySession`, which keeps the token on the current options while disconnected. */
function useLobbySession(generator: TokenGenerator, roomName: string, room: Room) {
  const source = useCustomTokenSource(generator);
  const session = useCustomTokenSession(source, { roomName, room });
  // Not while connected. A room changed while start() waits for its token would abort that fetch:
  // disable the room picker while joining.
  React.useEffect(() => {
    if (session.isConnected) return;
    // A failure shows in useTokenStatus(); caught here so it is no unhandled rejection.
    const timer = setTimeout(() => void source.fetch({ roomName }).catch(() => undefined), 500);
    return () => clearTimeout(timer);
  }, [source, session.isConnected, roomName]);
  return { session, source };
}

/** docs/token-source.md: `useBareSession`, LiveKit's own `useSession` told about the connection by hand. */
function useBareSession(generator: TokenGenerator, roomName: string, room: Room) {
  const source = useCustomTokenSource(generator);
  const session = useSession(source, { roomName, room });
  // Held while connected, let go of on leaving (the cleanup): no refresh-ahead during the call.
  React.useEffect(() => (session.isConnected ? source.holdConnected() : undefined), [source, session.isConnected]);
  return { session, source };
}

type Hook = typeof useLobbySession;
type Latest = ReturnType<Hook>;

/** Renders a page calling `hook` in StrictMode; `setRoomName` re-renders it with another room name. */
function renderHook(hook: Hook, generator: TokenGenerator, roomName: string) {
  const { room, connect } = roomWithoutServer();
  const latest = {} as Latest;
  function Page({ name }: { name: string }) {
    Object.assign(latest, hook(generator, name, room));
    return null;
  }
  const view = render(
    <React.StrictMode>
      <Page name={roomName} />
    </React.StrictMode>,
  );
  const setRoomName = (name: string) =>
    view.rerender(
      <React.StrictMode>
        <Page name={name} />
      </React.StrictMode>,
    );
  return { latest, setRoomName, connect };
}

const SECOND = 1_000;
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
const roomOf = (source: CustomTokenSource) => source.getSnapshot().room;
const roomsAsked = (generator: ReturnType<typeof mintingGenerator>) => generator.mock.calls.map(([request]) => request.roomName);

describe('docs/token-source.md, useLobbySession', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('moves the token in hand to a room typed a key at a time with one generator call, and start() joins with that token', async () => {
    const generator = mintingGenerator(() => ({ ttl: 600 }));
    const { latest, setRoomName, connect } = renderHook(useLobbySession, generator, 'lobby');
    await advance(SECOND);
    expect(roomsAsked(generator)).toEqual(['lobby']);

    for (const name of ['s', 'st', 'sta', 'stan', 'standup']) {
      setRoomName(name);
      await advance(200);
    }
    expect(roomOf(latest.source)).toBe('lobby');
    await advance(500);
    expect(roomsAsked(generator)).toEqual(['lobby', 'standup']);
    expect(roomOf(latest.source)).toBe('standup');
    expect(latest.source.getSnapshot().status).toBe('ready');

    act(() => void latest.session.start({ tracks: {} }).catch(() => {}));
    await advance(50);
    expect(latest.session.isConnected).toBe(true);
    expect(roomsAsked(generator)).toEqual(['lobby', 'standup']);
    const token = connect.mock.calls.at(-1)![1];
    expect(decodeTokenPayload(token).video?.room).toBe('standup');
  });

  it('refreshes ahead for the current room only, and fetches nothing for a room changed during the call', async () => {
    // 120 s tokens: reused 60 s, then refreshed.
    const generator = mintingGenerator(() => ({ ttl: 120 }));
    const { latest, setRoomName } = renderHook(useLobbySession, generator, 'lobby');
    await advance(SECOND);
    setRoomName('standup');
    await advance(SECOND);
    expect(roomsAsked(generator)).toEqual(['lobby', 'standup']);

    await advance(5 * 60 * SECOND);
    expect(new Set(roomsAsked(generator).slice(2))).toEqual(new Set(['standup']));
    expect(latest.source.getSnapshot().status).toBe('ready');

    act(() => void latest.session.start({ tracks: {} }).catch(() => {}));
    await advance(50);
    expect(latest.session.isConnected).toBe(true);
    const callsInCall = generator.mock.calls.length;
    setRoomName('retro');
    await advance(5 * 60 * SECOND);
    expect(generator).toHaveBeenCalledTimes(callsInCall);
    expect(roomOf(latest.source)).toBe('standup');
  });
});

describe('docs/token-source.md, useBareSession', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('makes no refresh-ahead during the call, and keeps a fresh token ready again after leaving', async () => {
    // 20 s tokens are refreshed 10 s before they expire.
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const { latest } = renderHook(useBareSession, generator, 'standup');
    await advance(SECOND);
    expect(generator).toHaveBeenCalledTimes(1);

    act(() => void latest.session.start({ tracks: {} }).catch(() => {}));
    await advance(50);
    expect(latest.session.isConnected).toBe(true);
    const callsWhenConnected = generator.mock.calls.length;
    await advance(60 * SECOND);
    expect(generator).toHaveBeenCalledTimes(callsWhenConnected);
    expect(latest.source.getSnapshot().status).toBe('expired');

    act(() => void latest.session.end().catch(() => {}));
    await advance(50);
    expect(latest.session.isConnected).toBe(false);
    expect(latest.source.getSnapshot().status).toBe('ready');
    const callsAfterEnd = generator.mock.calls.length;
    await advance(30 * SECOND);
    expect(generator.mock.calls.length).toBeGreaterThanOrEqual(callsAfterEnd + 2);
    expect(latest.source.getSnapshot().status).toBe('ready');
  });
});
