import { act } from '@testing-library/react';
import { decodeTokenPayload, DisconnectReason, setLogLevel } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { roomStuckOnPeerConnection, tokenGenerator } from '../helpers/room';
import { clickStart, renderSession } from './render';

setLogLevel('silent');

describe('CustomTokenSessionProvider when the server removes the participant while its room is still connecting', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal(
      'RTCPeerConnection',
      class {
        addTransceiver() {}
      },
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('fails the start at once with the removal, and the next start() makes a connection attempt of its own', async () => {
    const { room, attempts, serverLeaves } = roomStuckOnPeerConnection();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'standup', camera: false, microphone: false });
    const settled = clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(attempts).toHaveBeenCalledTimes(1);
    expect(room.state).toBe('connecting');

    const callsBefore = generator.mock.calls.length;

    serverLeaves(DisconnectReason.PARTICIPANT_REMOVED);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(settled(), 'start() settled').toBe(true);
    expect(session().error).toMatchObject({ code: 'disconnected', reason: 'PARTICIPANT_REMOVED' });
    expect(session().isStarting).toBe(false);

    clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(attempts, 'a connection attempt of its own').toHaveBeenCalledTimes(2);
    expect(session()).toMatchObject({ isConnected: true, error: null });
    // As after a session the server ended: a token fetched after the removal.
    expect(generator.mock.calls.length).toBe(callsBefore + 1);
    expect(attempts.mock.calls[1]![1]).toBe(
      ((await generator.mock.results.at(-1)!.value) as { participantToken: string }).participantToken,
    );
  });

  it('with an agent in rooms of its own: the next start() joins a new room, whose token dispatches a new agent', async () => {
    const { room, attempts, serverLeaves } = roomStuckOnPeerConnection();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      freshRoomPerSession: true,
      camera: false,
      microphone: false,
    });
    clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    serverLeaves(DisconnectReason.ROOM_DELETED);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(session().error).toMatchObject({ code: 'disconnected', reason: 'ROOM_DELETED' });

    clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(attempts).toHaveBeenCalledTimes(2);
    const [first, second] = attempts.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
    expect(second).not.toBe(first);
    expect(decodeTokenPayload(attempts.mock.calls[1]![1]).roomConfig?.agents?.[0]?.agentName).toBe('helper');
  });
});
