import { waitFor } from '@testing-library/react';
import { DisconnectReason } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { roomWithoutServer, serverDisconnects, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

const quiet = { microphone: false } as const;

describe('CustomTokenSessionProvider when LiveKit ends a live session', () => {
  it('reports a duplicate identity as a typed disconnected error with advice', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    await serverDisconnects(room, DisconnectReason.DUPLICATE_IDENTITY);
    await waitFor(() => expect(session().isConnected).toBe(false));
    expect(session().error).toMatchObject({
      code: 'disconnected',
      reason: 'DUPLICATE_IDENTITY',
      retryable: false,
      message: expect.stringContaining('mint a distinct identity per tab'),
    });
  });

  it.each([
    [DisconnectReason.PARTICIPANT_REMOVED, 'LiveKit ended the session (PARTICIPANT_REMOVED): you were removed from the call.'],
    [DisconnectReason.ROOM_DELETED, 'LiveKit ended the session (ROOM_DELETED): the call was ended for everyone (its room was deleted).'],
    [DisconnectReason.SERVER_SHUTDOWN, 'LiveKit ended the session (SERVER_SHUTDOWN): the LiveKit server shut down.'],
    [
      DisconnectReason.DUPLICATE_IDENTITY,
      'LiveKit ended the session (DUPLICATE_IDENTITY): the same identity joined from somewhere else (another tab?); mint a distinct identity per tab.',
    ],
  ])('says in words why LiveKit ended the session (%s)', async (reason, message) => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    await serverDisconnects(room, reason);
    await waitFor(() => expect(session().error?.message).toBe(message));
  });

  it('reports a server shutdown as retryable, and a new start() clears it', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    await serverDisconnects(room, DisconnectReason.SERVER_SHUTDOWN);
    await waitFor(() => expect(session().error).toMatchObject({ code: 'disconnected', reason: 'SERVER_SHUTDOWN', retryable: true }));
    await settle(() => session().start());
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });

  it("gives a reason this livekit-client has no name for (a newer server's) as its number, never none", async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    // A DisconnectReason added to LiveKit's protocol after this client's: decoded as its number.
    await serverDisconnects(room, 99 as DisconnectReason);
    await waitFor(() => expect(session().error?.code).toBe('disconnected'));
    const error = session().error!;
    // `reason` is a string on every `disconnected` error (CustomTokenErrorDetails).
    expect(error.reason).toBe('99');
    expect(error.message).toBe('LiveKit ended the session (99).');
  });

  it('reports nothing when the app itself ends the session', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    await settle(() => session().end());
    expect(session()).toMatchObject({ isConnected: false, error: null });
  });
});
