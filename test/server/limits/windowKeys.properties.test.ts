// @vitest-environment node
import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startsEmptyHashTag, windowKeys } from '../../../src/server/limits/windowKeys';
import { propertyRuns } from '../../helpers/propertyRuns';

/**
 * Text rich in what decides a hash tag: braces, the separator, and any other character. (The
 * library agrees with Redis on every key here; on one whose first `{` closes at once it does not —
 * it looks on for a later `}` where Redis hashes the whole key — and the redis stage checks those
 * prefixes against a real cluster.)
 */
const text = fc.oneof(fc.string({ unit: fc.constantFrom('{', '}', ':', 'a', 'b') }), fc.string({ unit: 'grapheme' }), fc.string());
const prefix = text.filter((value) => !startsEmptyHashTag(value));
const window = fc.constantFrom('tokens:60s', 'agentDispatches:3600s');

/** Runs of the property (2_000); raise them and pick the seed to explore: `WINDOW_KEYS_PROPERTY_RUNS=20000 WINDOW_KEYS_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('WINDOW_KEYS_PROPERTY', 2_000);

describe('windowKeys', () => {
  it("puts a caller's window and its refunds in one Redis Cluster slot, for any identity and any keyPrefix not refused", () => {
    fc.assert(
      fc.property(prefix, window, text, (keyPrefix, name, identity) => {
        const keys = windowKeys(keyPrefix, name, identity, true);
        expect(calculateSlot(keys.refunds)).toBe(calculateSlot(keys.window));
      }),
      { numRuns: RUNS, ...seed },
    );
  });

  it('gives two callers, or two windows, keys of their own on a cluster, and never a window the key of a refunds list', () => {
    fc.assert(
      fc.property(prefix, window, window, text, text, (keyPrefix, oneWindow, otherWindow, one, other) => {
        const a = windowKeys(keyPrefix, oneWindow, one, true);
        const b = windowKeys(keyPrefix, otherWindow, other, true);
        expect(a.window === b.window).toBe(one === other && oneWindow === otherWindow);
        expect(a.window).not.toBe(b.refunds);
      }),
      { numRuns: RUNS, ...seed },
    );
  });

  it('keeps the documented keys on a standalone Redis: <keyPrefix>:<window>:<identity>, and its refunds under <keyPrefix>:refunds:…', () => {
    fc.assert(
      fc.property(text, window, text, (keyPrefix, name, identity) => {
        expect(windowKeys(keyPrefix, name, identity, false)).toEqual({
          window: `${keyPrefix}:${name}:${identity}`,
          refunds: `${keyPrefix}:refunds:${name}:${identity}`,
        });
      }),
    );
  });

  it('spreads callers over the slots when the prefix has no hash tag of its own: 100 callers, more than 90 slots', () => {
    const slots = new Set(
      Array.from({ length: 100 }, (_, i) => calculateSlot(windowKeys('lkctr', 'tokens:60s', `caller-${i}`, true).window)),
    );
    expect(slots.size).toBeGreaterThan(90);
  });
});
