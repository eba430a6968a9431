import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/core/retryDelayMs';
import { propertyRuns } from '../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `RETRY_DELAY_PROPERTY_RUNS` / `RETRY_DELAY_PROPERTY_SEED`. */
const RUNS = propertyRuns('RETRY_DELAY_PROPERTY', 100);

describe('retryDelayMs', () => {
  it('waits half the ceiling at the lowest draw and all of it at the highest', () => {
    expect(retryDelayMs(0, 500, 8_000, () => 0)).toBe(250);
    expect(retryDelayMs(0, 500, 8_000, () => 1)).toBe(500);
    expect(retryDelayMs(0, 500, 8_000, () => 0.5)).toBe(375);
  });

  it('doubles the ceiling with every retry, up to maxMs', () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, 500, 8_000, () => 1))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(retryDelayMs(10, 500, 8_000, () => 0)).toBe(4_000);
  });

  it('stays between half and all of min(baseMs · 2^n, maxMs) for any draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseMs, maxMs, draw) => {
          const ceiling = Math.min(baseMs * 2 ** retry, maxMs);
          const delay = retryDelayMs(retry, baseMs, maxMs, () => draw);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
      RUNS,
    );
  });
});
