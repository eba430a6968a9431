import { QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenCache } from '../../src/core/TokenCache';
import type { TokenDetails } from '../../src/core/types';
import { tokenDetails } from '../helpers/queryState';

const MINUTE = 60_000;

/** A token received now that expires in `lifetimeMs` (`null`: a token without `exp`). */
function token(lifetimeMs: number | null): TokenDetails {
  const receivedAt = Date.now();
  return tokenDetails({
    receivedAt,
    expiresAt: lifetimeMs === null ? null : receivedAt + lifetimeMs,
    staleAt: lifetimeMs === null ? null : receivedAt + lifetimeMs / 2,
  });
}

/** A cache over a real QueryClient, with helpers to put a token (or a pending fetch) under a key. */
function cacheOf(scope = 'call') {
  const client = new QueryClient();
  const cache = TokenCache.of(client, scope);
  const options = (key: string) => ({
    queryKey: ['livekit-custom-token', scope, key] as const,
    queryFn: () => new Promise<TokenDetails>(() => {}),
  });
  const put = (key: string, data?: TokenDetails) => {
    const query = cache.use(key, options(key));
    if (data) client.setQueryData(query.queryKey, data);
    return query;
  };
  /** Whether the client still holds the query for `key` (what the app's devtools show). */
  const inClient = (key: string) =>
    client.getQueryCache().find({ queryKey: ['livekit-custom-token', scope, key], exact: true }) !== undefined;
  return { client, cache, options, put, inClient };
}

