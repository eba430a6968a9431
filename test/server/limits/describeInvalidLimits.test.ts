// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeInvalidLimits } from '../../../src/server/limits/describeInvalidLimits';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `DESCRIBE_INVALID_LIMITS_PROPERTY_RUNS` / `DESCRIBE_INVALID_LIMITS_PROPERTY_SEED`. */
const RUNS = propertyRuns('DESCRIBE_INVALID_LIMITS_PROPERTY', 100);

describe('describeInvalidLimits', () => {
  it('accepts tokens and agent dispatches as positive integers per whole seconds', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            tokens: fc.record({ limit: fc.integer({ min: 1 }), windowSeconds: fc.integer({ min: 1 }) }),
            agentDispatches: fc.record({ limit: fc.integer({ min: 1 }), windowSeconds: fc.integer({ min: 1 }) }),
          },
          { requiredKeys: [] },
        ),
        (limits) => describeInvalidLimits(limits) === undefined,
      ),
      RUNS,
    );
  });

  it('accepts a rule left undefined (as a spread of optional settings leaves it)', () => {
    expect(describeInvalidLimits({ tokens: undefined, agentDispatches: { limit: 1, windowSeconds: 1 } })).toBeUndefined();
  });

  it.each([
    ['null', null, 'got null'],
    ['a string, quoted', 'tokens', 'got "tokens"'],
    ['a number', 10, 'got 10'],
    ['undefined', undefined, 'got undefined'],
    ['an array, as JSON', [{ limit: 1 }], 'got [{"limit":1}]'],
  ])('refuses %s in place of the limits object, showing it', (_, limits, shown) => {
    const problem = describeInvalidLimits(limits);
    expect(problem).toMatch(/^must be an object such as \{ tokens: \{ limit: 10, windowSeconds: 60 \} \}/);
    expect(problem).toContain(shown);
  });

  it('describes an object JSON cannot show (a cycle, a BigInt inside) instead of throwing while describing it', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeInvalidLimits({ tokens: { limit: circular, windowSeconds: 60 } })).toBe(
      '`tokens.limit` must be a positive integer, got an object JSON cannot show',
    );
    expect(describeInvalidLimits({ tokens: { limit: [1n], windowSeconds: 60 } })).toBe(
      '`tokens.limit` must be a positive integer, got an object JSON cannot show',
    );
  });

  it('names an unknown key and the known ones', () => {
    expect(describeInvalidLimits({ tokens: { limit: 1, windowSeconds: 1 }, agentDispatch: { limit: 1, windowSeconds: 1 } })).toBe(
      'has an unknown key `agentDispatch` (known: tokens, agentDispatches)',
    );
  });

  it.each([
    ['null', null, 'null'],
    ['a number', 5, '5'],
    ['a string, quoted', '5/min', '"5/min"'],
  ])('refuses %s as a rule, naming the rule and showing the value', (_, rule, shown) => {
    expect(describeInvalidLimits({ agentDispatches: rule })).toBe(`\`agentDispatches\` must be { limit, windowSeconds }, got ${shown}`);
  });

  it.each([
    ['zero', 0, '0'],
    ['negative', -1, '-1'],
    ['fractional', 1.5, '1.5'],
    ['text', '5', '"5"'],
    ['past the safe integers', 2 ** 53, String(2 ** 53)],
    ['not a number at all', { per: 'minute' }, '{"per":"minute"}'],
    ['missing', undefined, 'undefined'],
    // With its `n`: "got 10" would read as a valid limit.
    ['a bigint', 10n, '10n'],
    ['a symbol', Symbol('ten'), 'Symbol(ten)'],
  ])('refuses a limit that is %s, showing it', (_, limit, shown) => {
    expect(describeInvalidLimits({ tokens: { limit, windowSeconds: 60 } })).toBe(
      `\`tokens.limit\` must be a positive integer, got ${shown}`,
    );
  });

  it.each([
    ['zero', 0, '0'],
    ['fractional', 0.5, '0.5'],
    ['text', '60', '"60"'],
  ])('refuses a window that is %s, asking for whole seconds', (_, windowSeconds, shown) => {
    expect(describeInvalidLimits({ agentDispatches: { limit: 5, windowSeconds } })).toBe(
      `\`agentDispatches.windowSeconds\` must be a positive integer (whole seconds), got ${shown}`,
    );
  });
});
