import { DisconnectButton, useSessionContext } from '@livekit/components-react';
import { act, screen, waitFor } from '@testing-library/react';
import { ConnectionError, decodeTokenPayload } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { renderSession, settle } from './render';

/** A child that reads LiveKit's own session `end()` (`useSessionContext()`), as an app's own controls would. */
function liveKitSessionEnd() {
  const liveKit: { end: (() => Promise<void>) | null } = { end: null };
  function LiveKitSession() {
    liveKit.end = useSessionContext().end;
    return null;
  }
  return { liveKit, LiveKitSession };
}

/*
 * Every @livekit/components-react component works inside the provider — LiveKit's own
 * `<DisconnectButton>` (the Leave of its `<ControlBar>`) among them, which leaves with
 * `room.disconnect()`. `freshRoomPerSession`: "the name moves on when a session ends" (a dispatched
 * agent never rejoins an existing room); without `roomName` the token endpoint names a fresh room
 * per token, and "after a session ends … the next start() asks for a new token, and so gets a new room".
 */
describe('CustomTokenSessionProvider: a call left with LiveKit’s DisconnectButton', () => {
  it.each([
    ['freshRoomPerSession', { roomName: 'support', freshRoomPerSession: true }],
    ['no roomName', {}],
  ] as const)('is followed by a session in a new room (%s)', async (_, options) => {
    const { room, connect } = roomWithoutServer();
    // As a standard token endpoint: a room asked for, else a fresh one per token.
    let minted = 0;
    const generator = mintingGenerator((request) => ({ room: request.roomName ?? `room-${++minted}` }));
    const { session } = renderSession(
      { generator, room, ...options, microphone: false },
      { children: <DisconnectButton>Leave</DisconnectButton> },
    );
    await settle(() => session().start());
    expect(session().isConnected).toBe(true);

    screen.getByRole('button', { name: 'Leave' }).click();
    await waitFor(() => expect(session().isConnected).toBe(false));
    expect(session().error).toBeNull();

    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(2);
    const rooms = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
    expect(rooms[1]).not.toBe(rooms[0]);
    await settle(() => session().end());
  });

  it('mints one token for the next session when left with LiveKit’s own session end(), which asks for it itself', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = mintingGenerator();
    const { liveKit, LiveKitSession } = liveKitSessionEnd();
    const { session } = renderSession(
      { generator, room, roomName: 'support', freshRoomPerSession: true, microphone: false },
      { children: <LiveKitSession /> },
    );
    await settle(() => session().start());
    const callsWhileLive = generator.mock.calls.length;

    await act(() => liveKit.end!());
    await waitFor(() => expect(session().isConnected).toBe(false));
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(callsWhileLive + 1), { timeout: 3_000 });

    // The next session joins the room of that token, without asking the generator again.
    await settle(() => session().start());
    expect(generator).toHaveBeenCalledTimes(callsWhileLive + 1);
    const rooms = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
    expect(rooms[1]).not.toBe(rooms[0]);
    expect(rooms[1]).toBe(generator.mock.calls.at(-1)![0].roomName);
    await settle(() => session().end());
  });

  it('mints one token for the next session when LiveKit’s own session end() abandons a start waiting for its agent', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = mintingGenerator();
    const { liveKit, LiveKitSession } = liveKitSessionEnd();
    const onError = vi.fn();
    const { session } = renderSession(
      { generator, room, roomName: 'support', freshRoomPerSession: true, agentName: 'helper', microphone: false, onError },
      { children: <LiveKitSession /> },
    );
    act(() => void session().start());
    await waitFor(() => expect(session()).toMatchObject({ isConnected: true, isStarting: true }));
    const callsWhileStarting = generator.mock.calls.length;

    await act(() => liveKit.end!());
    await waitFor(() => expect(session().isStarting).toBe(false));
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(session().error).toBeNull();
    expect(onError).not.toHaveBeenCalled();
    expect(generator).toHaveBeenCalledTimes(callsWhileStarting + 1);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  describe('on a live call, with the leave not yet done', () => {
    it('connects a start() asked right after room.disconnect(), once the leave is done, as after end()', async () => {
      const { room, connect } = roomWithoutServer();
      const onError = vi.fn();
      const { session } = renderSession({
        generator: mintingGenerator(),
        room,
        roomName: 'support',
        freshRoomPerSession: true,
        microphone: false,
        onError,
      });
      await settle(() => session().start());
      expect(session().isConnected).toBe(true);

      await settle(() => {
        void room.disconnect();
        return session().start();
      });
      expect(connect).toHaveBeenCalledTimes(2);
      await waitFor(() => expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null }));
      expect(onError).not.toHaveBeenCalled();
      const rooms = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
      expect(rooms[1]).not.toBe(rooms[0]);
      await settle(() => session().end());
    });

    it('connects nothing when end() follows such a start before the leave is done', async () => {
      const { room, connect } = roomWithoutServer();
      const onError = vi.fn();
      const { session } = renderSession({ generator: mintingGenerator(), room, roomName: 'support', microphone: false, onError });
      await settle(() => session().start());

      await settle(() => {
        void room.disconnect();
        void session().start();
        return session().end();
      });
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
      expect(connect).toHaveBeenCalledTimes(1);
      expect(session()).toMatchObject({ isConnected: false, isStarting: false, error: null });
      expect(onError).not.toHaveBeenCalled();
    });
  });

  describe('while the room is connecting', () => {
    it('abandons the start as end() does: no error, and the next session joins a room of its own', async () => {
      let finishConnecting!: () => void;
      const { room, connect } = roomWithoutServer({ connecting: new Promise<void>((resolve) => (finishConnecting = resolve)) });
      const onError = vi.fn();
      const { session } = renderSession(
        { generator: mintingGenerator(), room, roomName: 'support', freshRoomPerSession: true, microphone: false, onError },
        { children: <DisconnectButton>Leave</DisconnectButton> },
      );
      act(() => void session().start());
      await waitFor(() => expect(room.state).toBe('connecting'));

      act(() => screen.getByRole('button', { name: 'Leave' }).click());
      await waitFor(() => expect(session().isStarting).toBe(false));
      expect(session()).toMatchObject({ isConnected: false, error: null });
      expect(onError).not.toHaveBeenCalled();

      finishConnecting();
      await settle(() => session().start());
      expect(session()).toMatchObject({ isConnected: true, error: null });
      const rooms = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
      expect(rooms[1]).not.toBe(rooms[0]);
      await settle(() => session().end());
    });

    it.each([
      ['the server refuses the token', ConnectionError.notAllowed('invalid token', 401), 'NotAllowed'],
      ['the server cannot be reached', ConnectionError.serverUnreachable('no answer'), 'ServerUnreachable'],
    ])('still fails the start with connection_failed when %s', async (_, failWith, reason) => {
      const { room } = roomWithoutServer({ failWith });
      const onError = vi.fn();
      const { session } = renderSession({ generator: mintingGenerator(), room, roomName: 'support', microphone: false, onError });
      await settle(() => session().start());
      expect(session().error).toMatchObject({ code: 'connection_failed', reason });
      expect(onError).toHaveBeenCalledTimes(1);
    });
  });

  describe('while the start waits for its agent', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('connects a start() asked once room.disconnect() has settled, as after end()', async () => {
      const { room, connect } = roomWithoutServer();
      const { session } = renderSession({
        generator: mintingGenerator(),
        room,
        roomName: 'support',
        freshRoomPerSession: true,
        agentName: 'helper',
        microphone: false,
      });
      act(() => void session().start());
      await waitFor(() => expect(session()).toMatchObject({ isConnected: true, isStarting: true }));

      let started: Promise<void> | undefined;
      await act(async () => {
        await room.disconnect();
        started = session().start();
      });
      await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
      expect(session()).toMatchObject({ isConnected: true, isStarting: true, error: null });
      void started;
      await settle(() => session().end());
    });

    it('abandons the start as end() does: no longer starting, and no agent_failed at the timeout', async () => {
      vi.useFakeTimers();
      const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
      const w = scriptedWorld();
      w.cooperate();
      const onError = vi.fn();
      const { session } = renderSession(
        {
          generator: w.generator,
          room: w.room,
          roomName: 'support',
          agentName: 'helper',
          agentConnectTimeoutMs: 5_000,
          microphone: false,
          onError,
        },
        { children: <DisconnectButton>Leave</DisconnectButton> },
      );
      act(() => void session().start());
      await advance(50);
      expect(session()).toMatchObject({ isConnected: true, isStarting: true });

      act(() => screen.getByRole('button', { name: 'Leave' }).click());
      await advance(50);
      expect(session()).toMatchObject({ isConnected: false, isStarting: false, error: null });

      await advance(5_000);
      expect(session().error).toBeNull();
      expect(onError).not.toHaveBeenCalled();
    });
  });
});
