import { QueryCache, QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { mintingGenerator } from '../helpers/generators';

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
});
