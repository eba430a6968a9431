import type { AuthorizedParticipant, TokenPolicyContext } from '../types.js';

/**
 * At most `limit` per `windowSeconds`, counted per caller (the identity `authorize` returns).
 * Windows are fixed: one opens at a caller's first count and closes `windowSeconds` later.
 *
 * @example
 * ```ts
 * const perMinute: TokenRateLimit = { limit: 10, windowSeconds: 60 };
 * ```
 */
export interface TokenRateLimit {
  /** How many per window: a positive integer. */
  limit: number;
  /** The window's length in whole seconds (at least 1; in the memory store at most 2 147 483, about 24.8 days: a longer window needs Redis). */
  windowSeconds: number;
}

/**
 * What one caller may get per window. Checked after `authorize` and the room and agent policies
 * (a refused request costs nothing), before the token is signed; over a limit → 429
 * `rate_limited` with `Retry-After`.
 *
 * @example
 * ```ts
 * const limits: TokenLimits = {
 *   tokens: { limit: 30, windowSeconds: 60 },
 *   agentDispatches: { limit: 10, windowSeconds: 3600 },
 * };
 * ```
 */
export interface TokenLimits {
  /** Tokens issued to one caller. @defaultValue no limit */
  tokens?: TokenRateLimit | undefined;
  /**
   * Agent dispatches (agents in the `roomConfig` of issued tokens) for one caller — each one
   * starts an agent job, the expensive part. @defaultValue no limit
   */
  agentDispatches?: TokenRateLimit | undefined;
}

/**
 * Limits for every caller, or a function choosing them per caller (per plan); `null` or
 * `undefined` from the function means no limit for that caller.
 *
 * @example
 * ```ts
 * const limits: TokenLimitsPolicy = (participant) =>
 *   participant.metadata === 'pro' ? { agentDispatches: { limit: 100, windowSeconds: 3600 } } : { agentDispatches: { limit: 5, windowSeconds: 3600 } };
 * ```
 */
export type TokenLimitsPolicy =
  | TokenLimits
  | ((
      participant: AuthorizedParticipant,
      context: TokenPolicyContext,
    ) => TokenLimits | null | undefined | Promise<TokenLimits | null | undefined>);

/**
 * The part of an `ioredis` client the limits use: an `ioredis` `Redis`, or a `Cluster` for a
 * Redis Cluster (its keys then carry hash tags: see docs/server-security.md, "Redis Cluster").
 *
 * @example
 * ```ts
 * import { Cluster, Redis } from 'ioredis';
 * const redis: IORedisClientLike = new Redis(process.env.REDIS_URL!);
 * const cluster: IORedisClientLike = new Cluster([{ host: 'redis-cluster.internal', port: 6379 }]);
 * ```
 */
export interface IORedisClientLike {
  /** Defines a Lua script as a command: how the limits run their scripts on ioredis, as `lkctrIncr` and `lkctrRefund`. */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): unknown;
  /** ioredis's connection state: commands are sent only while it is `'ready'`, never queued behind a connection that is down. */
  readonly status?: string | undefined;
  /** Opens a `lazyConnect` client's connection (status `'wait'`), as ioredis's first command would. */
  connect?(): Promise<unknown>;
  /** Waits for a client still connecting to be `'ready'` (a cold start). */
  once?(event: string, listener: () => void): unknown;
  /** Takes the wait's other listeners off once it is over. */
  removeListener?(event: string, listener: () => void): unknown;
  /** `true` on a `Cluster`: the limits then give each caller's keys a hash tag. */
  readonly isCluster?: boolean | undefined;
}

/**
 * The part of a node-redis client (the `redis` package, v4 and later) the limits use: a
 * `createClient` client, or for a Redis Cluster a `createCluster` one (`redis` 6.2 and later: an
 * older one has no `isReady`), whose keys then carry hash tags (see docs/server-security.md,
 * "Redis Cluster"). The app connects it (`await client.connect()`), as node-redis wants before
 * any command.
 *
 * @example
 * ```ts
 * import { createClient, createCluster } from 'redis';
 * const redis: NodeRedisClientLike = await createClient({ url: process.env.REDIS_URL }).connect();
 * const cluster: NodeRedisClientLike = await createCluster({ rootNodes: [{ url: process.env.REDIS_URL }] }).connect();
 * ```
 */
export interface NodeRedisClientLike {
  /** Commands are sent only while it is ready, never queued behind a connection that is down. */
  readonly isReady: boolean;
  /** Connected or connecting (`connect()` was called, and neither `close()` nor `destroy()`). */
  readonly isOpen: boolean;
  /** Runs a Lua script: how the limits run their scripts on node-redis. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** Waits for a client still connecting to be ready (a cold start). */
  once?(event: string, listener: () => void): unknown;
  /** Takes the wait's other listeners off once it is over. */
  removeListener?(event: string, listener: () => void): unknown;
  /** A `createCluster` client's masters: the limits then give each caller's keys a hash tag. */
  readonly masters?: readonly unknown[] | undefined;
}

/**
 * A Redis client the limits count with: `ioredis` or node-redis (the `redis` package).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis: RedisClientLike = new Redis(process.env.REDIS_URL!);
 * ```
 */
export type RedisClientLike = IORedisClientLike | NodeRedisClientLike;

/**
 * Counters in Redis, shared by every instance of the endpoint that uses the same Redis and prefix.
 *
 * @example
 * ```ts
 * const limitStore: RedisLimitStore = { redis: new Redis(process.env.REDIS_URL!), keyPrefix: 'myapp:tokens' };
 * ```
 */
export interface RedisLimitStore {
  /**
   * An `ioredis` or node-redis client. Its connection is the app's: the handler never closes it (it
   * opens only an ioredis `lazyConnect` client's, on first use, as ioredis's own first command would).
   */
  redis: RedisClientLike;
  /**
   * Prefix of every key the limits write. On a Redis Cluster, a hash tag in it (`'{limits}'`) puts
   * every key in one slot, on one node; without one, each caller's keys have slots of their own. A
   * prefix whose first `{` closes at once (`'app{}'`) is refused there: Redis would hash every
   * key whole. @defaultValue 'lkctr'
   */
  keyPrefix?: string | undefined;
  /** How long one limit check may wait for Redis before it counts as a store failure. @defaultValue 500 */
  timeoutMs?: number | undefined;
}

/**
 * Where the limits count: `'memory'` (this handler's own counts, in this process; one instance) or Redis (every handler and instance given the same Redis and `keyPrefix`).
 *
 * @example
 * ```ts
 * const limitStore: TokenLimitStore = process.env.REDIS_URL ? { redis: new Redis(process.env.REDIS_URL) } : 'memory';
 * ```
 */
export type TokenLimitStore = 'memory' | RedisLimitStore;
