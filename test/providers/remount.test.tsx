import { act, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { renderKeyed, settle } from './render';

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('CustomTokenSessionProvider remounted by a new key', () => {
  it('on a shared room (the `room` prop, or a RoomContext), the new session (connect) connects once the old one has left it', async () => {
    const { room, connect } = roomWithoutServer();
    const { session, remount } = renderKeyed({ generator: tokenGenerator(), room, roomName: 'standup', connect: true, microphone: false });
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);

    // The old provider's teardown disconnects the room: it must not be taken for the new session's connection.
    remount('second');
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(room.state).toBe('connected'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(room.state).toBe('connected');
    expect(session().isConnected).toBe(true);
    await settle(() => session().end());
  });

  it('the old provider never ends the new one: an end() it had queued behind a slow leave does nothing once it is unmounted', async () => {
    vi.useFakeTimers();
    // Leaving takes 400 ms (a slow network): the calls below are still queued when the key changes.
    const w = scriptedWorld({ leaveMs: 400 });
    w.cooperate();
    const { session, remount } = renderKeyed({
      generator: w.generator,
      room: w.room,
      roomName: 'standup',
      connect: true,
      microphone: false,
    });
    await advance(100);
    expect(session().isConnected).toBe(true);

    // An end() leaving slowly, a start() queued behind it, and restart()'s end() and start() behind that.
    for (const action of ['end', 'start', 'restart'] as const) {
      act(() => void session()[action]());
      await advance(0);
    }
    remount('second');
    await advance(1_000);
    expect(w.connects).toHaveLength(2);
    expect(w.room.state).toBe('connected');
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });
});
