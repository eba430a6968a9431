import { QueryClient } from '@tanstack/query-core';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { ConnectionError, decodeTokenPayload, type Room } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { useMaybeTokenSourceContext } from '../../src/context/TokenSourceContext';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

const quiet = { microphone: false } as const;

describe('CustomTokenSessionProvider and tokens', () => {
  it('keeps a live session connected through a token refresh', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    function TokenProbe() {
      token.current = useTokenStatus();
      return null;
    }
    const { session } = renderSession({ generator, room, roomName: 'standup', ...quiet }, { children: <TokenProbe /> });
    await settle(() => session().start());
    const callsBefore = generator.mock.calls.length;

    await act(() => token.current!.refresh());

    expect(generator.mock.calls.length).toBe(callsBefore + 1);
    expect(room.state).toBe('connected');
    expect(session().isConnected).toBe(true);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('keeps a live session connected when the generator changes identity', async () => {
    const { room, connect } = roomWithoutServer();
    const first = tokenGenerator();
    const { session, rerenderWith } = renderSession({ generator: first, room, roomName: 'standup', ...quiet });
    await settle(() => session().start());

    const second = tokenGenerator();
    rerenderWith({ generator: second, room, roomName: 'standup', ...quiet });
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));

    expect(room.state).toBe('connected');
    expect(connect).toHaveBeenCalledTimes(1);
    expect(second).not.toHaveBeenCalled();
  });

  it('uses the latest generator for the next session', async () => {
    const { room } = roomWithoutServer();
    const first = tokenGenerator();
    const { session, rerenderWith } = renderSession({ generator: first, room, roomName: 'standup', retries: 0, ...quiet });
    await waitFor(() => expect(first).toHaveBeenCalled());

    const second = tokenGenerator({ identity: 'bob' });
    rerenderWith({ generator: second, room, roomName: 'other', retries: 0, ...quiet });
    await settle(() => session().start());

    expect(second).toHaveBeenCalledWith(expect.objectContaining({ roomName: 'other' }), expect.anything());
  });

  it('runs no refresh-ahead while connected, and refreshes ahead again once disconnected', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const generator = tokenGenerator({ ttl: 120 });
    const { session } = renderSession({ generator, room, roomName: 'standup', refreshMarginMs: 30_000, ...quiet });
    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(session().isConnected).toBe(true);
    expect(generator).toHaveBeenCalledTimes(1);

    await act(() => vi.advanceTimersByTimeAsync(100_000));
    expect(generator).toHaveBeenCalledTimes(1);

    act(() => void session().end());
    await act(() => vi.advanceTimersByTimeAsync(50));
    const afterEnd = generator.mock.calls.length;
    await act(() => vi.advanceTimersByTimeAsync(100_000));
    expect(generator.mock.calls.length).toBeGreaterThan(afterEnd);
  });
});

describe('CustomTokenSessionProvider and the token source options', () => {
  it('passes cacheSize on to the source it builds, and a new value to the live source', async () => {
    const queryClient = new QueryClient();
    const source: { current: CustomTokenSource | null } = { current: null };
    function SourceProbe() {
      source.current = useMaybeTokenSourceContext();
      return null;
    }
    const props = { generator: tokenGenerator(), queryClient, scope: 'app', prefetch: false, room: roomWithoutServer().room, ...quiet };
    const { rerenderWith } = renderSession({ ...props, cacheSize: 1 }, { children: <SourceProbe /> });
    const cachedTokens = () => queryClient.getQueryCache().findAll({ queryKey: ['livekit-custom-token', 'app'] }).length;

    await act(async () => {
      for (const roomName of ['r1', 'r2', 'r3']) await source.current!.fetch({ roomName });
    });
    expect(cachedTokens()).toBe(1);

    rerenderWith({ ...props, cacheSize: 2 });
    await act(async () => {
      for (const roomName of ['r4', 'r5', 'r6']) await source.current!.fetch({ roomName });
    });
    expect(cachedTokens()).toBe(2);
  });
});

