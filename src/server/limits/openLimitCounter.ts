import type { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { IORedisClientLike, NodeRedisClientLike, RedisClientLike, TokenLimitStore } from './types.js';
import { withTimeout } from '../withTimeout.js';
import { isRedisCluster, windowKeys, type WindowKeys } from './windowKeys.js';

/** A count's answer: the points in the window so far, the time it has left, and when it was answered. */
export interface Counted {
  consumedPoints: number;
  msBeforeNext: number;
  /** `Date.now()` when the count was answered. */
  countedAt: number;
}

/** The counter the limits need: count points for a caller, and take back points a refused request counted. */
export interface LimitCounter {
  /** Adds `points` for `key` in its window (opened by the window's first count). */
  consume(key: string, points: number): Promise<Counted>;
  /**
   * Takes back `points` counted with the answer `counted`, from that window only: once it has
   * ended, nothing (given back later, they would open the next window below zero, or lower the
   * count of a window opened since). A window left with nothing counted is removed: a window
   * opens at a caller's first count that stays, not at one given back. Best effort: never
   * rejects, and a refund that fails only makes the limit stricter.
   */
  refund(key: string, points: number, counted: Counted): Promise<void>;
}

/**
 * How many refunds of one window are remembered, for a refund ioredis sends again: one sent again
 * after more than this many others of the same caller and window ran would be given back twice.
 */
const REFUNDS_KEPT = 32;

/**
 * Gives points back only while the key is the window they were counted in: it exists, and has no
 * more time left than ARGV[2] (see {@link refundBound}). A window left with nothing counted goes.
 * Once only: ioredis sends a command again after a reconnect when its answer did not arrive, though
 * Redis may have run it — so each refund carries an id (ARGV[3]), and the window's last
 * {@link REFUNDS_KEPT} ids are kept in KEYS[2], expiring with it; a refund whose id is there already ran.
 */
const REFUND_SCRIPT = `local left = redis.call('pttl', KEYS[1])
if left <= 0 or left > tonumber(ARGV[2]) then return false end
for _, done in ipairs(redis.call('lrange', KEYS[2], 0, -1)) do
  if done == ARGV[3] then return false end
end
redis.call('lpush', KEYS[2], ARGV[3])
redis.call('ltrim', KEYS[2], 0, ${REFUNDS_KEPT - 1})
redis.call('pexpire', KEYS[2], left)
local count = redis.call('decrby', KEYS[1], ARGV[1])
if count <= 0 then redis.call('del', KEYS[1]) end
return count`;

/** What a window's time left may exceed its bound by from rounding alone: Redis and `Date.now()` each count whole milliseconds. */
const ROUNDING_MS = 10;

/**
 * The most time a window may have left and still be the one `counted` was counted in: the time it
 * had then, less the time since, plus half a window for clocks and delays — and never more than a
 * whole window less the time since `countedAt`, for that window was open by then. A window opened
 * since (after Redis restarted empty, say) has more than that.
 */
function refundBound(counted: Counted, windowMs: number, now = Date.now()): number {
  return Math.min(counted.msBeforeNext + windowMs / 2, windowMs + ROUNDING_MS) - (now - counted.countedAt);
}

/**
 * The least time a window in memory must have left for a refund: the library's reward checks the
 * window again a moment later, and gives to a window that ended meanwhile — before its timer forgot
 * it — by opening the next one below zero. Closer to its end than this, the points stay counted
 * (the limit is stricter for that moment at most).
 */
const MEMORY_REFUND_MARGIN_MS = 100;

function toCounted({ consumedPoints, msBeforeNext }: RateLimiterRes): Counted {
  return { consumedPoints, msBeforeNext, countedAt: Date.now() };
}

/**
 * One rate-limiter-flexible counter per caller for a window length: in this process's memory, or
 * in Redis through its atomic Lua script (one round trip), behind a timeout so a hung Redis fails
 * fast. In Redis, under the keys {@link windowKeys} names (on a Redis Cluster, hash-tagged so
 * that the refund script's two keys share a slot). The counter never refuses by itself (its
 * points are unbounded): the caller compares the count with the caller's own limit, so callers on
 * different plans share one counter per window.
 * The library is loaded on first use, so a handler without limits never loads it.
 *
 * A count that times out is not lost to Redis: it runs when Redis answers again. Since the request
 * was answered without it (503, or a token issued uncounted), it is refunded: by a refund sent at
 * once behind it on the same connection, which Redis runs right after it, or — when the count is
 * not known to be out on a ready connection — as soon as it lands.
 *
 * @example
 * ```ts
 * const counter = await openLimitCounter('memory', 'tokens', 60);
 * const counted = await counter.consume('alice', 1);
 * await counter.refund('alice', 1, counted);
 * ```
 */
export async function openLimitCounter(store: TokenLimitStore, name: string, windowSeconds: number): Promise<LimitCounter> {
  const options = { points: Number.MAX_SAFE_INTEGER, duration: windowSeconds };
  if (store === 'memory') {
    const { default: RateLimiterMemory } = await import('rate-limiter-flexible/lib/RateLimiterMemory.js');
    return memoryCounter(new RateLimiterMemory(options), windowSeconds * 1000); // its own storage: no key prefix needed
  }
  const { default: RateLimiterRedis } = await import('rate-limiter-flexible/lib/RateLimiterRedis.js');
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: isNodeRedis(store.redis) ? store.redis : withOwnCommandNames(store.redis),
    useRedisPackage: isNodeRedis(store.redis),
    // Each count is given its window's whole key (see windowKeys).
    keyPrefix: '',
    // A disconnected client queues commands until it reconnects: fail at once instead.
    rejectIfRedisNotReady: true,
  });
  const prefix = store.keyPrefix ?? 'lkctr';
  const cluster = isRedisCluster(store.redis);
  const keysOf = (identity: string) => windowKeys(prefix, `${name}:${windowSeconds}s`, identity, cluster);
  return redisCounter(limiter, keysOf, store.redis, store.timeoutMs ?? 500, windowSeconds * 1000);
}

