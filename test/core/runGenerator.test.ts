import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../src/core/errors';
import { runGenerator, toGeneratorError } from '../../src/core/runGenerator';
import type { TokenGenerator, TokenGeneratorContext, TokenResponse } from '../../src/core/types';
import { SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `RUN_GENERATOR_STATUS_PROPERTY_RUNS` / `RUN_GENERATOR_STATUS_PROPERTY_SEED`. */
const RUNS = propertyRuns('RUN_GENERATOR_STATUS_PROPERTY', 100);

const request = { roomName: 'A' };
const response: TokenResponse = { serverUrl: SERVER_URL, participantToken: 'jwt' };

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** The cache engine's side of a fetch: its signal, aborted when TanStack cancels the fetch. */
function engine() {
  const controller = new AbortController();
  return { upstream: { signal: controller.signal }, abort: (reason?: unknown) => controller.abort(reason) };
}

/** A generator that hands its context to the test and never settles on its own. */
function hangingGenerator() {
  const contexts: TokenGeneratorContext[] = [];
  const generator = vi.fn<TokenGenerator>((_request, context) => {
    contexts.push(context);
    return new Promise<TokenResponse>(() => {});
  });
  return { generator, contexts };
}

describe('runGenerator', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves with what the generator returns, and tells it which attempt this is', async () => {
    const generator = vi.fn<TokenGenerator>(async () => response);
    await expect(runGenerator(generator, request, { ...engine(), attempt: 3, timeoutMs: 1_000 })).resolves.toBe(response);
    expect(generator).toHaveBeenCalledWith(request, expect.objectContaining({ attempt: 3 }));
  });

  it('turns a generator that throws synchronously into generator_failed at once, not at the timeout', async () => {
    const generator = (() => {
      throw new Error('no session cookie');
    }) as unknown as TokenGenerator;
    const result = settle(runGenerator(generator, request, { ...engine(), attempt: 1, timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(await result).toEqual({
      error: expect.objectContaining({ code: 'generator_failed', message: 'The token generator failed: no session cookie' }),
    });
  });

  it('times out a generator that never settles and never reads its signal', async () => {
    const { generator } = hangingGenerator();
    const result = settle(runGenerator(generator, request, { ...engine(), attempt: 1, timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    const { error } = (await result) as { error: CustomTokenError };
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toMatch(/100 ms/);
  });

  it.each([2 ** 31, Infinity])(
    'waits out a generator for a timeoutMs of %s, beyond what timers hold, instead of timing it out at once',
    async (timeoutMs) => {
      // Real timers: Node and browsers fire a longer setTimeout after 1 ms.
      vi.useRealTimers();
      const generator = vi.fn<TokenGenerator>(() => new Promise((resolve) => setTimeout(() => resolve(response), 30)));
      await expect(runGenerator(generator, request, { ...engine(), attempt: 1, timeoutMs })).resolves.toBe(response);
    },
  );

  it('hands the generator one signal however often it reads it, and aborts that signal on timeout', async () => {
    const { generator, contexts } = hangingGenerator();
    const result = settle(runGenerator(generator, request, { ...engine(), attempt: 1, timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(0);
    const first = contexts[0]!.signal;
    const second = contexts[0]!.signal;
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(100);
    expect(first.aborted).toBe(true);
    expect(first.reason).toMatchObject({ code: 'timeout' });
    await result;
  });

  it('gives a generator that first reads its signal after the timeout an already aborted one, with the timeout as reason', async () => {
    const { generator, contexts } = hangingGenerator();
    const result = settle(runGenerator(generator, request, { ...engine(), attempt: 1, timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'timeout' }) });
    const signal = contexts[0]!.signal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CustomTokenError);
    expect(signal.reason).toMatchObject({ code: 'timeout' });
  });

  it("aborts the generator's signal with the engine's reason when the engine cancels, and reports aborted", async () => {
    const { upstream, abort } = engine();
    const generator = vi.fn<TokenGenerator>(
      (_request, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const result = settle(runGenerator(generator, request, { upstream, attempt: 1, timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(0);
    abort('newer options');
    expect(generator.mock.calls[0]![1].signal.reason).toBe('newer options');
    expect(await result).toEqual({
      error: expect.objectContaining({ code: 'aborted', message: 'The token fetch was aborted.', cause: 'newer options' }),
    });
  });

  it('gives a generator that first reads its signal after the engine cancelled an already aborted one', async () => {
    const { upstream, abort } = engine();
    const { generator, contexts } = hangingGenerator();
    const result = settle(runGenerator(generator, request, { upstream, attempt: 1, timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(0);
    abort('unmounted');
    expect(contexts[0]!.signal.aborted).toBe(true);
    expect(contexts[0]!.signal.reason).toBe('unmounted');
    await vi.advanceTimersByTimeAsync(100);
    await result;
  });

  it("leaves the generator's signal alone once its call has settled: neither the timeout nor a later cancel aborts it", async () => {
    const { upstream, abort } = engine();
    let signal: AbortSignal | undefined;
    const generator = vi.fn<TokenGenerator>(async (_request, context) => {
      signal = context.signal;
      return response;
    });
    await expect(runGenerator(generator, request, { upstream, attempt: 1, timeoutMs: 100 })).resolves.toBe(response);
    await vi.advanceTimersByTimeAsync(1_000);
    abort('too late');
    expect(signal!.aborted).toBe(false);
  });

  it('reports an answer that comes after the engine cancelled as aborted: a generator may ignore its signal', async () => {
    const { upstream, abort } = engine();
    let answer!: (response: TokenResponse) => void;
    const generator = vi.fn<TokenGenerator>(() => new Promise((resolve) => (answer = resolve)));
    const result = settle(runGenerator(generator, request, { upstream, attempt: 1, timeoutMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(0);
    abort();
    answer(response);
    expect(await result).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
  });

  it("reads the engine's signal only once the generator answered, when it succeeds without reading its own", async () => {
    const { upstream } = engine();
    let reads = 0;
    const counted = {
      get signal() {
        reads++;
        return upstream.signal;
      },
    };
    const generator = vi.fn<TokenGenerator>(async () => response);
    await expect(runGenerator(generator, request, { upstream: counted, attempt: 1, timeoutMs: 100 })).resolves.toBe(response);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toBe(1);
  });
});

describe('toGeneratorError', () => {
  it.each([
    ['an object without a prototype, which cannot be turned into text', Object.create(null) as object, '[object Object]'],
    [
      'an object whose status getter throws',
      {
        get status(): number {
          throw new Error('getter bug');
        },
        toString: () => 'odd error',
      },
      'odd error',
    ],
  ])('classifies %s as the generator failing, not retryable, keeping it as the cause', (_, thrown, detail) => {
    const error = toGeneratorError(thrown);
    expect(error).toMatchObject({ code: 'generator_failed', retryable: false, message: `The token generator failed: ${detail}` });
    expect(error.cause).toBe(thrown);
  });

  it('passes a CustomTokenError through as it is, even when the fetch was aborted', () => {
    const error = new CustomTokenError('mismatch', 'wrong room');
    const controller = new AbortController();
    controller.abort();
    expect(toGeneratorError(error)).toBe(error);
    expect(toGeneratorError(error, controller.signal)).toBe(error);
  });

  it('reports anything thrown after the fetch was aborted as aborted, keeping it as the cause', () => {
    const controller = new AbortController();
    controller.abort();
    const thrown = Object.assign(new Error('socket closed'), { status: 503 });
    const error = toGeneratorError(thrown, controller.signal);
    expect(error).toMatchObject({ code: 'aborted', message: 'The token fetch was aborted.', retryable: false });
    expect(error.cause).toBe(thrown);
  });

  it("reports another copy of query-core's cancellation (an Error with its own revert and silent) as aborted, by its shape", () => {
    // What `new CancelledError({ revert: true })` of another copy is: not this copy's class, so only its shape tells.
    const cancelled = Object.assign(new Error('CancelledError'), { revert: true, silent: undefined });
    const error = toGeneratorError(cancelled);
    expect(error).toMatchObject({ code: 'aborted', retryable: false });
    expect(error.cause).toBe(cancelled);
    // Half the shape is an Error of the generator's own.
    expect(toGeneratorError(Object.assign(new Error('revert'), { revert: true }))).toMatchObject({ code: 'generator_failed' });
    expect(toGeneratorError(Object.assign(new Error('silent'), { silent: true }))).toMatchObject({ code: 'generator_failed' });
    expect(toGeneratorError({ revert: true, silent: true })).toMatchObject({ code: 'generator_failed' });
  });

  it('classifies without a signal, and with one that is not aborted, by what was thrown', () => {
    const thrown = new Error('boom');
    expect(toGeneratorError(thrown)).toMatchObject({ code: 'generator_failed', message: 'The token generator failed: boom' });
    expect(toGeneratorError(thrown, new AbortController().signal)).toMatchObject({ code: 'generator_failed' });
  });

  it('reads an HTTP status off status, statusCode or response.status, naming it and the detail in the message', () => {
    for (const thrown of [
      Object.assign(new Error('quota exceeded'), { status: 503 }),
      Object.assign(new Error('quota exceeded'), { statusCode: 503 }),
      Object.assign(new Error('quota exceeded'), { response: { status: 503 } }),
    ]) {
      const error = toGeneratorError(thrown);
      expect(error).toMatchObject({ code: 'http', status: 503, retryable: true });
      expect(error.message).toMatch(/HTTP 503/);
      expect(error.message).toMatch(/quota exceeded/);
      expect(error.cause).toBe(thrown);
    }
    expect(toGeneratorError({ status: 401 })).toMatchObject({ code: 'http', status: 401, retryable: false });
  });

  it('takes only whole-number-typed statuses from 100 to 599 as HTTP statuses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1_000, max: 2_000 }), fc.constantFrom(99, 100, 599, 600)), (status) => {
        const error = toGeneratorError(Object.assign(new Error('refused'), { status }));
        if (status >= 100 && status <= 599) expect(error).toMatchObject({ code: 'http', status });
        else expect(error).toMatchObject({ code: 'generator_failed', status: undefined });
      }),
      RUNS,
    );
    expect(toGeneratorError({ status: '503' })).toMatchObject({ code: 'generator_failed', status: undefined });
  });

  it('describes thrown values that are not objects (null, undefined, strings) as generator_failed, not retryable', () => {
    expect(toGeneratorError(null)).toMatchObject({
      code: 'generator_failed',
      message: 'The token generator failed: null',
      retryable: false,
    });
    expect(toGeneratorError(undefined)).toMatchObject({ code: 'generator_failed', message: 'The token generator failed: undefined' });
    expect(toGeneratorError('offline')).toMatchObject({ code: 'generator_failed', message: 'The token generator failed: offline' });
  });

  it('marks a TypeError (what fetch rejects with when the network fails) as worth another try', () => {
    expect(toGeneratorError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'generator_failed', retryable: true });
    expect(toGeneratorError(new RangeError('bad'))).toMatchObject({ code: 'generator_failed', retryable: false });
  });
});
