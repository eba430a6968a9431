import { act, waitFor } from '@testing-library/react';
import { ConnectionError } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { CustomTokenError } from '../../src/core/errors';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

const quiet = { microphone: false } as const;

describe('CustomTokenSessionProvider lifecycle', () => {
  it('connects exactly once under StrictMode when `connect` is true', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'standup', connect: true, ...quiet });
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('returns the same promise for start() called while connecting', async () => {
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    let first!: Promise<void>;
    let second!: Promise<void>;
    act(() => {
      first = session().start();
      second = session().start();
    });
    expect(second).toBe(first);
    await settle(() => first);
    expect(session().isConnected).toBe(true);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('disconnects on end() without an unhandled rejection when the generator then fails', async () => {
    const { room } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    generator.mockRejectedValue(new Error('token service down'));
    await settle(() => session().end());
    expect(room.state).toBe('disconnected');
    expect(session()).toMatchObject({ isConnected: false, isEnding: false, error: null });
  });

  it('disconnects when the provider unmounts', async () => {
    const { room } = roomWithoutServer();
    const { session, unmount } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    expect(room.state).toBe('connected');
    unmount();
    await waitFor(() => expect(room.state).toBe('disconnected'));
  });

  it('settles start() with the token error when the generator fails, and reports it once', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    generator.mockRejectedValue(Object.assign(new Error('forbidden'), { status: 403 }));
    const errors: CustomTokenError[] = [];
    const { session } = renderSession({
      generator,
      room,
      roomName: 'standup',
      retries: 0,
      onError: (error) => errors.push(error),
      ...quiet,
    });
    await settle(() => session().start());
    expect(session().error).toBeInstanceOf(CustomTokenError);
    expect(session().error?.message).toMatch(/forbidden/);
    expect(errors).toEqual([session().error]);
    expect(connect).not.toHaveBeenCalled();
  });

  it("turns LiveKit's ConnectionError into connection_failed with the reason's name", async () => {
    const { room } = roomWithoutServer({ failWith: ConnectionError.notAllowed('invalid token', 401) });
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet });
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'connection_failed', reason: 'NotAllowed', status: 401, retryable: false });
  });

  it('clears the error when start() is called again and succeeds', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(new Error('flaky'));
    const { session } = renderSession({ generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet });
    await settle(() => session().start());
    expect(session().error).not.toBeNull();
    await settle(() => session().restart());
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });

  it('ends a declaratively started session when `connect` turns false', async () => {
    const { room } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session, rerenderWith } = renderSession({ generator, room, roomName: 'standup', connect: true, ...quiet });
    await waitFor(() => expect(session().isConnected).toBe(true));
    rerenderWith({ generator, room, roomName: 'standup', connect: false, ...quiet });
    await waitFor(() => expect(session().isConnected).toBe(false));
    expect(room.state).toBe('disconnected');
  });
});
