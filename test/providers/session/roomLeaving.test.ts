import { ConnectionState, RoomEvent } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { markLeaving, untilDisconnectDone, untilLeft } from '../../../src/hooks/internal/roomLeaving';
import { startSession } from '../../../src/providers/session/startSession';
import { roomWithoutServer } from '../../helpers/room';
import { mintToken, SERVER_URL } from '../../helpers/tokens';

describe('startSession on a room a teardown is leaving', () => {
  it('abandoned just after the room was left (a microtask later), never fetches a token or connects', async () => {
    const { room, connect } = roomWithoutServer();
    await room.connect(SERVER_URL, await mintToken());
    expect(room.state).toBe(ConnectionState.Connected);
    markLeaving(room);

    const controller = new AbortController();
    const participantToken = await mintToken();
    const fetchToken = vi.fn(async () => ({ serverUrl: SERVER_URL, participantToken }));
    const outcome = startSession({
      room,
      fetchToken,
      connectOptions: {},
      waitUntilDisconnected: async () => {},
      waitUntilConnected: async () => {},
      waitUntilAgentReady: async () => {},
      agentConnectTimeoutMs: 1_000,
      signal: controller.signal,
      leftByApp: () => {},
      leftLiveCall: () => {},
      leftRoomUnfinished: () => {},
    }).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    // The teardown's disconnect finishes; the start is abandoned (end(), unmount) in the next microtask.
    room.once(RoomEvent.Disconnected, () => queueMicrotask(() => controller.abort()));
    await room.disconnect();

    expect(await outcome).not.toBe('resolved');
    expect(fetchToken).not.toHaveBeenCalled();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(room.state).toBe(ConnectionState.Disconnected);
  });

  it('waits for a leave that takes longer than a moment (offline, say), then connects: never on the connection being left', async () => {
    vi.useFakeTimers();
    try {
      const { room, connect } = roomWithoutServer();
      await room.connect(SERVER_URL, await mintToken());
      markLeaving(room);

      const participantToken = await mintToken();
      const fetchToken = vi.fn(async () => ({ serverUrl: SERVER_URL, participantToken }));
      let outcome = 'pending';
      void startSession({
        room,
        fetchToken,
        connectOptions: {},
        waitUntilDisconnected: async () => {},
        waitUntilConnected: async () => {},
        waitUntilAgentReady: async () => {},
        agentConnectTimeoutMs: 1_000,
        signal: new AbortController().signal,
        leftByApp: () => {},
        leftLiveCall: () => {},
        leftRoomUnfinished: () => {},
      }).then(
        () => (outcome = 'resolved'),
        (error: unknown) => (outcome = String(error)),
      );
      await vi.advanceTimersByTimeAsync(10_000);
      expect(outcome, 'the start still waits while the room is being left').toBe('pending');
      expect(fetchToken).not.toHaveBeenCalled();

      await room.disconnect();
      await vi.advanceTimersByTimeAsync(0);
      expect(outcome).toBe('resolved');
      expect(connect).toHaveBeenCalledTimes(2);
      expect(connect.mock.calls[1]![1]).toBe(participantToken);
      expect(room.state).toBe(ConnectionState.Connected);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('markLeaving and untilLeft', () => {
  it('knows of no leave for a room that is disconnected already, nor once the leave it marked has finished', async () => {
    const { room } = roomWithoutServer();
    markLeaving(room);
    expect(untilLeft(room)).toBeUndefined();

    await room.connect(SERVER_URL, await mintToken());
    markLeaving(room);
    const leave = untilLeft(room);
    expect(leave).toBeInstanceOf(Promise);
    // Marked twice (two providers' teardowns): one leave.
    markLeaving(room);
    expect(untilLeft(room)).toBe(leave);
    await room.disconnect();
    await expect(leave).resolves.toBeUndefined();
    expect(untilLeft(room)).toBeUndefined();
  });
});

describe('untilDisconnectDone (the app’s own `room.disconnect()`)', () => {
  it('is undefined while no disconnect is under way, and resolves once one has finished, leaving the room free to connect', async () => {
    const { room, connect } = roomWithoutServer();
    await room.connect(SERVER_URL, await mintToken());
    expect(untilDisconnectDone(room)).toBeUndefined();

    const leaving = room.disconnect();
    const done = untilDisconnectDone(room);
    expect(room.state).toBe(ConnectionState.Connected);
    expect(done).toBeInstanceOf(Promise);
    await done;
    expect(room.state).toBe(ConnectionState.Disconnected);
    await leaving;

    // Its wait took the room's disconnect lock and gave it back: another connect and leave go through.
    expect(untilDisconnectDone(room)).toBeUndefined();
    await room.connect(SERVER_URL, await mintToken());
    await room.disconnect();
    expect(connect).toHaveBeenCalledTimes(2);
    expect(room.state).toBe(ConnectionState.Disconnected);
  });

  it.each([
    ['no lock', undefined],
    ['a lock without isLocked', { lock: async () => () => {} }],
    ['a held lock without lock()', { isLocked: () => true }],
  ])('says none is under way where livekit-client has not the lock it knows (%s)', async (_name, lock) => {
    const { room } = roomWithoutServer();
    await room.connect(SERVER_URL, await mintToken());
    Object.defineProperty(room, 'disconnectLock', { configurable: true, value: lock });

    expect(untilDisconnectDone(room)).toBeUndefined();
  });
});
