import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { renderSession } from './render';

/**
 * README, the props table: "`prefetch` | `false` fetches nothing until `start()`; an `initialToken` given
 * is kept fresh ahead of its expiry, as a fetched one is".
 */
describe('CustomTokenSessionProvider with prefetch={false} and an initialToken', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fetches nothing before start() but the initial token’s refresh ahead of its expiry', async () => {
    // On a whole second, so that the token's whole-second `iat` is now: its refresh time is then
    // exactly half its 3 s lifetime from now (minted a moment before a second ended, it was due
    // after 1 s, and the first check below failed on a busy machine).
    vi.useFakeTimers({ now: Math.ceil(Date.now() / 1_000) * 1_000 });
    const initialToken = {
      options: { roomName: 'standup' },
      response: { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'standup', ttl: '3s' }) },
    };
    const generator = tokenGenerator();
    renderSession({ generator, room: roomWithoutServer().room, roomName: 'standup', initialToken, prefetch: false, microphone: false });
    await act(() => vi.advanceTimersByTimeAsync(1_400));
    expect(generator, 'generator calls before the initial token is due').not.toHaveBeenCalled();
    // Past the initial token's refresh time (half its 3 s lifetime), nobody having clicked anything.
    await act(() => vi.advanceTimersByTimeAsync(200));
    expect(generator).toHaveBeenCalledTimes(1);
    expect(generator.mock.calls[0]![0]).toEqual({ roomName: 'standup' });
  });
});