/**
 * The memory counter. The library changes its store when called and answers a moment later, so a
 * refund that left its window empty removes it only if nothing changed that key meanwhile: each
 * refund marks the key as it gives back (`lastChange`), a count takes the mark away, and a refund
 * still finding its own mark when answered was the last change.
 */
function memoryCounter(limiter: RateLimiterMemory, windowMs: number): LimitCounter {
  const lastChange = new Map<string, object>();
  return {
    consume(key, points) {
      lastChange.delete(key);
      return limiter.consume(key, points).then(toCounted);
    },
    async refund(key, points, counted) {
      // The bound as of the moment the library reads the window: taken after, a stall between the
      // two (a GC pause, a busy server) would age the count but not the window, and keep it counted.
      const readAt = Date.now();
      const window = await limiter.get(key);
      if (!window || window.msBeforeNext <= MEMORY_REFUND_MARGIN_MS || window.msBeforeNext > refundBound(counted, windowMs, readAt)) return;
      const change = {};
      lastChange.set(key, change);
      const { consumedPoints } = await limiter.reward(key, points);
      if (lastChange.get(key) !== change) return;
      lastChange.delete(key);
      if (consumedPoints <= 0) await limiter.delete(key);
    },
  };
}

function redisCounter(
  limiter: RateLimiterRedis,
  keysOf: (identity: string) => WindowKeys,
  redis: RedisClientLike,
  timeoutMs: number,
  windowMs: number,
): LimitCounter {
  const refundScript = openRefundScript(redis);
  const counter: LimitCounter = {
    consume(key, points) {
      // Whether the count went out on a ready connection: Redis runs what follows it there after it.
      let sent = false;
      const counting = whenConnected(redis).then(() => {
        sent = isReady(redis);
        return limiter.consume(keysOf(key).window, points).then(toCounted);
      });
      // Sent after the count on the same connection, a refund runs right after it, in whichever
      // window it landed (its bound: a window opened now).
      const refundUnanswered = () =>
        void counter.refund(key, points, { consumedPoints: points, msBeforeNext: windowMs, countedAt: Date.now() });
      return withTimeout(counting, timeoutMs, () => {
        // Answered without this count. On the connection it went out on, the refund goes now, right
        // behind it: sent only once the count's answer came back, it would run after whatever count
        // the caller's next request sent meanwhile (the moment Redis answers again), refused for it.
        if (sent && isReady(redis)) refundUnanswered();
        else {
          // Not known to be out (still connecting, or the connection dropped since): given back once Redis has made it.
          counting
            .then(
              (counted) => counter.refund(key, points, counted),
              // The client gave up on the count, not Redis: the command is out, and runs when Redis answers again.
              (error: unknown) => (clientGaveUp(error) ? refundUnanswered() : undefined),
            )
            .catch(() => undefined);
        }
        return storeTimedOut(timeoutMs);
      }).catch((error: unknown) => {
        if (clientGaveUp(error)) refundUnanswered();
        throw toClusterNodeError(error);
      });
    },
    async refund(key, points, counted) {
      // Like the counts, a refund is not queued behind a connection that is down: it is sent once
      // the connection is back, its bound computed then (so it still reaches only its own window).
      if (!isReady(redis)) {
        whenReadyAgain(redis)
          ?.then(() => counter.refund(key, points, counted))
          .catch(() => undefined);
        return;
      }
      const { window, refunds } = keysOf(key);
      const refunding = refundScript([window, refunds], points, refundBound(counted, windowMs), crypto.randomUUID());
      await withTimeout(refunding, timeoutMs, () => storeTimedOut(timeoutMs)).catch(() => undefined);
    },
  };
  return counter;
}

