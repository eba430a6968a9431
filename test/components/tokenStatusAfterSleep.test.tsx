import { act, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { setTabVisible, sleepFor } from '../helpers/tabLife';
import { SERVER_URL, mintToken } from '../helpers/tokens';

const HOUR = 60 * 60_000;

describe('TokenStatusView after the laptop sleeps past the token’s expiry', () => {
  afterEach(() => {
    Reflect.deleteProperty(document, 'visibilityState');
    vi.useRealTimers();
  });

  /** A view of a 10-minute token, in hand and shown "Token ready"; then the tab hidden, 3 h asleep, and the generator's next call waiting for the network. */
  async function asleepPastExpiry() {
    // Signed before the clock is faked (signing is real async work); the source times it from arrival.
    const jwt = await mintToken({ room: 'standup', ttl: 10 * 60 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    let answer = true;
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
    act(() => setTabVisible(false));
    sleepFor(3 * HOUR);
    const wake = () => setTabVisible(true);
    const said = () => [
      view.getAttribute('data-status'),
      within(view).getByRole('status').textContent,
      view.querySelector('time')?.textContent,
    ];
    return { generator, wake, said };
  }

  it('never says "Token ready" for the expired token while its refresh runs, not even in the first render after waking', async () => {
    const { generator, wake, said } = await asleepPastExpiry();
    // Woken: the tab is shown, the token (3 h old) is refreshed, and nothing else has run yet.
    await act(async () => wake());
    expect(generator).toHaveBeenCalledTimes(2);
    expect(said()).toEqual(['fetching', 'Token fetching', 'expired']);
  });

  it('says so before the browser could paint: in the task that woke it, before any other task runs', async () => {
    const { wake, said } = await asleepPastExpiry();
    // As in a browser: React schedules its own work, no act() flushing it. A status change renders
    // synchronously, and React runs the effects of a synchronous render in the same task (work it
    // put off to a later task would run after a paint, and is not awaited here).
    const actEnvironment = Reflect.get(globalThis, 'IS_REACT_ACT_ENVIRONMENT');
    Reflect.set(globalThis, 'IS_REACT_ACT_ENVIRONMENT', false);
    try {
      wake();
      for (let turn = 0; turn < 20; turn++) await Promise.resolve();
      expect(said()).toEqual(['fetching', 'Token fetching', 'expired']);
    } finally {
      Reflect.set(globalThis, 'IS_REACT_ACT_ENVIRONMENT', actEnvironment);
    }
  });
});
