// @vitest-environment node
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLimitCounter } from '../../../src/server/limits/openLimitCounter';
import { closeRedisStandIns, downRedis, hungRedis } from './redisStandIns';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `OPEN_LIMIT_COUNTER_PROPERTY_RUNS` / `OPEN_LIMIT_COUNTER_PROPERTY_SEED`. */
const RUNS = propertyRuns('OPEN_LIMIT_COUNTER_PROPERTY', 100);

const settled = <T>(promise: Promise<T>) => {
  const state: { result?: { value: T } | { error: unknown } } = {};
  promise.then(
    (value) => (state.result = { value }),
    (error: unknown) => (state.result = { error }),
  );
  return state;
};

describe('openLimitCounter: memory', () => {
  afterEach(() => vi.useRealTimers());

  it('counts points per key in a fixed window that opens at the first count', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await counter.consume('alice', 2)).toMatchObject({ consumedPoints: 3, msBeforeNext: 40_000 });
    expect(await counter.consume('bob', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
    await counter.refund('alice', 2, await counter.consume('alice', 2));
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 4 });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
  });

  it('refunds points to the window they were counted in', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    const counted = await counter.consume('alice', 3);
    await vi.advanceTimersByTimeAsync(59_000);
    await counter.refund('alice', 2, counted);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
  });

  it('removes a window a refund left empty: the next count opens a window of its own, with its whole length', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'agentDispatches', 3600);
    const counted = await counter.consume('alice', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    await counter.refund('alice', 1, counted);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 3_600_000 });
  });

  it('keeps a window a refund emptied when a count lands in it before the refund is answered, wherever it lands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 12 }), async (ticks) => {
        const counter = await openLimitCounter('memory', 'agentDispatches', 3600);
        const refunding = counter.refund('alice', 1, await counter.consume('alice', 1));
        for (let i = 0; i < ticks; i++) await Promise.resolve();
        const concurrent = counter.consume('alice', 1);
        await Promise.all([refunding, concurrent]);
        // The concurrent count stays counted, in whichever window it landed.
        expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
      }),
      RUNS,
    );
  });

  // Found by the property above, at ten times its runs on a loaded machine: the refund was judged by
  // the clock a stall after the library read the window, which made the window look newer than the count.
  it('refunds though the event loop stalls between reading the window and judging it (a busy server, a GC pause)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    const counted = await counter.consume('alice', 1);
    // Runs after the refund has read the window (synchronously, when called), before it judges it.
    queueMicrotask(() => vi.setSystemTime(Date.now() + 50));
    await counter.refund('alice', 1, counted);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
  });

  it('refunds nothing once that window has ended: the next window does not open below zero', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    const counted = await counter.consume('alice', 1);
    await vi.advanceTimersByTimeAsync(60_000);
    await counter.refund('alice', 1, counted);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
  });

  it('refunds nothing once that window has ended, though its timer has not run yet (a busy event loop): the next window does not open below zero', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    const counted = await counter.consume('alice', 1);
    vi.setSystemTime(Date.now() + 60_001); // the clock moves on; the timer that forgets the window has not fired
    await counter.refund('alice', 1, counted);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
  });

  it('refunds nothing into a window opened since the points were counted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    const counted = await counter.consume('alice', 1);
    await vi.advanceTimersByTimeAsync(60_000);
    await counter.consume('alice', 1); // the next window's first count
    await counter.refund('alice', 1, counted);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
  });

  it('refunds into the window counted in although the answer it holds is behind by up to half a window (delays, clocks), that bound included', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    await counter.consume('alice', 3); // the window has 60 s left
    await counter.refund('alice', 1, { consumedPoints: 3, msBeforeNext: 45_000, countedAt: Date.now() });
    await counter.refund('alice', 1, { consumedPoints: 3, msBeforeNext: 30_000, countedAt: Date.now() });
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
    // Behind by more than half a window: a window opened since, as far as the counter can tell.
    await counter.refund('alice', 1, { consumedPoints: 3, msBeforeNext: 29_999, countedAt: Date.now() });
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 3 });
  });

  it('never refuses by itself: the caller compares the count with its own limit', async () => {
    const counter = await openLimitCounter('memory', 'agentDispatches', 3600);
    expect(await counter.consume('alice', 1_000_000)).toMatchObject({ consumedPoints: 1_000_000 });
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1_000_001 });
  });
});

