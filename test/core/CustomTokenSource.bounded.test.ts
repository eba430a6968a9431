import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { QueryClient, type Query } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';

const ours = { queryKey: ['livekit-custom-token'] };

/** Counts every read of the keys of `queries`: a scan over the cache reads each one. */
function watchReads(queries: Query[]) {
  let reads = 0;
  for (const query of queries) {
    const { queryKey, queryHash } = query;
    Object.defineProperty(query, 'queryKey', { get: () => (reads++, queryKey), configurable: true });
    Object.defineProperty(query, 'queryHash', { get: () => (reads++, queryHash), configurable: true });
  }
  return () => reads;
}

/** An app that keeps `count` queries of its own in the client it shares with the token source. */
async function appWithQueries(count: number) {
  const queryClient = new QueryClient();
  for (let i = 0; i < count; i++) await queryClient.prefetchQuery({ queryKey: ['todos', i], queryFn: () => ({ id: i }) });
  return { queryClient, appQueries: queryClient.getQueryCache().findAll({ queryKey: ['todos'] }) };
}

describe('CustomTokenSource cache bound', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('keeps at most 8 tokens per source after 1000 fetches of distinct rooms', async () => {
    const queryClient = new QueryClient();
    const source = createCustomTokenSource(mintingGenerator(), { queryClient });
    for (let i = 0; i < 1000; i++) await source.fetch({ roomName: `room-${i}` });
    expect(queryClient.getQueryCache().findAll(ours).length).toBeLessThanOrEqual(8);
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'room-999' });
  }, 30_000);

  it('keeps the most recently used tokens, so toggling between a few rooms still mints each once', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    for (let round = 0; round < 3; round++) for (const roomName of ['A', 'B', 'C', 'D']) await source.fetch({ roomName });
    expect(generator).toHaveBeenCalledTimes(4);
  });

  it('honours a smaller cacheSize', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator, { queryClient, cacheSize: 1 });
    for (const roomName of ['A', 'B', 'A']) await source.fetch({ roomName });
    expect(generator).toHaveBeenCalledTimes(3);
    expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(1);
  });

  it('shrinks to a smaller cacheSize given to configure() at once', async () => {
    const queryClient = new QueryClient();
    const source = createCustomTokenSource(mintingGenerator(), { queryClient });
    for (const roomName of ['A', 'B', 'C', 'D', 'E']) await source.fetch({ roomName });
    source.configure({ cacheSize: 2 });
    expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(2);
    await source.fetch({ roomName: 'E' });
    expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(2);
  });

  it('drops the expired tokens of other options at the next fetch', async () => {
    const queryClient = new QueryClient();
    const source = createCustomTokenSource(
      mintingGenerator(() => ({ ttl: 20 })),
      { queryClient },
    );
    await source.fetch({ roomName: 'A' });
    await source.fetch({ roomName: 'B' });
    await vi.advanceTimersByTimeAsync(25_000);
    await source.fetch({ roomName: 'C' });
    expect(queryClient.getQueryData(['livekit-custom-token'])).toBeUndefined();
    expect(
      queryClient
        .getQueryCache()
        .findAll(ours)
        .map((query) => query.queryKey[2]),
    ).toEqual(['{"roomName":"C"}']);
  });

  it('shares the bound between sources of one scope', async () => {
    const queryClient = new QueryClient();
    const first = createCustomTokenSource(mintingGenerator(), { queryClient, scope: 'call' });
    const second = createCustomTokenSource(mintingGenerator(), { queryClient, scope: 'call' });
    for (let i = 0; i < 20; i++) await (i % 2 ? first : second).fetch({ roomName: `room-${i}` });
    expect(queryClient.getQueryCache().findAll(ours).length).toBeLessThanOrEqual(8);
  });

  it('never drops the token another source of the scope holds for its current options', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const first = createCustomTokenSource(generator, { queryClient, scope: 'call', cacheSize: 1 });
    const second = createCustomTokenSource(generator, { queryClient, scope: 'call', cacheSize: 1 });
    await first.fetch({ roomName: 'A' });
    for (const roomName of ['B', 'C', 'D']) await second.fetch({ roomName });
    expect(first.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    await first.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(4);
  });

  it('keeps the bound of a scope whose sources come and go: one whose last subscriber left holds no token', async () => {
    const queryClient = new QueryClient();
    for (let i = 0; i < 30; i++) {
      const source = createCustomTokenSource(mintingGenerator(), { queryClient, scope: 'desk' });
      const unsubscribe = source.subscribe(() => {});
      await source.fetch({ roomName: `room-${i}` });
      unsubscribe();
      await vi.advanceTimersByTimeAsync(0);
    }
    const last = createCustomTokenSource(mintingGenerator(), { queryClient, scope: 'desk' });
    await last.fetch({ roomName: 'last' });
    expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(8);
    await vi.advanceTimersByTimeAsync(11 * 60_000);
    await last.fetch({ roomName: 'later' });
    expect(
      queryClient
        .getQueryCache()
        .findAll(ours)
        .map((query) => query.queryKey[2]),
    ).toEqual(['{"roomName":"later"}']);
  });

  it("keeps nothing in an app's long-lived QueryClient for sources made and let go (a call screen mounted all day)", async () => {
    vi.useRealTimers(); // thousands of fake timers are slow to run
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapUsed = () => (gc(), gc(), process.memoryUsage().heapUsed);
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    /** Sources made, subscribed to and left, as a provider mounted and unmounted: no fetch, so no timers or tokens. */
    const mountAndLeave = async (count: number) => {
      for (let i = 0; i < count; i++) createCustomTokenSource(generator, { queryClient }).subscribe(() => {})();
      // Each one lets go a tick after its last subscriber left.
      await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await mountAndLeave(1_000);
    const before = heapUsed();
    await mountAndLeave(5_000);
    // Bytes kept per source: about 500 while each left its scope's (empty) cache behind.
    expect((heapUsed() - before) / 5_000).toBeLessThan(150);
  }, 30_000); // a heap measure, not a timing: 6,000 sources and their ticks take 1–6 s by the machine's load

  it("keeps nothing in an app's QueryClient for sources never used (made in renders React throws away: StrictMode, a suspended first mount)", () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapUsed = () => (gc(), gc(), process.memoryUsage().heapUsed);
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const make = (count: number) => {
      for (let i = 0; i < count; i++) createCustomTokenSource(generator, { queryClient });
    };
    make(1_000);
    const before = heapUsed();
    make(5_000);
    expect((heapUsed() - before) / 5_000).toBeLessThan(150);
  }, 30_000); // a heap measure, like the one above: 6,000 sources take seconds on a loaded machine

  it('leaves running, on cancel(), a call another source of the scope waits on', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const one = createCustomTokenSource(generator, { queryClient, scope: 'desk' });
    const two = createCustomTokenSource(generator, { queryClient, scope: 'desk' });
    void one.fetch({ roomName: 'A' }).catch(() => {});
    const theirs = two.fetch({ roomName: 'A' }).then(
      () => 'token',
      (error: { code: string }) => error.code,
    );
    await vi.advanceTimersByTimeAsync(0);
    one.cancel();
    expect(calls[0]!.signal.aborted).toBe(false);
    await calls[0]!.resolve();
    expect(await theirs).toBe('token');
  });

  it('holds its token again once a source of the scope is subscribed again', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const first = createCustomTokenSource(generator, { queryClient, scope: 'call', cacheSize: 1 });
    const second = createCustomTokenSource(generator, { queryClient, scope: 'call', cacheSize: 1 });
    const leave = first.subscribe(() => {});
    await first.fetch({ roomName: 'A' });
    leave();
    await vi.advanceTimersByTimeAsync(0);
    const unsubscribe = first.subscribe(() => {});
    for (const roomName of ['B', 'C']) await second.fetch({ roomName });
    expect(first.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    unsubscribe();
  });

  it('fetches again a token another source of the scope dropped', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const first = createCustomTokenSource(generator, { queryClient, scope: 'call', cacheSize: 1 });
    const second = createCustomTokenSource(generator, { queryClient, scope: 'call', cacheSize: 1 });
    await first.fetch({ roomName: 'A' });
    await first.fetch({ roomName: 'B' });
    await second.fetch({ roomName: 'C' });
    await expect(first.fetch({ roomName: 'A' })).resolves.toMatchObject({ participantToken: expect.any(String) });
    expect(first.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    expect(generator).toHaveBeenCalledTimes(4);
  });

  it("never reads the app's own queries in a shared QueryClient: fetch, getSnapshot and cancel", async () => {
    const { queryClient, appQueries } = await appWithQueries(200);
    const source = createCustomTokenSource(mintingGenerator(), { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const reads = watchReads(appQueries);
    for (let i = 0; i < 20; i++) {
      await source.fetch({ roomName: `room-${i}` });
      source.getSnapshot();
    }
    await source.fetch({ roomName: 'room-0' }, true);
    source.cancel();
    expect(reads()).toBe(0);
    unsubscribe();
  });

  it('never reads its own other tokens for getSnapshot', async () => {
    const queryClient = new QueryClient();
    const source = createCustomTokenSource(mintingGenerator(), { queryClient });
    for (const roomName of ['A', 'B', 'C', 'D']) await source.fetch({ roomName });
    const others = queryClient
      .getQueryCache()
      .findAll(ours)
      .filter((query) => query.queryKey[2] !== '{"roomName":"D"}');
    const reads = watchReads(others);
    for (let i = 0; i < 100; i++) source.getSnapshot();
    expect(reads()).toBe(0);
  });

  it("leaves the app's own queries alone: a fetch of the app in flight is not cancelled", async () => {
    const queryClient = new QueryClient();
    let resolveTodos!: (value: string[]) => void;
    const todos = queryClient.fetchQuery({
      queryKey: ['livekit-custom-token-app'],
      queryFn: () => new Promise<string[]>((resolve) => (resolveTodos = resolve)),
    });
    const source = createCustomTokenSource(mintingGenerator(), { queryClient });
    for (const roomName of ['A', 'B', 'C']) await source.fetch({ roomName });
    source.cancel();
    resolveTodos(['milk']);
    await expect(todos).resolves.toEqual(['milk']);
  });

  it('aborts the fetch for earlier options when newer options are fetched', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const first = source.fetch({ roomName: 'A' }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(0);
    void source.fetch({ roomName: 'B' }).catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(await first).toMatchObject({ code: 'aborted' });
  });
});
