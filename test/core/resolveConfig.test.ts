import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomTokenSourceConfig } from '../../src/core/CustomTokenSourceConfig';
import { resolveConfig } from '../../src/core/resolveConfig';
import { propertyRuns } from '../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `RESOLVE_CONFIG_PROPERTY_RUNS` / `RESOLVE_CONFIG_PROPERTY_SEED`. */
const RUNS = propertyRuns('RESOLVE_CONFIG_PROPERTY', 100);

const TIMING_OPTIONS = ['timeoutMs', 'refreshMarginMs', 'retries', 'retryDelayMs', 'maxRetryDelayMs'] as const;

const shown = (value: unknown) => `${typeof value} ${String(value)}`;

describe('resolveConfig', () => {
  it('fills in the documented defaults', () => {
    expect(resolveConfig({})).toEqual({
      cacheSize: 8,
      timeoutMs: 10_000,
      refreshMarginMs: 60_000,
      retries: 2,
      retryDelayMs: 500,
      maxRetryDelayMs: 8_000,
      onEvent: undefined,
    });
  });

  it('keeps every value given, zero included', () => {
    const onEvent = () => {};
    const config = { cacheSize: 3, timeoutMs: 0, refreshMarginMs: 0, retries: 0, retryDelayMs: 0, maxRetryDelayMs: 0, onEvent };
    expect(resolveConfig(config)).toEqual(config);
  });

  it('keeps at least one token and counts a fractional cacheSize down', () => {
    expect(resolveConfig({ cacheSize: 0 }).cacheSize).toBe(1);
    expect(resolveConfig({ cacheSize: -4 }).cacheSize).toBe(1);
    expect(resolveConfig({ cacheSize: 2.9 }).cacheSize).toBe(2);
  });

  it('refuses NaN, a negative number or a non-number for a duration or retry count, with a TypeError naming the option and the value', () => {
    const badValue = fc.oneof(fc.constant(Number.NaN), fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.constant('5000'));
    fc.assert(
      fc.property(fc.constantFrom(...TIMING_OPTIONS), badValue, (option, value) => {
        const config = { [option]: value } as CustomTokenSourceConfig;
        expect(() => resolveConfig(config)).toThrow(TypeError);
        expect(() => resolveConfig(config)).toThrow(`CustomTokenSource: \`${option}\` must be a number, 0 or more, got ${shown(value)}.`);
      }),
      RUNS,
    );
  });

  it('refuses a cacheSize that is NaN or not a number, with a message that asks for a number only (any number counts, below 1 as 1)', () => {
    expect(() => resolveConfig({ cacheSize: Number.NaN })).toThrow(
      new TypeError('CustomTokenSource: `cacheSize` must be a number, got number NaN.'),
    );
    expect(() => resolveConfig({ cacheSize: '4' as unknown as number })).toThrow(
      new TypeError('CustomTokenSource: `cacheSize` must be a number, got string 4.'),
    );
  });

  it('accepts Infinity for every numeric option', () => {
    for (const option of [...TIMING_OPTIONS, 'cacheSize']) expect(() => resolveConfig({ [option]: Infinity })).not.toThrow();
  });
});