describe('openLimitCounter: Redis', () => {
  afterEach(async () => {
    vi.useRealTimers();
    await closeRedisStandIns();
  });

  it('fails at once, without waiting for timeoutMs, while the client is not connected', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: downRedis(), timeoutMs: 60_000 }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(consumed.result).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/not ready/) }) });
  });

  it('fails a Redis that does not answer after 500 ms by default', async () => {
    const { client } = await hungRedis();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: client }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(499);
    expect(consumed.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(consumed.result).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/timed out/) }) });
  });

  it('fails a Redis that does not answer after the store’s timeoutMs', async () => {
    const { client } = await hungRedis();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: client, timeoutMs: 2_000 }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(consumed.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(consumed.result).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/timed out/) }) });
  });

  it('sends a refund as its Lua script for the counted key and points, and resolves when Redis does not answer it', async () => {
    const { client, received } = await hungRedis();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: client, timeoutMs: 1_000 }, 'tokens', 60);
    const refunded = settled(counter.refund('alice', 2, { consumedPoints: 3, msBeforeNext: 40_000, countedAt: Date.now() }));
    // EVAL, the script, two keys (the window, its refunds), then the points, the bound and the refund's id
    // (ioredis's defined command, not yet cached by Redis).
    await vi.waitFor(() =>
      expect(received()).toMatch(
        /^\*8\r\n\$4\r\neval\r\n\$\d+\r\nlocal left[^]*\r\n\$1\r\n2\r\n\$\d+\r\nlkctr:tokens:60s:alice\r\n\$\d+\r\nlkctr:refunds:tokens:60s:alice\r\n\$1\r\n2\r\n\$\d+\r\n[\d.]+\r\n\$36\r\n[\da-f-]{36}\r\n/,
      ),
    );
    expect(refunded.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refunded.result).toEqual({ value: undefined });
  });

  it('opens a counter on a node-redis client that is not connected, each count then failing at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: createClient(), timeoutMs: 60_000 }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(consumed.result).toEqual({ error: expect.any(Error) });
  });

  it('connects a lazyConnect client on its first count, and counts once it is connected (as ioredis’s own first command would)', async () => {
    const { client, received } = await hungRedis({ connect: false });
    expect(client.status).toBe('wait');
    const counter = await openLimitCounter({ redis: client, timeoutMs: 10_000 }, 'tokens', 60);
    void counter.consume('alice', 1).catch(() => {});
    void counter.consume('bob', 1).catch(() => {});
    await vi.waitFor(() => expect(received()).toContain('lkctr:tokens:60s:alice'));
    await vi.waitFor(() => expect(received()).toContain('lkctr:tokens:60s:bob'));
    expect(client.listenerCount('ready') + client.listenerCount('close') + client.listenerCount('end')).toBe(0);
  });

  it('writes under the key prefix `lkctr` by default, then the counter’s name, window and the caller', async () => {
    const { client, received } = await hungRedis();
    const counter = await openLimitCounter({ redis: client, timeoutMs: 10_000 }, 'tokens', 60);
    void counter.consume('alice', 1).catch(() => {});
    await vi.waitFor(() => expect(received()).toContain('lkctr:tokens:60s:alice'));
  });

  it('writes under the store’s own keyPrefix when it has one', async () => {
    const { client, received } = await hungRedis();
    const counter = await openLimitCounter({ redis: client, keyPrefix: 'myapp', timeoutMs: 10_000 }, 'agentDispatches', 3600);
    void counter.consume('bob', 2).catch(() => {});
    await vi.waitFor(() => expect(received()).toContain('myapp:agentDispatches:3600s:bob'));
    expect(received()).not.toContain('lkctr');
  });
});