describe('CustomTokenSessionProvider with a tokenSource', () => {
  it('connects with the given source, whose status the token hooks read', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const source = createCustomTokenSource(generator);
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    function TokenProbe() {
      token.current = useTokenStatus();
      return null;
    }
    const { session } = renderSession({ tokenSource: source, room, roomName: 'standup', ...quiet }, { children: <TokenProbe /> });

    await settle(() => session().start());

    expect(session().isConnected).toBe(true);
    expect(generator).toHaveBeenCalledOnce();
    expect(connect).toHaveBeenCalledWith(expect.any(String), source.getSnapshot().token!.participantToken, undefined);
    expect(token.current).toMatchObject({ status: 'ready', room: 'standup' });
  });

  // README, the provider's props: "a `CustomTokenSource` you built (the provider then builds none of its own, and
  // ignores the token source options below)".
  it('leaves a given tokenSource its own settings: the token source options beside it change nothing', async () => {
    vi.useFakeTimers();
    const minting = tokenGenerator();
    // Answers after 2 s: within the source's own 10 s timeout, not within the 50 ms the props ask for.
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return minting(request, context);
    });
    const source = createCustomTokenSource(generator);
    const onEvent = vi.fn();
    renderSession({
      tokenSource: source,
      room: roomWithoutServer().room,
      roomName: 'standup',
      timeoutMs: 50,
      retries: 0,
      onEvent,
      ...quiet,
    });
    await act(() => vi.advanceTimersByTimeAsync(2_100));

    expect(generator).toHaveBeenCalledTimes(1);
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'standup', error: null });
    expect(onEvent).not.toHaveBeenCalled();
    vi.useRealTimers();
  });

  it('keeps a token from a source built outside React fresh ahead of expiry while mounted, and stops once unmounted', async () => {
    vi.useFakeTimers();
    const generator = tokenGenerator({ ttl: 120 });
    const source = createCustomTokenSource(generator, { refreshMarginMs: 30_000 });
    const { unmount } = renderSession({ tokenSource: source, room: roomWithoutServer().room, roomName: 'standup', ...quiet });
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(generator).toHaveBeenCalledTimes(1);

    await act(() => vi.advanceTimersByTimeAsync(90_000));
    expect(generator).toHaveBeenCalledTimes(2);

    unmount();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(generator).toHaveBeenCalledTimes(2);
  });
});

describe('CustomTokenSessionProvider unmounted while connected', () => {
  // A real disconnect takes a round trip (a leave, the engine closing); LiveKit's useSession asks
  // for the next session's token when it finishes — after the provider is gone.
  const slowDisconnect = (room: Room) => {
    const disconnect = room.disconnect.bind(room);
    room.disconnect = async (stopTracks?: boolean) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return disconnect(stopTracks);
    };
  };

  for (const [given, props] of [
    ['its own source', (generator: TokenGenerator) => ({ generator })],
    ['a given tokenSource', (generator: TokenGenerator) => ({ tokenSource: createCustomTokenSource(generator) })],
  ] as const) {
    it(`asks ${given} for no token for a next session that never comes`, async () => {
      const { room } = roomWithoutServer();
      const generator = tokenGenerator();
      const { session, unmount } = renderSession({ ...props(generator), room, roomName: 'standup', ...quiet });
      await settle(() => session().start());
      expect(session().isConnected).toBe(true);
      slowDisconnect(room);
      const calls = generator.mock.calls.length;
      unmount();
      await waitFor(() => expect(room.state).toBe('disconnected'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(generator).toHaveBeenCalledTimes(calls);
    });
  }
});

describe('freshRoomPerSession', () => {
  it('joins a derived room, and the next session a new one, with one generator call per session', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'support', freshRoomPerSession: true, ...quiet });
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    const firstRoom = generator.mock.calls[0]![0].roomName;
    expect(firstRoom).toMatch(/^support-[a-z0-9]+$/);

    await settle(() => session().start());
    expect(generator).toHaveBeenCalledTimes(1);
    await settle(() => session().end());

    expect(generator).toHaveBeenCalledTimes(2);
    const nextRoom = generator.mock.calls[1]![0].roomName;
    expect(nextRoom).toMatch(/^support-[a-z0-9]+$/);
    expect(nextRoom).not.toBe(firstRoom);

    await settle(() => session().start());
    expect(generator).toHaveBeenCalledTimes(2);
    const nextToken = await generator.mock.results[1]!.value;
    expect(connect).toHaveBeenLastCalledWith(expect.any(String), nextToken.participantToken, undefined);
  });

  it('names an empty roomName as none: session-<random>', async () => {
    const generator = tokenGenerator();
    renderSession({ generator, room: roomWithoutServer().room, roomName: '', freshRoomPerSession: true, ...quiet });
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    expect(generator.mock.calls[0]![0].roomName).toMatch(/^session-[a-z0-9]+$/);
  });

  it.each([
    ['end() while the start waits for its agent', async (session: () => { end: () => Promise<void> }) => settle(() => session().end())],
    // The agent timeout (300 ms) runs out inside act, as the state updates it makes.
    ['the agent never coming (agent_failed)', () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 400)))],
  ])('moves to a new room after a start that joined one and never went live: %s', async (_, leave) => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({
      generator,
      room,
      roomName: 'support',
      agentName: 'helper',
      agentConnectTimeoutMs: 300,
      freshRoomPerSession: true,
      prefetch: false,
      ...quiet,
    });
    act(() => void session().start());
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(1));
    await leave(session);
    await waitFor(() => expect(session().isStarting).toBe(false));
    expect(room.state).toBe('disconnected');

    act(() => void session().start());
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    const rooms = generator.mock.calls.map(([request]) => request.roomName);
    // The room the first start joined may hold its agent, or dispatch none: never joined again.
    expect(new Set(rooms).size).toBe(rooms.length);
    expect(connect.mock.calls[1]![1]).not.toBe(connect.mock.calls[0]![1]);
    await settle(() => session().end());
  });
});

