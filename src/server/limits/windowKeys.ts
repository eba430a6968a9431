import type { IORedisClientLike, NodeRedisClientLike, RedisClientLike } from './types.js';

/** The Redis keys of one caller's window: its count, and the ids of the refunds it had (see `openLimitCounter`). */
export interface WindowKeys {
  window: string;
  refunds: string;
}

/**
 * The keys of a caller's window (`window` names it: `tokens:60s`, say). On a standalone Redis, as
 * documented: `<prefix>:<window>:<identity>`, with its refunds under `<prefix>:refunds:<window>:<identity>`,
 * apart from the windows (an identity can be any text, `alice:refunds` too, so no suffix of a
 * window key could mark a refunds key).
 *
 * On a Redis Cluster the refund script's two keys must hash to one slot. Redis hashes a key's hash
 * tag — the text between its first `{` and the first `}` after it, when not empty — or else the
 * whole key. So there the part after the prefix is a hash tag, `<prefix>:{<window>:<identity>}`,
 * and the refunds key is the window key with `:refunds` after it: a suffix leaves the hash tag
 * where it is, and the window key always has one, whatever the prefix and identity hold — the
 * prefix's own, or one opened by a `{` of the prefix or ours, closed by the next `}`, never
 * empty (ours starts with the window's name) — except after a prefix whose first `{` closes at
 * once, refused at creation ({@link startsEmptyHashTag}). Window keys end in `}`, so none is a
 * refunds key. Each caller's windows have slots of their own, spread over the nodes, unless the
 * prefix has a hash tag of its own (which puts every key in its slot).
 *
 * @example
 * ```ts
 * windowKeys('lkctr', 'tokens:60s', 'alice', false); // { window: 'lkctr:tokens:60s:alice', refunds: 'lkctr:refunds:tokens:60s:alice' }
 * windowKeys('lkctr', 'tokens:60s', 'alice', true); // { window: 'lkctr:{tokens:60s:alice}', refunds: 'lkctr:{tokens:60s:alice}:refunds' }
 * ```
 */
export function windowKeys(prefix: string, window: string, identity: string, cluster: boolean): WindowKeys {
  if (!cluster) return { window: `${prefix}:${window}:${identity}`, refunds: `${prefix}:refunds:${window}:${identity}` };
  const windowKey = `${prefix}:{${window}:${identity}}`;
  return { window: windowKey, refunds: `${windowKey}:refunds` };
}

/** Whether a key prefix's first `{` is closed at once (`app{}`): Redis Cluster then hashes every key under it whole. */
export function startsEmptyHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix[open + 1] === '}';
}

/** An ioredis `Cluster` or a node-redis `createCluster` client, rather than a client of one Redis. */
export function isRedisCluster(client: RedisClientLike): boolean {
  return (client as IORedisClientLike).isCluster === true || Array.isArray((client as NodeRedisClientLike).masters);
}
