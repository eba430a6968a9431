import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { clickStart, renderSession } from './render';

afterEach(() => {
  vi.useRealTimers();
});

/** README, the provider's props: "`agentConnectTimeoutMs` | `20_000` | after this, an agent that is not ready fails the session with `agent_failed`"; "`onError` | called once per failed session or start, with its first cause". */
describe('CustomTokenSessionProvider without an agentConnectTimeoutMs', () => {
  it('fails start() with agent_failed 20 s after its connect, not before, and calls onError once', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const onError = vi.fn();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      microphone: false,
      onError,
    });
    const settled = clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(session()).toMatchObject({ isConnected: true, isStarting: true });

    await act(() => vi.advanceTimersByTimeAsync(19_800));
    expect(settled()).toBe(false);
    expect(session().error).toBeNull();

    await act(() => vi.advanceTimersByTimeAsync(300));
    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({ code: 'agent_failed' });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(room.state).toBe('disconnected');
  });
});
