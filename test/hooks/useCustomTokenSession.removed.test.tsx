import { act, render } from '@testing-library/react';
import { ConnectionState, DisconnectReason, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { mintingGenerator } from '../helpers/generators';
import { roomStuckOnPeerConnection, roomWithoutServer, serverDisconnects } from '../helpers/room';

setLogLevel('silent');

type Session = ReturnType<typeof useCustomTokenSession>;

function Page({
  room,
  generator,
  onSession,
}: {
  room: Room;
  generator: ReturnType<typeof mintingGenerator>;
  onSession: (s: Session) => void;
}) {
  const source = useCustomTokenSource(generator);
  onSession(useCustomTokenSession(source, { roomName: 'A', room }));
  return null;
}

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('useCustomTokenSession after the server removed the participant', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('start() joins again, with a token fetched after the removal', async () => {
    const generator = mintingGenerator(() => ({ ttl: 600 }));
    const { room, connect } = roomWithoutServer();
    const latest: { session?: Session } = {};
    render(
      <React.StrictMode>
        <Page room={room} generator={generator} onSession={(s) => (latest.session = s)} />
      </React.StrictMode>,
    );
    await advance(10);
    act(() => void latest.session!.start({ tracks: {} }).catch(() => {}));
    await advance(50);
    expect(latest.session!.isConnected).toBe(true);
    const callsBefore = generator.mock.calls.length;

    await serverDisconnects(room, DisconnectReason.PARTICIPANT_REMOVED);
    await advance(50);
    expect(generator.mock.calls.length).toBe(callsBefore + 1);

    act(() => void latest.session!.start({ tracks: {} }).catch(() => {}));
    await advance(50);
    expect(connect).toHaveBeenCalledTimes(2);
    expect(latest.session!.isConnected).toBe(true);
    const tokenUsed = connect.mock.calls[1]![1];
    expect(tokenUsed).toBe(((await generator.mock.results.at(-1)!.value) as { participantToken: string }).participantToken);
  });

  describe('while its room was still connecting', () => {
    beforeEach(() =>
      vi.stubGlobal(
        'RTCPeerConnection',
        class {
          addTransceiver() {}
        },
      ),
    );
    afterEach(() => vi.unstubAllGlobals());

    it('start() makes a new connection attempt at once, with a token fetched after the removal, and the first start() rejects at once', async () => {
      const generator = mintingGenerator(() => ({ ttl: 600 }));
      const { room, attempts, serverLeaves } = roomStuckOnPeerConnection();
      const latest: { session?: Session } = {};
      render(
        <React.StrictMode>
          <Page room={room} generator={generator} onSession={(s) => (latest.session = s)} />
        </React.StrictMode>,
      );
      await advance(10);
      let firstStart: 'pending' | 'resolved' | 'rejected' = 'pending';
      act(
        () =>
          void latest.session!.start({ tracks: {} }).then(
            () => (firstStart = 'resolved'),
            () => (firstStart = 'rejected'),
          ),
      );
      await advance(50);
      expect(room.state).toBe(ConnectionState.Connecting);
      expect(attempts).toHaveBeenCalledTimes(1);
      const callsBefore = generator.mock.calls.length;

      serverLeaves(DisconnectReason.PARTICIPANT_REMOVED);
      await advance(50);
      expect(latest.session!.connectionState).toBe(ConnectionState.Disconnected);
      expect(firstStart, 'the start the server ended').toBe('rejected');
      expect(generator.mock.calls.length, 'the next token fetched as the session ended').toBe(callsBefore + 1);

      act(() => void latest.session!.start({ tracks: {} }).catch(() => {}));
      await advance(50);
      expect(attempts, 'a connection attempt of its own').toHaveBeenCalledTimes(2);
      expect(latest.session!.isConnected).toBe(true);
      const tokenUsed = attempts.mock.calls[1]![1];
      expect(tokenUsed).toBe(((await generator.mock.results.at(-1)!.value) as { participantToken: string }).participantToken);
    });
  });
});