/**
 * A client of one node of a Redis Cluster (an ioredis `Redis` or node-redis `createClient` given a
 * cluster's address) fails every count whose key another node holds with Redis's bare `MOVED <slot>
 * <node>`: said in words, with the fix.
 */
function toClusterNodeError(error: unknown): unknown {
  const answer = error instanceof Error ? error.message : '';
  if (!answer.startsWith('MOVED ')) return error;
  return new Error(
    `The limit store is a Redis Cluster reached through a client of one of its nodes (it answered "${answer}"): pass an ioredis \`Cluster\` or a node-redis \`createCluster\` client as \`limitStore.redis\` (docs/server-security.md, "Redis Cluster").`,
    { cause: error },
  );
}

/** node-redis (the `redis` package) rather than ioredis: it says whether it is ready as a boolean. */
function isNodeRedis(client: RedisClientLike): client is NodeRedisClientLike {
  return typeof (client as Partial<NodeRedisClientLike>).isReady === 'boolean';
}

/** Whether commands go out now (a client that does not say is taken as ready). */
function isReady(client: RedisClientLike): boolean {
  return isNodeRedis(client) ? client.isReady : client.status === undefined || client.status === 'ready';
}

/** The refund script, as each client runs Lua: ioredis through a defined command, node-redis through `eval`. */
function openRefundScript(
  client: RedisClientLike,
): (keys: [window: string, refunds: string], points: number, msLeft: number, id: string) => Promise<unknown> {
  if (isNodeRedis(client)) {
    return (keys, points, msLeft, id) => client.eval(REFUND_SCRIPT, { keys, arguments: [String(points), String(msLeft), id] });
  }
  const refunding = client as IORedisClientLike & {
    lkctrRefund(window: string, refunds: string, points: number, msLeft: number, id: string): Promise<unknown>;
  };
  refunding.defineCommand('lkctrRefund', { numberOfKeys: 2, lua: REFUND_SCRIPT });
  return ([window, refunds], points, msLeft, id) => refunding.lkctrRefund(window, refunds, points, msLeft, id);
}

/**
 * The app's ioredis client as rate-limiter-flexible sees it: the command the library defines and
 * runs (`rlflxIncr`) is the client's `lkctrIncr`. ioredis keeps one script per name and client, so
 * under the library's name the last definition would run for both the limits and an app that uses
 * rate-limiter-flexible on the same client with a script of its own (`customIncrTtlLuaScript`),
 * each counting with the other's script. Every other method runs on the client itself, so that
 * what ioredis keeps per command (its socket timeout, its state) stays on the client.
 */
