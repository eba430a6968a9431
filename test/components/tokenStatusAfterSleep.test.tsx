import { act, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { sleepFor } from '../helpers/tabLife';
import { SERVER_URL, mintToken } from '../helpers/tokens';

const HOUR = 60 * 60_000;

describe('TokenStatusView after the laptop sleeps past the token’s expiry', () => {
  afterEach(() => {
    Reflect.deleteProperty(document, 'visibilityState');
    vi.useRealTimers();
  });

  it('never says "Token ready" for the expired token while its refresh runs, not even in the first render after waking', async () => {
    // Signed before the clock is faked (signing is real async work); the source times it from arrival.
    const jwt = await mintToken({ room: 'standup', ttl: 10 * 60 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    let answer = true;
    // The first call answers; the one after waking waits for the network, which is still coming back.
    const generator = vi.fn<TokenGenerator>(() =>
      answer ? Promise.resolve({ serverUrl: SERVER_URL, participantToken: jwt }) : new Promise(() => {}),
    );
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'standup' });
    render(<TokenStatusView source={source} />);
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    const view = screen.getByRole('region', { name: 'Token status' });
    expect(within(view).getByRole('status').textContent).toBe('Token ready');

    answer = false;
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' });
    act(() => void document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    sleepFor(3 * HOUR);
    // Woken: the tab is shown, the token (3 h old) is refreshed, and nothing else has run yet.
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
    await act(async () => void document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    expect(generator).toHaveBeenCalledTimes(2);
    expect(view.getAttribute('data-status')).toBe('fetching');
    expect(within(view).getByRole('status').textContent).toBe('Token fetching');
    expect(view.querySelector('time')?.textContent).toBe('expired');
  });
});
