import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLimitCounter } from '../../src/server/limits/openLimitCounter';
import { startRedisServer, type RedisServer } from './redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A counter of a 1 s window under a fresh prefix, on its own client (as one instance of the endpoint holds). */
async function counter(timeoutMs = 10_000, keyPrefix = `test:${randomUUID()}`) {
  const client = await redis.client();
  return { client, counter: await openLimitCounter({ redis: client, keyPrefix, timeoutMs }, 'tokens', 1) };
}

describe('openLimitCounter on Redis: refunds', () => {
  it('refunds points to the window they were counted in', async () => {
    const { counter: tokens } = await counter();
    const counted = await tokens.consume('alice', 3);
    await tokens.refund('alice', 2, counted);
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
  });

  it('removes a window a refund left empty: the next count opens a window of its own, with its whole length', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const { client } = await counter();
    const dispatches = await openLimitCounter({ redis: client, keyPrefix }, 'agentDispatches', 3600);
    const counted = await dispatches.consume('alice', 1);
    await sleep(1_100);
    await dispatches.refund('alice', 1, counted);
    expect(await client.exists(`${keyPrefix}:agentDispatches:3600s:alice`)).toBe(0);
    const next = await dispatches.consume('alice', 1);
    expect(next.consumedPoints).toBe(1);
    expect(next.msBeforeNext).toBeGreaterThan(3_599_000); // not the 3 598.9 s left of the window counted in first
  });

  it('refunds nothing once that window has ended: a late refund does not open the next window below zero', async () => {
    const { counter: tokens } = await counter();
    const counted = await tokens.consume('alice', 1);
    await sleep(1_100);
    await tokens.refund('alice', 1, counted);
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
  });

  it('refunds nothing into a window another instance opened since the points were counted', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const { counter: slow } = await counter(10_000, keyPrefix);
    const { counter: fast } = await counter(10_000, keyPrefix);
    const counted = await slow.consume('alice', 1);
    await sleep(1_100);
    expect(await fast.consume('alice', 1)).toMatchObject({ consumedPoints: 1 }); // the next window, from another instance
    await slow.refund('alice', 1, counted);
    expect(await fast.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
  });

  it('gives back a count that timed out once Redis makes it: the request was answered without it', async () => {
    const { client, counter: tokens } = await counter(200);
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
    redis.freeze();
    try {
      await expect(tokens.consume('alice', 1)).rejects.toThrow(/timed out/);
    } finally {
      redis.thaw();
    }
    await client.ping(); // Redis answers in order: the late count and its refund have run
    await client.ping();
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
  });

  it('gives back a count that timed out before the next count runs, however soon that comes once Redis answers again', async () => {
    // The next count is sent the moment Redis is back, before the late count's answer can arrive: a
    // refund sent only on that answer would run after it, and the caller would be refused meanwhile.
    const { counter: tokens } = await counter(200);
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
    redis.freeze();
    try {
      await expect(tokens.consume('alice', 1)).rejects.toThrow(/timed out/);
    } finally {
      redis.thaw();
    }
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
  });
});

describe("openLimitCounter on Redis: the app's client is shared", () => {
  /** An app's own rate-limiter-flexible script, as its `customIncrTtlLuaScript`: it counts every point ten times. */
  const APP_SCRIPT = `local consumed = redis.call('incrby', KEYS[1], ARGV[1] * 10)
if redis.call('pttl', KEYS[1]) == -1 then redis.call('expire', KEYS[1], ARGV[2]) end
return {consumed, redis.call('pttl', KEYS[1])}`;

  async function appLimiter(client: Awaited<ReturnType<RedisServer['client']>>) {
    const { RateLimiterRedis } = await import('rate-limiter-flexible');
    return new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `app:${randomUUID()}`,
      points: 1000,
      duration: 60,
      customIncrTtlLuaScript: APP_SCRIPT,
    });
  }

  it("leaves the app's own rate-limiter-flexible script in place when the limits open their counter on the same client", async () => {
    const client = await redis.client();
    const app = await appLimiter(client);
    await openLimitCounter({ redis: client, keyPrefix: `test:${randomUUID()}` }, 'tokens', 60);
    expect(await app.consume('alice', 1)).toMatchObject({ consumedPoints: 10 });
  });

  it('counts with its own script when the app defines its rate-limiter-flexible script on the same client afterwards', async () => {
    const client = await redis.client();
    const tokens = await openLimitCounter({ redis: client, keyPrefix: `test:${randomUUID()}` }, 'tokens', 60);
    await appLimiter(client);
    expect(await tokens.consume('alice', 1)).toMatchObject({ consumedPoints: 1 });
  });
});