function withOwnCommandNames(client: IORedisClientLike): IORedisClientLike {
  const ownName = (name: string | symbol) => (typeof name === 'string' ? name.replace(/^rlflx/, 'lkctr') : name);
  return new Proxy(client, {
    get(target, property) {
      if (property === 'defineCommand') {
        return (name: string, definition: Parameters<IORedisClientLike['defineCommand']>[1]) =>
          target.defineCommand(ownName(name) as string, definition);
      }
      const value: unknown = Reflect.get(target, ownName(property), target);
      return typeof value === 'function' && property !== 'constructor' ? (value.bind(target) as unknown) : value;
    },
  });
}

/** ioredis's states of a connection on its way up: opening, or made and not yet ready. */
const CONNECTING = new Set(['connecting', 'connect']);

/** The wait for each client still connecting, shared by the requests that arrive meanwhile. */
const connecting = new WeakMap<RedisClientLike, Promise<void>>();

/** node-redis clients seen ready: one of them not ready now is reconnecting, not starting. */
const wasReady = new WeakSet<NodeRedisClientLike>();

/**
 * Resolves once a client that is still connecting is ready — a client made a moment ago (a cold
 * start), or an ioredis one made with `lazyConnect`, which this connects as ioredis's own first
 * command would. A client that is down (ioredis `reconnecting`, `close`, `end`; a node-redis one
 * seen ready before, or closed) or ready resolves at once: a command then fails fast
 * (`rejectIfRedisNotReady`) or is sent. The caller's timeout bounds the wait. Requests during one
 * connect share one wait, whose listeners all come off when it ends: a cold-start burst adds
 * three listeners for the while, and a flapping Redis none for good.
 */
function whenConnected(client: RedisClientLike): Promise<void> {
  let events: string[];
  if (isNodeRedis(client)) {
    // node-redis: the app connects it; one open and never ready yet is still connecting (a cluster
    // says it is ready with 'connect', and closed with 'disconnect').
    if (client.isReady) wasReady.add(client);
    if (client.isReady || !client.isOpen || wasReady.has(client) || !client.once) return Promise.resolve();
    events = [readyEvent(client), isRedisCluster(client) ? 'disconnect' : 'end', 'error'];
  } else {
    if (client.status === 'wait') client.connect?.().catch(() => undefined);
    if (client.status === undefined || !CONNECTING.has(client.status) || !client.once) return Promise.resolve();
    // Ready, or the attempt failed (the command then fails fast): either way, decide.
    events = ['ready', 'close', 'end'];
  }
  let waiting = connecting.get(client);
  if (!waiting) {
    waiting = new Promise<void>((resolve) => {
      const done = () => {
        for (const event of events) client.removeListener?.(event, done);
        resolve();
      };
      for (const event of events) client.once!(event, done);
    }).finally(() => connecting.delete(client));
    connecting.set(client, waiting);
  }
  return waiting;
}

/** The event a client says it is ready with: `'ready'`, but `'connect'` on a node-redis cluster (its nodes found). */
function readyEvent(client: RedisClientLike): string {
  return isNodeRedis(client) && isRedisCluster(client) ? 'connect' : 'ready';
}

/** The wait for each client that is down to be ready again, shared by the refunds it holds back. */
const readyAgain = new WeakMap<RedisClientLike, Promise<void>>();

/** Resolves when a client that is down is ready again (one listener per client); `undefined` for a client without events. */
function whenReadyAgain(client: RedisClientLike): Promise<void> | undefined {
  if (!client.once) return undefined;
  let waiting = readyAgain.get(client);
  if (!waiting) {
    waiting = new Promise<void>((resolve) => void client.once!(readyEvent(client), () => resolve())).finally(() =>
      readyAgain.delete(client),
    );
    readyAgain.set(client, waiting);
  }
  return waiting;
}

/**
 * ioredis's error for a command it stopped waiting for (the client's own `commandTimeout`): the
 * command went out, and Redis still runs it when it answers again.
 */
function clientGaveUp(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}

/** The error of a count or refund the limit store did not answer in time. */
function storeTimedOut(timeoutMs: number): Error {
  return new Error(`The limit store timed out: no answer within ${timeoutMs} ms.`);
}
