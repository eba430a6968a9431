import { act, waitFor } from '@testing-library/react';
import { ConnectionError, decodeTokenPayload } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import type { TokenGenerator } from '../../src/core/types';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer } from '../helpers/room';
import { mintToken } from '../helpers/tokens';
import { renderSession, settle } from './render';

// Promises of docs/session-lifecycle.md that no other test states as such.

describe('end() while the start waits on the user and the network (docs/session-lifecycle.md)', () => {
  it('does not wait for a camera prompt nobody answers, nor for a token endpoint that is slow', async () => {
    const media = fakeMediaDevices();
    const { generator, calls } = controlledGenerator();
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false, prefetch: false });
    act(() => void session().start());
    await waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(calls).toHaveLength(1));

    // Neither the prompt nor the token endpoint ever answers.
    await settle(() => session().end());

    expect(session()).toMatchObject({ isStarting: false, isEnding: false, isConnected: false, error: null });
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('without roomName, an endpoint that names a fresh room per token (docs/session-lifecycle.md)', () => {
  it('joins a new room for the next session after a call that went live and ended', async () => {
    let minted = 0;
    const generator = mintingGenerator(() => ({ room: `room-${++minted}` }));
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator, room, microphone: false });
    await settle(() => session().start());
    await settle(() => session().end());

    await settle(() => session().start());

    expect(connect).toHaveBeenCalledTimes(2);
    const roomOf = (call: number) => decodeTokenPayload(connect.mock.calls[call]![1]).video?.room;
    expect(roomOf(1)).not.toBe(roomOf(0));
    await settle(() => session().end());
  });
});

describe('restart() after the options changed while connected (docs/session-lifecycle.md, "Changing options while connected")', () => {
  it('moves the live call to the options the provider was last rendered with', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = mintingGenerator();
    const before = { generator, room, roomName: 'standup', participantName: 'Ada', microphone: false } as const;
    const { session, rerenderWith } = renderSession(before);
    await settle(() => session().start());
    rerenderWith({ ...before, roomName: 'retro', participantName: 'Ada L.' });

    await settle(() => session().restart());

    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(connect).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[1]![1]).video?.room).toBe('retro');
    expect(generator.mock.calls.at(-1)![0]).toMatchObject({ roomName: 'retro', participantName: 'Ada L.' });
    await settle(() => session().end());
  });
});

describe('fetch options compared by value (README, CustomTokenSessionProvider props)', () => {
  it('takes equal inline objects of each render as the same options: start() joins with the token fetched on mount', async () => {
    const generator = mintingGenerator();
    const { room, connect } = roomWithoutServer();
    const props = { generator, room, roomName: 'standup', participantAttributes: { team: 'blue' }, microphone: false } as const;
    const { session, rerenderWith } = renderSession(props);
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));

    for (let render = 0; render < 3; render++) rerenderWith({ ...props, participantAttributes: { team: 'blue' } });
    await settle(() => session().start());

    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(connect).toHaveBeenCalledTimes(1);
    expect(generator).toHaveBeenCalledTimes(1);
    await settle(() => session().end());
  });
});

describe('end() during a connect under way (docs/session-lifecycle.md, "end() and unmounting leave nothing behind")', () => {
  it('leaves the connect 1.5 s to finish, then cuts it off: end() has settled by then', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer({ connecting: new Promise<void>(() => {}) });
    const { session } = renderSession({ generator: mintingGenerator(), room, roomName: 'standup', microphone: false });
    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(room.state).toBe('connecting');

    let ended = false;
    act(
      () =>
        void session()
          .end()
          .then(() => (ended = true)),
    );
    await act(() => vi.advanceTimersByTimeAsync(1_490));
    expect(room.state).toBe('connecting');
    expect(ended).toBe(false);

    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(room.state).toBe('disconnected');
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(ended).toBe(true);
    expect(session()).toMatchObject({ isStarting: false, isEnding: false, isConnected: false, error: null });
  });
});

describe('a token whose server could not be reached (docs/session-lifecycle.md, "The agent is judged per session")', () => {
  it.each([
    ['ServerUnreachable', ConnectionError.serverUnreachable('could not establish signal connection')],
    ['WebSocket', ConnectionError.websocket('Websocket error during a connection attempt')],
    ['Timeout', ConnectionError.timeout('could not establish signal connection: timed out')],
  ])(
    '%s: "the new one is fetched as that start fails, so useTokenStatus() shows it", and the next start() goes to the server it names',
    async (reason, failure) => {
      // An endpoint that names another server each time: a healthy node of a cluster once the first stopped.
      let minted = 0;
      const generator = vi.fn<TokenGenerator>(async () => ({
        serverUrl: `ws://127.0.0.1:${++minted}`,
        participantToken: await mintToken({ room: 'standup' }),
      }));
      const { room, connect } = roomWithoutServer();
      connect.mockRejectedValueOnce(failure);
      const shown: (string | undefined)[] = [];
      function TokenProbe() {
        shown.push(useTokenStatus().token?.serverUrl);
        return null;
      }
      const { session } = renderSession({ generator, room, roomName: 'standup', microphone: false }, { children: <TokenProbe /> });
      await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
      await settle(() => session().start());
      expect(session().error).toMatchObject({ code: 'connection_failed', reason });

      // No start() asked yet: the token is fetched as that one failed.
      await waitFor(() => expect(shown.at(-1)).toBe('ws://127.0.0.1:2'), { timeout: 3_000 });
      expect(generator).toHaveBeenCalledTimes(2);

      await settle(() => session().start());
      expect(session()).toMatchObject({ isConnected: true, error: null });
      expect(generator).toHaveBeenCalledTimes(2);
      expect(connect.mock.calls.map(([url]) => url)).toEqual(['ws://127.0.0.1:1', 'ws://127.0.0.1:2']);
      await settle(() => session().end());
    },
  );
});

// README, "Errors": "Every failure is a `CustomTokenError` … with … a message whose words from elsewhere … are on one
// line, at most 300 characters, an HTML page by its title". livekit-client refuses a join with the text its
// validate request got back: a proxy's or an auth gateway's page in front of the LiveKit server.
describe('a join LiveKit refused with a page of words (README, "Errors")', () => {
  it.each([
    [
      "a proxy's HTML page: by its title",
      '<!DOCTYPE html>\n<html>\n<head><title>403 Forbidden</title></head>\n<body>\n<center><h1>403 Forbidden</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n',
      'LiveKit refused the connection (NotAllowed): 403 Forbidden',
    ],
    ['long text on many lines: on one line, 300 characters of it', `denied\n${'because '.repeat(100)}`, undefined],
  ])('says %s', async (_, page, expected) => {
    const { room } = roomWithoutServer({ failWith: ConnectionError.notAllowed(page, 403) });
    const { session } = renderSession({ generator: mintingGenerator(), room, roomName: 'standup', microphone: false });
    await settle(() => session().start());

    const { message } = session().error!;
    expect(session().error).toMatchObject({ code: 'connection_failed', reason: 'NotAllowed', status: 403 });
    if (expected) expect(message).toBe(expected);
    expect(message).not.toMatch(/[\n<]/);
    const words = message.slice('LiveKit refused the connection (NotAllowed): '.length);
    expect(words.length).toBeLessThanOrEqual(301); // 300 characters and an ellipsis
  });
});
