import { act, render, renderHook, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { mintingGenerator } from '../helpers/generators';
import { showTab, sleepFor } from '../helpers/tabLife';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

describe('useTokenStatus after the device slept', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await act(() => vi.advanceTimersByTimeAsync(0));
    Reflect.deleteProperty(document, 'visibilityState');
    vi.useRealTimers();
  });

  it('disconnected: the tab shown on waking fetches a new token at once, and the hook never says ready for the expired one', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const { result } = renderHook(() => useTokenStatus(source));
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    expect(result.current.status).toBe('ready');
    sleepFor(60 * MINUTE);
    await act(async () => {
      showTab();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(generator).toHaveBeenCalledTimes(2);
    expect(result.current.status).toBe('ready');
    expect(result.current.expiresAt).toBe(Date.now() + 10 * MINUTE);
  });

  it('connected: reads expired within 30 s of waking', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const { result } = renderHook(() => useTokenStatus(source));
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    const release = source.holdConnected();
    sleepFor(60 * MINUTE);
    await act(() => vi.advanceTimersByTimeAsync(30 * SECOND));
    expect(result.current.status).toBe('expired');
    expect(generator).toHaveBeenCalledTimes(1);
    act(release);
  });

  it('TokenStatusView: the countdown and status line stop saying ready within a second of waking, while connected', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    render(<TokenStatusView source={source} />);
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    const release = source.holdConnected();
    await act(() => vi.advanceTimersByTimeAsync(SECOND));
    expect(screen.getByRole('status').textContent).toBe('Token ready');
    sleepFor(60 * MINUTE);
    await act(() => vi.advanceTimersByTimeAsync(SECOND));
    expect(screen.getByRole('status').textContent).toBe('Token expired');
    expect(screen.getByText('expired')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Get a new token' })).toBeTruthy();
    act(release);
  });

  it('a 30-day token: the countdown shows days worth of hours, and nothing is fetched again', async () => {
    const generator = mintingGenerator(() => ({ ttl: 30 * 24 * 60 * 60 }));
    const source = createCustomTokenSource(generator);
    render(<TokenStatusView source={source} />);
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    await act(() => vi.advanceTimersByTimeAsync(5 * SECOND));
    expect(screen.getByRole('status').textContent).toBe('Token ready');
    expect(screen.getByText('in 719:59:55')).toBeTruthy();
    expect(generator).toHaveBeenCalledTimes(1);
  });
});
