import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, timerDelay } from '../../src/core/timerDelay';

describe('timerDelay', () => {
  it('keeps a delay timers can hold, up to 2^31 - 1 ms', () => {
    expect(timerDelay(0)).toBe(0);
    expect(timerDelay(1_500)).toBe(1_500);
    expect(timerDelay(MAX_TIMER_MS)).toBe(2 ** 31 - 1);
  });

  it('caps a longer one, Infinity included, at the longest timers hold', () => {
    expect(timerDelay(MAX_TIMER_MS + 1)).toBe(MAX_TIMER_MS);
    expect(timerDelay(Infinity)).toBe(MAX_TIMER_MS);
  });
});
