import { QueryCache, QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';

const MINUTE = 60_000;

/** docs/token-source.md, "Where it lives": what the app's own client-wide calls do to the tokens in it. */
describe("CustomTokenSource in the app's QueryClient", () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  it('counts its token fetches, refresh-ahead included, in the client’s isFetching(), unless left out by key', async () => {
    const queryClient = new QueryClient();
    let answer: () => void = () => {};
    const mint = mintingGenerator(() => ({ ttl: '5m' }));
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      await new Promise<void>((resolve) => (answer = resolve));
      return mint(request, context);
    });
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const notOurs = { predicate: (query: { queryKey: readonly unknown[] }) => query.queryKey[0] !== 'livekit-custom-token' };

    const first = source.fetch({ roomName: 'A' });
    expect([queryClient.isFetching(), queryClient.isFetching(notOurs)]).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(0);
    answer();
    await first;
    expect(queryClient.isFetching()).toBe(0);

    // Refresh-ahead: 60 s before the 5-minute token expires.
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(2);
    expect([queryClient.isFetching(), queryClient.isFetching(notOurs)]).toEqual([1, 0]);
    answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(queryClient.isFetching()).toBe(0);
    unsubscribe();
  });

  it('lets a QueryCache onError see a failed token fetch', async () => {
    const onError = vi.fn();
    const queryClient = new QueryClient({ queryCache: new QueryCache({ onError }) });
    const generator = mintingGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('refused'), { status: 401 }));
    const source = createCustomTokenSource(generator, { queryClient });

    await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({ code: 'http', status: 401 });

    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toMatchObject({ code: 'http', status: 401 });
  });

  it('calls the generator on refetchQueries() without a filter, even while a session holds the source connected', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    const letGo = source.holdConnected();

    await queryClient.refetchQueries();

    expect(generator).toHaveBeenCalledTimes(2);
    letGo();
    unsubscribe();
  });

  it('retires the token in hand on invalidateQueries() without a filter: a subscribed, disconnected source fetches a new one at once', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator(() => ({ ttl: '5m' }));
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const { participantToken: first } = await source.fetch({ roomName: 'A' });
    // A second later, so that the new token (its iat, its exp) differs from the first.
    await vi.advanceTimersByTimeAsync(1_000);

    await queryClient.invalidateQueries();
    await vi.advanceTimersByTimeAsync(0);

    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    expect(source.getSnapshot().token?.participantToken).not.toBe(first);
    unsubscribe();
  });

  it('retires the token in hand on invalidateQueries() during a call: nothing fetched while connected, the next fetch gets a new one', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator(() => ({ ttl: '5m' }));
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const { participantToken: first } = await source.fetch({ roomName: 'A' });
    const letGo = source.holdConnected();

    await queryClient.invalidateQueries();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(generator).toHaveBeenCalledTimes(1);

    const { participantToken: next } = await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
    expect(next).not.toBe(first);
    letGo();
    unsubscribe();
  });

  it.each([
    ['clear()', (client: QueryClient) => client.clear()],
    ['resetQueries()', (client: QueryClient) => void client.resetQueries()],
  ])('drops the token in hand on %s: idle, nothing fetched ahead, and the next fetch gets a new token', async (_name, drop) => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator(() => ({ ttl: '5m' }));
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });

    drop(queryClient);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);

    expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    expect(generator).toHaveBeenCalledTimes(1);
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    unsubscribe();
  });
  // docs/token-source.md, "Where it lives": `clear()` / `resetQueries()` drop the token in hand, "the next fetch or
  // `start()` gets a new one" — also the fetch waiting when the app drops it: LiveKit's `start()` awaits one.
  it.each([
    ['clear()', (client: QueryClient) => client.clear()],
    ['resetQueries()', (client: QueryClient) => void client.resetQueries()],
    ['removeQueries()', (client: QueryClient) => client.removeQueries()],
  ])(
    'answers a fetch in flight when the app calls %s: the dropped call is aborted, and a new one brings the token',
    async (_name, drop) => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient });
      const unsubscribe = source.subscribe(() => {});
      const fetched = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);

      drop(queryClient);
      await vi.advanceTimersByTimeAsync(0);

      expect(calls[0]!.signal.aborted).toBe(true);
      expect(calls).toHaveLength(2);
      await calls[1]!.resolve();
      await expect(fetched).resolves.toMatchObject({ participantToken: expect.any(String) });
      expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'A', generatorCalls: 2 });
      unsubscribe();
    },
  );

  it('asks nothing again for a fetch in flight the app dropped when the source has moved to other options meanwhile', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const scope = 'lobby';
    // Another source of the scope holds room A: moving to B does not cancel A's call, the app's clear() does.
    const other = createCustomTokenSource(generator, { queryClient, scope });
    const source = createCustomTokenSource(generator, { queryClient, scope });
    const unsubscribe = [other.subscribe(() => {}), source.subscribe(() => {})];
    const fetched = source.fetch({ roomName: 'A' });
    const otherFetched = other.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);

    queryClient.clear();
    const moved = source.fetch({ roomName: 'B' });
    await vi.advanceTimersByTimeAsync(0);

    await expect(fetched).rejects.toMatchObject({ code: 'aborted' });
    // B for this source; A again for the other, which still wants it.
    expect(calls.map(({ request }) => request.roomName)).toEqual(['A', 'B', 'A']);
    await calls[1]!.resolve();
    await calls[2]!.resolve();
    await expect(moved).resolves.toMatchObject({ participantToken: expect.any(String) });
    await expect(otherFetched).resolves.toMatchObject({ participantToken: expect.any(String) });
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'B' });
    expect(other.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    for (const leave of unsubscribe) leave();
  });

  // A cancel() and a move away and back, around the app's clear(): two reasons not to ask again, which
  // must not cancel out (a count of cancels that went down on cancel() and up on the move would read as neither).
  it.each([
    ['cancel(), then to B and back to A', ['cancel', 'B', 'A']],
    ['to B, cancel() (of nothing: the other source holds B), back to A', ['B', 'cancel', 'A']],
    ['to B and back to A, then cancel()', ['B', 'A', 'cancel']],
  ] as const)(
    'asks nothing again for a fetch in flight the app dropped when the source was also cancelled meanwhile (%s)',
    async (_name, steps) => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const scope = 'lobby';
      // Another source of the scope holds room B: moving from B back to A does not cancel B's call.
      const other = createCustomTokenSource(generator, { queryClient, scope });
      const source = createCustomTokenSource(generator, { queryClient, scope });
      const unsubscribe = [other.subscribe(() => {}), source.subscribe(() => {})];
      const otherFetched = other.fetch({ roomName: 'B' });
      const fetched = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      expect(calls.map(({ request }) => request.roomName)).toEqual(['B', 'A']);

      queryClient.clear();
      const later: Promise<unknown>[] = [];
      for (const step of steps) {
        if (step === 'cancel') source.cancel();
        else later.push(source.fetch({ roomName: step }).catch((error: unknown) => error));
      }
      await vi.advanceTimersByTimeAsync(0);
      for (const call of calls) if (!call.signal.aborted) await call.resolve();
      await vi.advanceTimersByTimeAsync(0);

      // Not answered with room A's next token: it was cancelled.
      await expect(fetched).rejects.toMatchObject({ code: 'aborted' });
      await Promise.all([otherFetched, ...later]);
      for (const leave of unsubscribe) leave();
    },
  );

  it('makes no call for a forced fetch that waited on a call the app dropped with clear(): it answers with the next token, one call in flight for the scope', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const [first, second] = [0, 1].map(() => createCustomTokenSource(generator, { queryClient, scope: 'call' }));
    const unsubscribe = [first!.subscribe(() => {}), second!.subscribe(() => {})];
    const fetched = first!.fetch({ roomName: 'A' });
    // useSession's forced fetch (an end()) while the call is in flight: it waits for that call, then asks anew.
    const forced = second!.fetch({ roomName: 'A' }, true);
    await vi.advanceTimersByTimeAsync(0);

    queryClient.clear();
    await vi.advanceTimersByTimeAsync(0);

    // The first source's fetch asks again (a start() waits on it); the forced one, in the background, does not.
    expect(calls).toHaveLength(2);
    expect(calls[0]!.signal.aborted).toBe(true);
    await calls[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    const { participantToken } = await fetched;
    await expect(forced).resolves.toMatchObject({ participantToken });
    expect(second!.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    expect(calls).toHaveLength(2);
    for (const leave of unsubscribe) leave();
  });

  it('reports, in every source of a scope, the token one of them fetched after the app’s clear(), and tells their subscribers', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const [first, second] = [0, 1].map(() => createCustomTokenSource(generator, { queryClient, scope: 'call' }));
    const heard = vi.fn();
    const unsubscribe = [first!.subscribe(() => {}), second!.subscribe(heard)];
    await first!.fetch({ roomName: 'A' });
    await second!.fetch({ roomName: 'A' });
    queryClient.clear();
    expect(second!.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    heard.mockClear();

    const { participantToken } = await first!.fetch({ roomName: 'A' });

    expect(heard).toHaveBeenCalled();
    expect(second!.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    expect(second!.getSnapshot().token!.participantToken).toBe(participantToken);
    expect(generator).toHaveBeenCalledTimes(2);
    for (const leave of unsubscribe) leave();
  });

  it('answers a fetch in flight with the call refetchQueries() starts in its place, without a call of its own', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const first = source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(0);
    await calls[0]!.resolve({ ttl: '5m' });
    await first;
    // The token is stale (past its refresh time); refresh-ahead's call is the one in flight, which a fetch joins.
    source.setConnected(true);
    await vi.advanceTimersByTimeAsync(4.5 * MINUTE);
    const fetched = source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);

    void queryClient.refetchQueries();
    await vi.advanceTimersByTimeAsync(0);

    expect(calls[1]!.signal.aborted).toBe(true);
    expect(calls).toHaveLength(3);
    await calls[2]!.resolve();
    await expect(fetched).resolves.toMatchObject({ participantToken: expect.any(String) });
    expect(calls).toHaveLength(3);
    unsubscribe();
  });

  it('asks nothing again for a refresh-ahead in flight when the app calls clear(): nothing is fetched ahead until the next fetch', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const first = source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(0);
    await calls[0]!.resolve({ ttl: '5m' });
    await first;
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(calls).toHaveLength(2);

    queryClient.clear();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);

    expect(calls[1]!.signal.aborted).toBe(true);
    expect(calls).toHaveLength(2);
    expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    unsubscribe();
  });

  it('fails a fetch in flight with aborted when the app calls cancelQueries(): the app cancelled it', async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = source.subscribe(() => {});
    const fetched = source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(0);

    void queryClient.cancelQueries();

    await expect(fetched).rejects.toMatchObject({ code: 'aborted' });
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls).toHaveLength(1);
    unsubscribe();
  });
});
