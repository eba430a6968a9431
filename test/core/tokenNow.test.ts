import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOCKS_AGREE_WITHIN_MS, timeFromArrival, tokenNow } from '../../src/core/tokenNow';
import { NOW, tokenDetails } from '../helpers/queryState';

const MINUTE = 60_000;

/** Fake timers fake `performance.now()` too: `advanceTimersByTime` moves both clocks, `setSystemTime` the wall clock only. */
describe('tokenNow', () => {
  beforeEach(() => vi.useFakeTimers({ now: NOW }));
  afterEach(() => vi.useRealTimers());

  const arrivedNow = () => timeFromArrival(tokenDetails({ receivedAt: Date.now(), staleAt: Date.now() + 9 * MINUTE }));

  it('is the wall clock while it has not been set back', () => {
    const token = arrivedNow();
    vi.advanceTimersByTime(5 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(Date.now());
  });

  it('counts the time since arrival on the monotonic clock when the wall clock was set back', () => {
    const token = arrivedNow();
    vi.advanceTimersByTime(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(token.receivedAt + 6 * MINUTE);
    vi.advanceTimersByTime(MINUTE);
    expect(tokenNow(token, Date.now())).toBe(token.receivedAt + 7 * MINUTE);
  });

  it('counts the wall clock when it ran ahead (a device waking from sleep, its monotonic clock paused)', () => {
    const token = arrivedNow();
    vi.advanceTimersByTime(MINUTE);
    vi.setSystemTime(Date.now() + 60 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(Date.now());
  });

  it('does not take back a sleep it has counted when the wall clock is then set back (the monotonic clock did not count it)', () => {
    const token = arrivedNow();
    vi.advanceTimersByTime(MINUTE);
    vi.setSystemTime(Date.now() + 60 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(token.receivedAt + 61 * MINUTE);
    vi.setSystemTime(Date.now() - 30 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(token.receivedAt + 61 * MINUTE);
    vi.advanceTimersByTime(MINUTE);
    expect(tokenNow(token, Date.now())).toBe(token.receivedAt + 62 * MINUTE);
  });

  it('undoes a step back once the clock is set forward again', () => {
    const token = arrivedNow();
    vi.advanceTimersByTime(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(Date.now() + 3 * MINUTE);
    vi.setSystemTime(Date.now() + 3 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(Date.now());
  });

  it('takes a step back of up to a second for the two clocks’ usual disagreement: its snapshot does not change with every read', () => {
    const token = arrivedNow();
    vi.advanceTimersByTime(MINUTE);
    vi.setSystemTime(Date.now() - CLOCKS_AGREE_WITHIN_MS);
    expect(tokenNow(token, Date.now())).toBe(Date.now());
    vi.setSystemTime(Date.now() - 1);
    expect(tokenNow(token, Date.now())).toBe(Date.now() + CLOCKS_AGREE_WITHIN_MS + 1);
    // Counted: it moves again only by more than the disagreement, either way.
    vi.setSystemTime(Date.now() + CLOCKS_AGREE_WITHIN_MS);
    expect(tokenNow(token, Date.now())).toBe(Date.now() + CLOCKS_AGREE_WITHIN_MS + 1);
    vi.setSystemTime(Date.now() - 2 * CLOCKS_AGREE_WITHIN_MS);
    expect(tokenNow(token, Date.now())).toBe(Date.now() + CLOCKS_AGREE_WITHIN_MS + 1);
    vi.setSystemTime(Date.now() - 1);
    expect(tokenNow(token, Date.now())).toBe(Date.now() + 2 * CLOCKS_AGREE_WITHIN_MS + 2);
  });

  it('is the wall clock for a token that did not arrive in this process (hydrated)', () => {
    const token = tokenDetails({ receivedAt: Date.now(), staleAt: Date.now() + 9 * MINUTE });
    vi.advanceTimersByTime(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    expect(tokenNow(token, Date.now())).toBe(Date.now());
  });
});