describe('TokenCache', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('is one cache per scope of a client, shared by every source of that scope', () => {
    const client = new QueryClient();
    expect(TokenCache.of(client, 'call')).toBe(TokenCache.of(client, 'call'));
    expect(TokenCache.of(client, 'call')).not.toBe(TokenCache.of(client, 'lobby'));
    expect(TokenCache.of(new QueryClient(), 'call')).not.toBe(TokenCache.of(client, 'call'));
  });

  describe('forget', () => {
    it('forgets an empty scope with no pin: the next source of that scope gets a new cache', () => {
      const { client, cache } = cacheOf('call');
      TokenCache.forget(client, 'call');
      expect(TokenCache.of(client, 'call')).not.toBe(cache);
    });

    it('keeps a scope that still holds a token, or a pin', () => {
      const { client, cache, put } = cacheOf('call');
      put('A', token(MINUTE));
      TokenCache.forget(client, 'call');
      expect(TokenCache.of(client, 'call')).toBe(cache);

      cache.clear();
      cache.pin('B', 1);
      TokenCache.forget(client, 'call');
      expect(TokenCache.of(client, 'call')).toBe(cache);
      cache.pin('B', -1);
      TokenCache.forget(client, 'call');
      expect(TokenCache.of(client, 'call')).not.toBe(cache);
    });

    it('does nothing for a client or scope it never saw', () => {
      const { client, cache } = cacheOf('call');
      expect(() => TokenCache.forget(new QueryClient(), 'call')).not.toThrow();
      TokenCache.forget(client, 'other');
      expect(TokenCache.of(client, 'call')).toBe(cache);
    });
  });

  it('hands out the same query for a key until the app removes it from its client, then builds a new one', () => {
    const { client, cache, options, put, inClient } = cacheOf();
    const first = put('A', token(10 * MINUTE));
    expect(cache.use('A', options('A'))).toBe(first);
    expect(cache.peek('A')).toBe(first);
    client.removeQueries({ queryKey: ['livekit-custom-token'] });
    expect(cache.peek('A')).toBeUndefined();
    const second = cache.use('A', options('A'));
    expect(second).not.toBe(first);
    expect(second.state.data).toBeUndefined();
    expect(inClient('A')).toBe(true);
  });

  describe('trim', () => {
    it('keeps up to size tokens, dropping the least recently used beyond it', () => {
      const { cache, options, put, inClient } = cacheOf();
      for (const key of ['A', 'B', 'C']) put(key, token(10 * MINUTE));
      cache.use('A', options('A'));
      cache.trim(2, Date.now());
      expect(['A', 'B', 'C'].filter(inClient)).toEqual(['A', 'C']);
    });

    it('drops nothing while there are exactly size tokens', () => {
      const { cache, put, inClient } = cacheOf();
      for (const key of ['A', 'B']) put(key, token(10 * MINUTE));
      cache.trim(2, Date.now());
      expect(['A', 'B'].filter(inClient)).toEqual(['A', 'B']);
    });

    it('drops tokens that have expired at now, including one expiring at that very millisecond, whatever the size', () => {
      const { cache, put, inClient } = cacheOf();
      put('A', token(MINUTE));
      put('B', token(MINUTE + 1));
      put('C', token(10 * MINUTE));
      cache.trim(8, Date.now() + MINUTE);
      expect(['A', 'B', 'C'].filter(inClient)).toEqual(['B', 'C']);
    });

    it('keeps a token without exp: it never expires', () => {
      const { cache, put, inClient } = cacheOf();
      put('A', token(null));
      cache.trim(8, Date.now() + 365 * 24 * 60 * MINUTE);
      expect(inClient('A')).toBe(true);
    });

    it('drops entries without a token (a fetch that failed or was aborted)', () => {
      const { cache, put, inClient } = cacheOf();
      put('A');
      put('B', token(10 * MINUTE));
      cache.trim(8, Date.now());
      expect(['A', 'B'].filter(inClient)).toEqual(['B']);
    });

    it('never drops a pinned entry (some source is using it), expired or beyond size', () => {
      const { cache, put, inClient } = cacheOf();
      put('A', token(MINUTE));
      put('B', token(10 * MINUTE));
      put('C', token(10 * MINUTE));
      cache.pin('A', 1);
      cache.pin('B', 1);
      cache.trim(1, Date.now() + 2 * MINUTE);
      expect(['A', 'B', 'C'].filter(inClient)).toEqual(['A', 'B']);
    });

    it('drops an entry again once every source that pinned it has let go', () => {
      const { cache, put, inClient } = cacheOf();
      put('A', token(10 * MINUTE));
      put('B', token(10 * MINUTE));
      cache.pin('A', 1);
      cache.pin('A', 1);
      cache.pin('A', -1);
      cache.trim(1, Date.now());
      expect(inClient('A')).toBe(true);
      expect(cache.isPinned('A')).toBe(true);
      cache.pin('A', -1);
      expect(cache.isPinned('A')).toBe(false);
      put('B', token(10 * MINUTE));
      cache.trim(1, Date.now());
      expect(['A', 'B'].filter(inClient)).toEqual(['B']);
    });

    it('lets go of a key no source pinned without counting below zero: the next pin holds it', () => {
      const { cache, put } = cacheOf();
      put('A', token(10 * MINUTE));
      cache.pin('A', -1);
      expect(cache.isPinned('A')).toBe(false);
      cache.pin('A', 1);
      expect(cache.isPinned('A')).toBe(true);
      // Besides the asker's own hold: one pin is only the asker's, a second is another source's.
      expect(cache.isPinned('A', 1)).toBe(false);
      cache.pin('A', 1);
      expect(cache.isPinned('A', 1)).toBe(true);
    });

    it('never drops an entry whose fetch is in flight', () => {
      const { cache, put, inClient } = cacheOf();
      const pending = put('A');
      void pending.fetch().catch(() => {});
      put('B', token(10 * MINUTE));
      cache.trim(1, Date.now());
      expect(pending.state.fetchStatus).toBe('fetching');
      expect(['A', 'B'].filter(inClient)).toEqual(['A']);
      void pending.cancel({ silent: true });
    });

    it('stops counting a query the app removed from its client once the cache has looked it up', () => {
      const { client, cache, put, inClient } = cacheOf();
      put('A', token(10 * MINUTE));
      const removed = put('B', token(10 * MINUTE));
      client.getQueryCache().remove(removed);
      expect(cache.peek('B')).toBeUndefined();
      put('C', token(10 * MINUTE));
      cache.trim(2, Date.now());
      expect(['A', 'C'].filter(inClient)).toEqual(['A', 'C']);
    });
  });

  it('clear removes every entry no source holds as current, and keeps the pinned ones', () => {
    const { cache, put, inClient } = cacheOf();
    for (const key of ['A', 'B', 'C']) put(key, token(10 * MINUTE));
    cache.pin('B', 1);
    cache.clear();
    expect(['A', 'B', 'C'].filter(inClient)).toEqual(['B']);
    expect(cache.peek('A')).toBeUndefined();
    expect(cache.peek('B')).toBeDefined();
  });
});
