import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/resolveConfig';

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
});