describe.each([
  ['no roomName', {}],
  ['an empty roomName (names none, as a standard endpoint reads it)', { roomName: '' }],
])('%s: the endpoint names a fresh room per token', (_, roomOptions) => {
  /** A token endpoint that names a new room for every token it mints, as the server handler does without `room_name`. */
  function freshRoomEndpoint() {
    let minted = 0;
    return mintingGenerator(() => ({ room: `room-${++minted}` }));
  }
  const roomOf = (token: unknown) => decodeTokenPayload(token as string).video?.room;

  it.each([
    ['end() while the start waits for its agent', async (session: () => { end: () => Promise<void> }) => settle(() => session().end())],
    ['the agent never coming (agent_failed)', () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 400)))],
  ])('asks for a new token, and so a new room, after a start that joined one and never went live: %s', async (__, leave) => {
    const { room, connect } = roomWithoutServer();
    const generator = freshRoomEndpoint();
    const { session } = renderSession({ generator, room, agentName: 'helper', agentConnectTimeoutMs: 300, ...roomOptions, ...quiet });
    act(() => void session().start());
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(1));
    await leave(session);
    await waitFor(() => expect(session().isStarting).toBe(false));

    act(() => void session().start());
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    // The first room may hold the agent dispatched for it, or none: the retry's agent is dispatched only into a new room.
    expect(roomOf(connect.mock.calls[1]![1])).not.toBe(roomOf(connect.mock.calls[0]![1]));
    await settle(() => session().end());
  });
});

describe('a token LiveKit refused', () => {
  it('is not joined with again: after NotAllowed, Try again connects with a new token for the same room', async () => {
    const { room, connect } = roomWithoutServer({ failWith: ConnectionError.notAllowed('invalid token', 401) });
    // Each token named apart (two minted in one second would otherwise read the same).
    let minted = 0;
    const generator = mintingGenerator(() => ({ name: `token ${++minted}` }));
    const { session } = renderSession({ generator, room, roomName: 'standup', ...quiet }, { children: <ErrorNotice /> });
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'connection_failed', reason: 'NotAllowed' });

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    const [refused, next] = connect.mock.calls.map(([, token]) => decodeTokenPayload(token));
    expect(refused).toMatchObject({ name: 'token 1', video: { room: 'standup' } });
    expect(next).toMatchObject({ video: { room: 'standup' } });
    expect(next!.name).not.toBe('token 1');
  });
});
