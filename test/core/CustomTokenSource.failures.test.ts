import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import type { TokenSourceEvent } from '../../src/core/types';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { SERVER_URL } from '../helpers/tokens';

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('CustomTokenSource timeouts, aborts and retries', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('times a hanging generator out after 10 s by default, aborting its signal', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator, { retries: 0 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(calls[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({
      error: expect.objectContaining({ code: 'timeout', message: 'The token generator did not settle within 10000 ms.' }),
    });
    expect(calls[0]!.signal.aborted).toBe(true);
  });

  it('retries a timeout with backoff, up to two retries by default', async () => {
    const { generator } = controlledGenerator();
    const source = createCustomTokenSource(generator, { timeoutMs: 1_000, retryDelayMs: 100, maxRetryDelayMs: 100 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(generator).toHaveBeenCalledTimes(3);
    expect(generator.mock.calls.map(([, context]) => context.attempt)).toEqual([1, 2, 3]);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'timeout' }) });
  });

  it('retries HTTP 503 and 429 but stops at once on 401', async () => {
    const statuses = [503, 429, 401];
    const generator = vi.fn(async () => {
      throw Object.assign(new Error('token endpoint said no'), { status: statuses.shift() });
    });
    const source = createCustomTokenSource(generator, { retries: 5, retryDelayMs: 10 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(generator).toHaveBeenCalledTimes(3);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'http', status: 401, retryable: false }) });
  });

  it('retries a network failure (fetch rejects with TypeError) and succeeds', async () => {
    const working = mintingGenerator();
    let failures = 1;
    const generator = vi.fn(async (...args: Parameters<typeof working>) => {
      if (failures-- > 0) throw new TypeError('Failed to fetch');
      return working(...args);
    });
    const source = createCustomTokenSource(generator, { retryDelayMs: 10 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('never retries an invalid response', async () => {
    const generator = vi.fn(async () => ({ serverUrl: 'ws://127.0.0.1:7880', participantToken: 'not-a-jwt' }));
    const source = createCustomTokenSource(generator, { retries: 3, retryDelayMs: 10 });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'invalid_response' }) });
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('aborts a fetch in flight when newer options are fetched, and discards its late result', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const forA = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(0);
    const forB = source.fetch({ roomName: 'B' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(await forA).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
    await calls[0]!.resolve({ room: 'A' });
    await calls[1]!.resolve({ room: 'B' });
    await expect(forB).resolves.toBeDefined();
    expect(source.getSnapshot().room).toBe('B');
  });

  it('aborts what is in flight when the last subscriber leaves, but not on a StrictMode-style resubscribe', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(0);
    unsubscribe();
    const resubscribe = source.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(10);
    expect(calls[0]!.signal.aborted).toBe(false);
    resubscribe();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
  });

  it('reports a fetch aborted while its generator hangs, ignoring its signal, to onEvent as aborted, not as a timeout later', async () => {
    const errors: TokenSourceEvent[] = [];
    const generator = vi.fn(() => new Promise<never>(() => {}));
    const source = createCustomTokenSource(generator, {
      timeoutMs: 1_000,
      onEvent: (event) => void (event.type === 'error' && errors.push(event)),
    });
    const result = settle(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(100);
    source.cancel();
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(errors).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'aborted' }), willRetry: false })]);
    expect(generator).toHaveBeenCalledOnce();
  });

  it('reports every step to onEvent, and survives an onEvent that throws', async () => {
    const events: TokenSourceEvent['type'][] = [];
    const source = createCustomTokenSource(mintingGenerator(), {
      onEvent: (event) => {
        events.push(event.type);
        throw new Error('telemetry is down');
      },
    });
    await source.fetch({ roomName: 'A' });
    await source.fetch({ roomName: 'A' });
    expect(events).toEqual(['fetch', 'success', 'cache-hit']);
  });

  it('survives an async onEvent that rejects, with no unhandled rejection', async () => {
    const events: TokenSourceEvent['type'][] = [];
    const source = createCustomTokenSource(mintingGenerator(), {
      // What an app may well write: TypeScript takes an async function for a `=> void` callback.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the case under test
      onEvent: async (event: TokenSourceEvent) => {
        events.push(event.type);
        await Promise.resolve();
        throw new Error('telemetry is down');
      },
    });
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(10);
    expect(events).toEqual(['fetch', 'success']);
  });

  it('keeps the error of a failed fetch in the snapshot until the next success', async () => {
    let failing = true;
    const working = mintingGenerator();
    const source = createCustomTokenSource(async (request, context) => {
      if (failing) throw new Error('token service down');
      return working(request, context);
    });
    await settle(source.fetch({ roomName: 'A' }));
    expect(source.getSnapshot()).toMatchObject({ status: 'error', error: expect.any(CustomTokenError), token: null });
    failing = false;
    await source.fetch({ roomName: 'A' });
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', error: null, room: 'A', identity: 'alice' });
  });
});
