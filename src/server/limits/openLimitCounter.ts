import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { TokenLimitStore } from './types.js';

/** The counter the limits need: add points for a key (`consume`), take them back (`reward`). */
export type LimitCounter = Pick<RateLimiterAbstract, 'consume' | 'reward'>;

/**
 * One rate-limiter-flexible counter per caller for a window length: in this process's memory, or
 * in Redis through its atomic Lua script (one round trip), behind a timeout so a hung Redis fails
 * fast. The counter never refuses by itself (its points are unbounded): the caller compares the
 * count with the caller's own limit, so callers on different plans share one counter per window.
 * The library is loaded on first use, so a handler without limits never loads it.
 *
 * @example
 * ```ts
 * const counter = await openLimitCounter('memory', 'tokens', 60);
 * const { consumedPoints, msBeforeNext } = await counter.consume('alice', 1);
 * ```
 */
export async function openLimitCounter(store: TokenLimitStore, name: string, windowSeconds: number): Promise<LimitCounter> {
  const options = { points: Number.MAX_SAFE_INTEGER, duration: windowSeconds };
  if (store === 'memory') {
    const { default: RateLimiterMemory } = await import('rate-limiter-flexible/lib/RateLimiterMemory.js');
    return new RateLimiterMemory(options); // its own storage: no key prefix needed
  }
  const [{ default: RateLimiterRedis }, { default: RLWrapperTimeouts }] = await Promise.all([
    import('rate-limiter-flexible/lib/RateLimiterRedis.js'),
    import('rate-limiter-flexible/lib/RLWrapperTimeouts.js'),
  ]);
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: store.redis,
    keyPrefix: `${store.keyPrefix ?? 'lkctr'}:${name}:${windowSeconds}s`,
    // A disconnected ioredis queues commands until it reconnects: fail at once instead.
    rejectIfRedisNotReady: true,
  });
  return new RLWrapperTimeouts({ limiter, timeoutMs: store.timeoutMs ?? 500 });
}
