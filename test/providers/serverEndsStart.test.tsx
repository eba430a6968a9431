import { act, screen, waitFor } from '@testing-library/react';
import { ConnectionError, decodeTokenPayload, DisconnectReason } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, serverDisconnects, tokenGenerator } from '../helpers/room';
import { clickStart, renderSession } from './render';

describe('CustomTokenSessionProvider when the server ends the session while start() is still running', () => {
  let media: ReturnType<typeof fakeMediaDevices>;
  beforeEach(() => {
    media = fakeMediaDevices();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails the start with the disconnect and stops the camera it was about to publish', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', camera: true, microphone: false });
    const settled = clickStart(session);
    await waitFor(() => expect(room.state).toBe('connected'));
    expect(media.getUserMedia).toHaveBeenCalled();

    await serverDisconnects(room, DisconnectReason.ROOM_DELETED);
    await waitFor(() => expect(settled(), 'start() settled').toBe(true));
    act(() => media.grant());

    await waitFor(() => expect(media.live()).toEqual([]));
    expect(media.tracks).toHaveLength(1);
    expect(session()).toMatchObject({ isStarting: false, isConnected: false });
    expect(session().error).toMatchObject({ code: 'disconnected', reason: 'ROOM_DELETED', retryable: true });
  });

  it('fails the start with the disconnect at once while it waits for the agent, and a new start() connects in a new room', async () => {
    vi.useFakeTimers();
    media.uninstall();
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      freshRoomPerSession: true,
      microphone: false,
    });
    const settled = clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(session()).toMatchObject({ isConnected: true, isStarting: true });

    await serverDisconnects(room, DisconnectReason.PARTICIPANT_REMOVED);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(settled(), 'start() settled').toBe(true);
    expect(session().error).toMatchObject({ code: 'disconnected', reason: 'PARTICIPANT_REMOVED' });
    expect(session().isStarting).toBe(false);

    await act(() => vi.advanceTimersByTimeAsync(1_500));
    clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(connect).toHaveBeenCalledTimes(2);
    expect(session()).toMatchObject({ isConnected: true, isStarting: true, error: null });
    // In a room of its own: a dispatched agent joins only a room that its token creates.
    const [first, second] = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
    expect(second).not.toBe(first);
  });
});

describe('CustomTokenSessionProvider when the server answers the join with a leave', () => {
  afterEach(() => vi.useRealTimers());

  it.each([
    ['PARTICIPANT_REMOVED', DisconnectReason.PARTICIPANT_REMOVED, false],
    ['ROOM_DELETED', DisconnectReason.ROOM_DELETED, true],
  ])(
    "fails the start with disconnected and LiveKit's reason (%s), offering Try again only where joining again may help",
    async (name, reason, retryable) => {
      vi.useFakeTimers();
      // What livekit-client's connect() rejects with when the server's first answer to the join is a leave.
      const { room } = roomWithoutServer({
        failWith: ConnectionError.leaveRequest('Received leave request while trying to (re)connect', reason),
      });
      const { session } = renderSession(
        { generator: tokenGenerator(), room, roomName: 'standup', microphone: false },
        { children: <ErrorNotice /> },
      );
      clickStart(session);
      await act(() => vi.advanceTimersByTimeAsync(100));
      expect(session().error).toMatchObject({ code: 'disconnected', reason: name, retryable });
      expect(screen.queryByRole('button', { name: 'Try again' }) !== null).toBe(retryable);
    },
  );
});
