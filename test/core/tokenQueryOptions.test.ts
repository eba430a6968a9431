import { onlineManager } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import type { TokenGenerator, TokenSourceEvent } from '../../src/core/types';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';

type ErrorEvent = Extract<TokenSourceEvent, { type: 'error' }>;

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** A source whose `onEvent` calls are collected. */
function observedSource(generator: TokenGenerator, config: Parameters<typeof createCustomTokenSource>[1] = {}) {
  const events: TokenSourceEvent[] = [];
  const source = createCustomTokenSource(generator, { ...config, onEvent: (event) => events.push(event) });
  const errors = () => events.filter((event): event is ErrorEvent => event.type === 'error');
  return { source, events, errors };
}

describe('the token query: telemetry of failed attempts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports willRetry true for each failed attempt while retries remain, and false for the last', async () => {
    const generator = vi.fn<TokenGenerator>(async () => {
      throw Object.assign(new Error('token service unavailable'), { status: 503 });
    });
    const { source, events, errors } = observedSource(generator, { retries: 2, retryDelayMs: 10, maxRetryDelayMs: 10 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'http', status: 503 }) });
    expect(events.filter((event) => event.type === 'fetch').map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(errors().map((event) => event.willRetry)).toEqual([true, true, false]);
    expect(errors()[0]).toMatchObject({ request: { roomName: 'A' }, error: { code: 'http', status: 503 } });
  });

  it('reports willRetry false for a failure that retrying cannot fix', async () => {
    const generator = vi.fn<TokenGenerator>(async () => {
      throw Object.assign(new Error('signed out'), { status: 401 });
    });
    const { source, errors } = observedSource(generator, { retries: 2, retryDelayMs: 10 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'http', status: 401 }) });
    expect(errors().map((event) => event.willRetry)).toEqual([false]);
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('reports willRetry false for a retryable failure that lands after the fetch was aborted, and does not retry it', async () => {
    const { generator, calls } = controlledGenerator();
    const { source, errors } = observedSource(generator, { retries: 2, retryDelayMs: 10 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(0);
    source.cancel();
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
    // The generator ignored its signal and fails late, with an error that would otherwise be retried.
    calls[0]!.reject(new CustomTokenError('http', 'token service unavailable', { status: 503 }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors()).toEqual([expect.objectContaining({ willRetry: false, error: expect.objectContaining({ status: 503 }) })]);
    expect(generator).toHaveBeenCalledTimes(1);
  });
});

describe('the token query: Retry-After', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retries after the Retry-After a 429 or 503 asks for when it is within maxRetryDelayMs', async () => {
    const working = mintingGenerator();
    const generator = vi
      .fn<TokenGenerator>(working)
      .mockRejectedValueOnce(new CustomTokenError('http', 'slow down', { status: 429, retryAfterMs: 3_000 }));
    const { source } = observedSource(generator, { retries: 2, retryDelayMs: 10, maxRetryDelayMs: 8_000 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: expect.any(String) }) });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('retries after a Retry-After of exactly maxRetryDelayMs: only a longer one ends the retries', async () => {
    const working = mintingGenerator();
    const generator = vi
      .fn<TokenGenerator>(working)
      .mockRejectedValueOnce(new CustomTokenError('http', 'slow down', { status: 429, retryAfterMs: 8_000 }));
    const { source, errors } = observedSource(generator, { retries: 2, retryDelayMs: 10, maxRetryDelayMs: 8_000 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(7_999);
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: expect.any(String) }) });
    expect(generator).toHaveBeenCalledTimes(2);
    expect(errors().map((event) => event.willRetry)).toEqual([true]);
  });

  it('never calls again before a Retry-After longer than maxRetryDelayMs: it fails at once, carrying retryAfterMs', async () => {
    const generator = vi.fn<TokenGenerator>(async () => {
      throw new CustomTokenError('http', 'Too many tokens', { status: 429, retryAfterMs: 60_000 });
    });
    const { source, errors } = observedSource(generator, { retries: 3, retryDelayMs: 10, maxRetryDelayMs: 8_000 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(generator).toHaveBeenCalledTimes(1);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'http', status: 429, retryAfterMs: 60_000 }) });
    expect(errors().map((event) => event.willRetry)).toEqual([false]);
  });
});

describe('the token query: waits longer than timers hold', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits as long as a timer holds for a Retry-After of 30 days under maxRetryDelayMs: Infinity, instead of retrying 1 ms later', async () => {
    const generator = vi.fn<TokenGenerator>(async () => {
      throw new CustomTokenError('http', 'come back next month', { status: 503, retryAfterMs: 30 * 24 * 3_600_000 });
    });
    const { source } = observedSource(generator, { retries: 1, maxRetryDelayMs: Infinity });
    void settle(source.fetch({ roomName: 'A' }));
    // Timers fire a delay beyond 2^31 - 1 ms at once (fake timers do the same).
    await vi.advanceTimersByTimeAsync(60_000);
    expect(generator).toHaveBeenCalledTimes(1);
    source.cancel();
  });
});

describe('the token query: network mode', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  it('fetches and retries while the browser reports being offline: the generator, not the engine, decides what the network allows', async () => {
    onlineManager.setOnline(false);
    const working = mintingGenerator();
    let failures = 1;
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      if (failures-- > 0) throw new TypeError('Failed to fetch');
      return working(request, context);
    });
    const source = createCustomTokenSource(generator, { retryDelayMs: 10, maxRetryDelayMs: 10 });
    let settled: unknown;
    void settle(source.fetch({ roomName: 'A' })).then((outcome) => (settled = outcome));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(settled).toEqual({ value: expect.objectContaining({ participantToken: expect.any(String) }) });
  });
});
