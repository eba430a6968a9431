import type { FetchQueryOptions, Query, QueryClient } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import { tokenNow } from './tokenNow.js';
import type { TokenDetails } from './types.js';

type TokenQuery = Query<TokenDetails, CustomTokenError>;

const caches = new WeakMap<QueryClient, Map<string, TokenCache>>();

/**
 * The tokens of one scope of a `QueryClient`, held by direct reference to their queries: every
 * operation costs the same however many queries the client holds (the app's own included) —
 * nothing here scans, filters or hashes the client's cache. Entries are kept in use order, and
 * {@link TokenCache.trim} bounds them. Sources of one scope share one `TokenCache`.
 */
export class TokenCache {
  /** The cache of `scope` in `client`, shared by every source of that scope. */
  static of(client: QueryClient, scope: string): TokenCache {
    let scopes = caches.get(client);
    if (!scopes) caches.set(client, (scopes = new Map<string, TokenCache>()));
    let cache = scopes.get(scope);
    if (!cache) scopes.set(scope, (cache = new TokenCache(client)));
    return cache;
  }

  /**
   * Forgets `scope` in `client` once its cache is empty and holds no pin: the scope of a source no
   * other can name, when it lets go, so that a long-lived client keeps nothing per source ever made.
   */
  static forget(client: QueryClient, scope: string): void {
    const scopes = caches.get(client);
    const cache = scopes?.get(scope);
    if (cache && cache.#entries.size === 0 && cache.#pins.size === 0) scopes!.delete(scope);
  }

  readonly #client: QueryClient;
  /** By request key, least recently used first. */
  readonly #entries = new Map<string, TokenQuery>();
  /** How many sources hold each key as their current one: those entries are never dropped. */
  readonly #pins = new Map<string, number>();

  private constructor(client: QueryClient) {
    this.#client = client;
  }

  /** The query for `key`, built when missing (or removed from the client since), now the most recently used. */
  use(key: string, options: FetchQueryOptions<TokenDetails, CustomTokenError>): TokenQuery {
    const query = this.peek(key) ?? this.#client.getQueryCache().build(this.#client, this.#client.defaultQueryOptions(options));
    this.#entries.delete(key);
    this.#entries.set(key, query);
    return query;
  }

  /** The query for `key` while it is still in the client, without touching the use order. */
  peek(key: string): TokenQuery | undefined {
    const query = this.#entries.get(key);
    if (query && this.#client.getQueryCache().get<TokenDetails, CustomTokenError>(query.queryHash) === query) return query;
    this.#entries.delete(key);
    return undefined;
  }

  /** Marks `key` as some source's current options (or no longer, with `-1`). */
  pin(key: string, delta: 1 | -1): void {
    const count = (this.#pins.get(key) ?? 0) + delta;
    // Stryker disable next-line EqualityOperator: a count of 0 kept reads as no pin (isPinned asks for more than `held`, never below 0); only the map's size differs
    if (count > 0) this.#pins.set(key, count);
    else this.#pins.delete(key);
  }

  /** Whether any source holds `key` — besides `held` of them (the asking source's own hold, say). */
  isPinned(key: string, held: 0 | 1 = 0): boolean {
    return (this.#pins.get(key) ?? 0) > held;
  }

  /**
   * Drops what no source needs: tokens expired at `now` (`Date.now()`, read on each token's own
   * timeline) and entries without a token, then the
   * least recently used beyond `size`. Pinned entries and fetches in flight stay.
   */
  trim(size: number, now: number): void {
    for (const [key, query] of this.#entries) {
      const token = query.state.data;
      const useless = token === undefined || (token.expiresAt !== null && token.expiresAt <= tokenNow(token, now));
      if (useless && this.#removable(key, query)) this.#remove(key, query);
    }
    for (const [key, query] of this.#entries) {
      if (this.#entries.size <= size) break;
      if (this.#removable(key, query)) this.#remove(key, query);
    }
  }

  /** Removes every entry no other source holds as current (and aborts their fetches). */
  clear(): void {
    for (const [key, query] of this.#entries) if (!this.isPinned(key)) this.#remove(key, query);
  }

  #removable(key: string, query: TokenQuery): boolean {
    return !this.isPinned(key) && query.state.fetchStatus === 'idle';
  }

  #remove(key: string, query: TokenQuery): void {
    this.#entries.delete(key);
    this.#client.getQueryCache().remove(query);
  }
}
