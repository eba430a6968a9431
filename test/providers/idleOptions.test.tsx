import { act } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { advance, flush } from '../helpers/fakeTime';
import { controlledGenerator } from '../helpers/generators';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { renderSession } from './render';

/**
 * README: "A fresh token is always in hand while idle"; docs/token-source.md: "One source serves
 * one set of options at a time". Options changed with no session connected or starting (a lobby
 * where the user picks a room) move the token in hand to them, once they have stood still for a
 * moment; options changed during a call still apply only to the next `start()`.
 */
const QUIET_MS = 500;

/** The provider on a real Room without a server, in StrictMode, with a token probe. */
function renderLobby(props: Partial<CustomTokenSessionProviderProps> & { generator: CustomTokenSessionProviderProps['generator'] }) {
  const token: { current: UseTokenStatusReturn | null } = { current: null };
  function TokenProbe() {
    token.current = useTokenStatus();
    return null;
  }
  const { room, connect } = roomWithoutServer();
  const base = { room, microphone: false, ...props } as CustomTokenSessionProviderProps;
  const rendered = renderSession(base, { children: <TokenProbe /> });
  return {
    ...rendered,
    room,
    connect,
    token,
    change: (next: Partial<CustomTokenSessionProviderProps>) =>
      act(() => rendered.rerenderWith({ ...base, ...next } as CustomTokenSessionProviderProps)),
  };
}

