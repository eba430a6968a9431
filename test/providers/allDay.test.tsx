import { waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

const MINUTE = 60_000;

describe('CustomTokenSessionProvider in a tab open all day', () => {
  afterEach(() => vi.useRealTimers());

  it('a start() right after the laptop wakes, past the prefetched token’s expiry, joins with a new token', async () => {
    // Only the wall clock is faked: timers run, and a sleep is the clock jumping ahead of them.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'standup', microphone: false });
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(room.state).toBe('disconnected'));
    vi.setSystemTime(Date.now() + 3 * 60 * MINUTE);
    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(1);
    const exp = decodeTokenPayload(connect.mock.calls[0]![1]).exp!;
    expect(exp * 1000).toBeGreaterThan(Date.now());
  });
});
