import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOCKS_AGREE_WITHIN_MS, timeFromArrival, tokenNow } from '../../src/core/tokenNow';
import { NOW, tokenDetails } from '../helpers/queryState';
import { scaledPropertyRuns } from '../helpers/propertyRuns';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** How often the token is read (a snapshot, the refresh scheduler's timer): every minute of the day. */
const READ_EVERY = MINUTE;

/**
 * A tab open all day with neither a sleep nor a step: the wall clock is slewed (NTP) at up to
 * 100 ppm either way, its rate changing now and then, and each read of it is a few milliseconds
 * off `performance.now()` (whole milliseconds, a coarsened monotonic clock, the time between the
 * two reads).
 */
const drift = fc.array(fc.record({ ms: fc.integer({ min: MINUTE, max: 4 * HOUR }), ppm: fc.integer({ min: -100, max: 100 }) }), {
  minLength: 1,
  maxLength: 12,
});
const jitter = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 50 });

/** Each property's runs times `TOKEN_NOW_PROPERTY_SCALE` (1); raise it and pick the seed to explore: `TOKEN_NOW_PROPERTY_SCALE=10 TOKEN_NOW_PROPERTY_SEED=<seed>`. */
const runs = scaledPropertyRuns('TOKEN_NOW_PROPERTY');

describe('tokenNow over a day of clock drift and jitter', () => {
  beforeEach(() => vi.useFakeTimers({ now: NOW }));
  afterEach(() => vi.useRealTimers());

  // A property test: 60 s, like the others (it ran out of 5 s under load).
  it(
    'counts a token no older than its real age plus the wall clock’s largest lead and a second, nor younger by more than a second',
    { timeout: 60_000 },
    () => {
      fc.assert(
        fc.property(drift, jitter, (segments, offsets) => {
          vi.setSystemTime(NOW);
          const token = timeFromArrival(tokenDetails({ receivedAt: Date.now(), staleAt: null, expiresAt: null }));
          const arrived = performance.now();
          // How far the wall clock has run ahead of the monotonic clock (negative: behind), without the jitter.
          let lead = 0;
          let largestLead = 0;
          let read = 0;
          for (const { ms, ppm } of segments) {
            for (let elapsed = 0; elapsed < ms; elapsed += READ_EVERY) {
              vi.advanceTimersByTime(READ_EVERY);
              lead += (READ_EVERY * ppm) / 1e6;
              largestLead = Math.max(largestLead, lead);
              const offset = offsets[read++ % offsets.length]!;
              vi.setSystemTime(token.receivedAt + performance.now() - arrived + Math.round(lead) + offset);
              const realAge = performance.now() - arrived;
              const countedAge = tokenNow(token, Date.now()) - token.receivedAt;
              // A drift either way is counted once it passes the clocks' usual disagreement, and uncounted the same.
              expect(countedAge - realAge).toBeGreaterThanOrEqual(-CLOCKS_AGREE_WITHIN_MS - 4);
              expect(countedAge - realAge).toBeLessThanOrEqual(largestLead + CLOCKS_AGREE_WITHIN_MS + 4);
            }
          }
        }),
        runs(60),
      );
    },
  );

  it('counts a token as old as the wall clock says, to the jitter, all day when the clocks do not drift: the jitter never adds up', () => {
    fc.assert(
      fc.property(jitter, (offsets) => {
        vi.setSystemTime(NOW);
        const token = timeFromArrival(tokenDetails({ receivedAt: Date.now(), staleAt: null, expiresAt: null }));
        const arrived = performance.now();
        for (let read = 0; read < (24 * HOUR) / READ_EVERY; read += 1) {
          vi.advanceTimersByTime(READ_EVERY);
          vi.setSystemTime(token.receivedAt + performance.now() - arrived + offsets[read % offsets.length]!);
          expect(tokenNow(token, Date.now())).toBe(Date.now());
        }
      }),
      runs(30),
    );
  });
});