const rooms = (generator: { mock: { calls: [{ roomName?: string }, ...unknown[]][] } }) =>
  generator.mock.calls.map(([request]) => request.roomName);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CustomTokenSessionProvider when fetch options change while idle', () => {
  it('fetches a token for the new room once, reports it, and stops refreshing the old one', async () => {
    const generator = tokenGenerator({ ttl: 120 });
    const { change, token } = renderLobby({ generator, roomName: 'lobby-a', refreshMarginMs: 30_000 });
    await flush();
    expect(rooms(generator)).toEqual(['lobby-a']);

    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(rooms(generator)).toEqual(['lobby-a', 'lobby-b']);
    expect(token.current).toMatchObject({ status: 'ready', room: 'lobby-b' });

    // Past both tokens' refresh time: only the chosen room's token is kept fresh.
    await advance(100_000);
    expect(rooms(generator).slice(2)).not.toContain('lobby-a');
    expect(rooms(generator).slice(2).length).toBeGreaterThan(0);
    expect(token.current).toMatchObject({ status: 'ready', room: 'lobby-b' });
  });

  it('moves for every fetch option: participantName, participantAttributes, agentName', async () => {
    const generator = tokenGenerator();
    const { change } = renderLobby({ generator, roomName: 'lobby' });
    await flush();
    change({ roomName: 'lobby', participantName: 'Ada', participantAttributes: { role: 'host' }, agentName: 'helper' });
    await advance(QUIET_MS + 50);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(generator.mock.calls[1]![0]).toMatchObject({
      participantName: 'Ada',
      participantAttributes: { role: 'host' },
      agentName: 'helper',
    });
  });

  it('fetches nothing when a render passes equal options anew (an inline attributes object)', async () => {
    const generator = tokenGenerator();
    const { change } = renderLobby({ generator, roomName: 'lobby', participantAttributes: { role: 'guest' } });
    await flush();
    for (let i = 0; i < 5; i += 1) {
      change({ roomName: 'lobby', participantAttributes: { role: 'guest' } });
      await advance(QUIET_MS + 50);
    }
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('calls the generator once for a room name typed a key at a time, when the typing stops', async () => {
    const generator = tokenGenerator();
    const { change, token } = renderLobby({ generator, roomName: '' });
    await flush();
    const name = 'support-team';
    for (let i = 1; i <= name.length; i += 1) {
      change({ roomName: name.slice(0, i) });
      await advance(120);
    }
    await advance(QUIET_MS);
    expect(rooms(generator)).toEqual(['', 'support-team']);
    expect(token.current).toMatchObject({ status: 'ready', room: 'support-team' });
  });

  it('lets start() connect with the token fetched for the new room, without another generator call', async () => {
    const generator = tokenGenerator();
    const { change, session, connect } = renderLobby({ generator, roomName: 'lobby-a' });
    await flush();
    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(generator).toHaveBeenCalledTimes(2);

    act(() => void session().start());
    await flush();
    expect(session().isConnected).toBe(true);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).video?.room).toBe('lobby-b');
  });

  it('leaves a start() begun before the options stood still alone: it fetches for them, and nothing else is fetched', async () => {
    const generator = tokenGenerator();
    const { change, session, connect } = renderLobby({ generator, roomName: 'lobby-a' });
    await flush();
    change({ roomName: 'lobby-b' });
    act(() => void session().start());
    await advance(QUIET_MS + 50);
    expect(session().isConnected).toBe(true);
    expect(rooms(generator)).toEqual(['lobby-a', 'lobby-b']);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).video?.room).toBe('lobby-b');
  });

  it('does not abort the fetch of a start() in flight when the options change during it', async () => {
    const { generator, calls } = controlledGenerator();
    const { change, session, connect } = renderLobby({ generator, roomName: 'lobby-a', prefetch: false });
    act(() => void session().start());
    await flush();
    expect(calls).toHaveLength(1);
    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(calls[0]!.signal.aborted).toBe(false);
    expect(calls).toHaveLength(1);
    await act(() => calls[0]!.resolve());
    await flush();
    expect(session().isConnected).toBe(true);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).video?.room).toBe('lobby-a');
  });

  it('fetches nothing while connected, and the call is untouched; the next session gets the new room', async () => {
    const generator = tokenGenerator();
    const { change, session, room, connect, token } = renderLobby({ generator, roomName: 'lobby-a' });
    await flush();
    act(() => void session().start());
    await flush();
    expect(session().isConnected).toBe(true);
    const callsInCall = generator.mock.calls.length;

    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(generator).toHaveBeenCalledTimes(callsInCall);
    expect(room.state).toBe('connected');
    expect(connect).toHaveBeenCalledTimes(1);

    act(() => void session().end());
    await advance(QUIET_MS + 50);
    expect(rooms(generator).slice(callsInCall)).toEqual(['lobby-b']);
    expect(token.current).toMatchObject({ status: 'ready', room: 'lobby-b' });
  });

  it('with prefetch={false}, fetches nothing before the first start(), then follows the options like a prefetched token', async () => {
    const generator = tokenGenerator();
    const { change, session, token } = renderLobby({ generator, roomName: 'lobby-a', prefetch: false });
    await flush();
    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(generator).not.toHaveBeenCalled();
    expect(token.current!.status).toBe('idle');

    act(() => void session().start());
    await flush();
    act(() => void session().end());
    await advance(QUIET_MS + 50);
    const calls = generator.mock.calls.length;

    change({ roomName: 'lobby-c' });
    await advance(QUIET_MS + 50);
    expect(rooms(generator).slice(calls)).toEqual(['lobby-c']);
    expect(token.current).toMatchObject({ status: 'ready', room: 'lobby-c' });
  });

  // docs/token-source.md: "With `prefetch={false}` nothing moves before a token has been in hand (a fetched one, or an `initialToken`)".
  it('with prefetch={false} and an initialToken, follows the options from the first change: the initial token is a token in hand', async () => {
    const initialToken = {
      options: { roomName: 'lobby-a' },
      response: { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'lobby-a' }) },
    };
    const generator = tokenGenerator();
    const { change, session, connect, token } = renderLobby({ generator, roomName: 'lobby-a', prefetch: false, initialToken });
    await advance(QUIET_MS + 50);
    expect(generator).not.toHaveBeenCalled();
    expect(token.current).toMatchObject({ status: 'ready', room: 'lobby-a' });

    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(rooms(generator)).toEqual(['lobby-b']);
    expect(token.current).toMatchObject({ status: 'ready', room: 'lobby-b' });

    act(() => void session().start());
    await flush();
    expect(session().isConnected).toBe(true);
    expect(generator).toHaveBeenCalledTimes(1);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).video?.room).toBe('lobby-b');
  });

  it('with prefetch={false}, a room change after a start() that got no token (signed out) fetches nothing', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValue(Object.assign(new Error('sign in first'), { status: 401 }));
    const { change, session } = renderLobby({ generator, roomName: 'lobby-a', prefetch: false, retries: 0 });
    act(() => void session().start());
    await flush();
    expect(session().error).not.toBeNull();
    change({ roomName: 'lobby-b' });
    await advance(QUIET_MS + 50);
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('with freshRoomPerSession, fetches once for the new name’s fresh room, which start() then joins', async () => {
    const generator = tokenGenerator();
    const { change, session, connect, token } = renderLobby({ generator, roomName: 'lobby-a', freshRoomPerSession: true });
    await flush();
    expect(rooms(generator)).toEqual([expect.stringMatching(/^lobby-a-\w+$/)]);

    change({ roomName: 'lobby-b', freshRoomPerSession: true });
    await advance(QUIET_MS + 50);
    expect(rooms(generator)).toEqual([expect.stringMatching(/^lobby-a-/), expect.stringMatching(/^lobby-b-\w+$/)]);
    const fresh = rooms(generator)[1];
    expect(token.current).toMatchObject({ status: 'ready', room: fresh });

    act(() => void session().start());
    await flush();
    expect(session().isConnected).toBe(true);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).video?.room).toBe(fresh);
  });
});
