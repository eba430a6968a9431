import { waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DisconnectReason } from 'livekit-client';
import { roomWithoutServer, serverDisconnects, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

const MINUTE = 60_000;

describe('CustomTokenSessionProvider after a call longer than a token lives', () => {
  afterEach(() => vi.useRealTimers());

  it('end() gets the next session one token: one generator call, not a refresh-ahead and a forced fetch', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    const { room } = roomWithoutServer();
    const generator = tokenGenerator({ ttl: 10 * 60 });
    const { session } = renderSession({ generator, room, roomName: 'standup', microphone: false });
    await settle(() => session().start());
    await waitFor(() => expect(room.state).toBe('connected'));
    const before = generator.mock.calls.length;
    vi.setSystemTime(Date.now() + 60 * MINUTE);
    await settle(() => session().end());
    await waitFor(() => expect(generator.mock.calls.length - before).toBe(1), { timeout: 3_000 });
    // The next session connects with that token: a second call made for the end would show by then.
    await waitFor(() => expect(session().isConnected).toBe(false));
    await settle(() => session().start());
    expect(generator.mock.calls.length - before).toBe(1);
    await settle(() => session().end());
  });

  it('the laptop waking from a sleep during a call, and the server having dropped it: one call for the next session', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    const { room } = roomWithoutServer();
    const generator = tokenGenerator({ ttl: 10 * 60 });
    const { session } = renderSession({ generator, room, roomName: 'standup', microphone: false });
    await settle(() => session().start());
    await waitFor(() => expect(room.state).toBe('connected'));
    const before = generator.mock.calls.length;
    vi.setSystemTime(Date.now() + 3 * 60 * MINUTE);
    await serverDisconnects(room, DisconnectReason.SIGNAL_CLOSE);
    await waitFor(() => expect(room.state).toBe('disconnected'));
    await waitFor(() => expect(generator.mock.calls.length - before).toBe(1), { timeout: 3_000 });
    await waitFor(() => expect(session().isConnected).toBe(false));
    await settle(() => session().start());
    expect(generator.mock.calls.length - before).toBe(1);
  });
});
