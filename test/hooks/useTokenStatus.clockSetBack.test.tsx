import { act, render, renderHook, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { mintingGenerator } from '../helpers/generators';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** The wall clock set back 3 minutes, 6 minutes into a 10-minute token: `vi.setSystemTime` moves the wall clock only, not the timers or `performance.now()`. */
describe('useTokenStatus when the clock is set back by less than the token’s age', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await act(() => vi.advanceTimersByTimeAsync(0));
    vi.useRealTimers();
  });

  it('reads expired at the real expiry while connected, with the real time left before it', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const { result } = renderHook(() => useTokenStatus(source));
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    const release = source.holdConnected();
    await act(() => vi.advanceTimersByTimeAsync(6 * MINUTE));
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    await act(() => vi.advanceTimersByTimeAsync(30 * SECOND));
    expect(result.current.expiresAt! - Date.now()).toBe(3 * MINUTE + 30 * SECOND);
    await act(() => vi.advanceTimersByTimeAsync(3 * MINUTE + 30 * SECOND));
    expect(result.current.status).toBe('expired');
    expect(generator).toHaveBeenCalledTimes(1);
    act(release);
  });

  it('TokenStatusView: the countdown shows the real time left, and says expired at the real expiry', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    render(<TokenStatusView source={source} />);
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    const release = source.holdConnected();
    await act(() => vi.advanceTimersByTimeAsync(6 * MINUTE));
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    await act(() => vi.advanceTimersByTimeAsync(SECOND));
    expect(screen.getByText('in 3:59')).toBeTruthy();
    await act(() => vi.advanceTimersByTimeAsync(4 * MINUTE - SECOND));
    expect(screen.getByRole('status').textContent).toBe('Token expired');
    expect(screen.getByText('expired')).toBeTruthy();
    act(release);
  });
});
