import { ConnectionState, RoomEvent } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { markLeaving } from '../../src/providers/roomLeaving';
import { startSession } from '../../src/providers/startSession';
import { roomWithoutServer } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';

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
      waitUntilConnected: async () => {},
      waitUntilAgentReady: async () => {},
      agentConnectTimeoutMs: 1_000,
      signal: controller.signal,
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
});
