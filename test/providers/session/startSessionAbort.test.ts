import { ConnectionState } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { startSession } from '../../../src/providers/session/startSession';
import { roomWithoutServer } from '../../helpers/room';
import { mintToken, SERVER_URL } from '../../helpers/tokens';

describe('startSession abandoned a microtask after the room says connected', () => {
  it('rejects with the abort, and nothing rejects unhandled (the publish step, skipped, included)', async () => {
    const { room } = roomWithoutServer();
    const controller = new AbortController();
    const participantToken = await mintToken();
    let connected!: () => void;
    const outcome = startSession({
      room,
      fetchToken: async () => ({ serverUrl: SERVER_URL, participantToken }),
      connectOptions: {},
      waitUntilDisconnected: async () => {},
      waitUntilConnected: () =>
        new Promise<void>((resolve) => {
          connected = () => {
            resolve();
            // end() or an unmount lands in the microtasks before the start goes on to publish.
            queueMicrotask(() => controller.abort());
          };
        }),
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
    await vi.waitFor(() => expect(connected).toBeTypeOf('function'));
    connected();
    expect(await outcome).not.toBe('resolved');
    // (test/setup.ts fails the test on an unhandled rejection.)
    expect(room.state).toBe(ConnectionState.Disconnected);
  });
});
