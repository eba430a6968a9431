import { dehydrate, hydrate, QueryClient } from '@tanstack/query-core';
import { decodeTokenPayload, TokenSourceConfigurable } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import type { TokenSourceEvent } from '../../src/core/types';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';

const mintResponse = async (room: string) => ({ serverUrl: SERVER_URL, participantToken: await mintToken({ room }) });

describe('CustomTokenSource cache', () => {
  it("is an instance of livekit-client's TokenSourceConfigurable, so useSession passes it options", () => {
    expect(createCustomTokenSource(mintingGenerator())).toBeInstanceOf(TokenSourceConfigurable);
  });

  it("keeps its tokens where the app's client finds them by the documented key, and where hydration puts them", async () => {
    const generator = mintingGenerator();
    const queryClient = new QueryClient();
    const token = await createCustomTokenSource(generator, { queryClient, scope: 'call' }).fetch({ roomName: 'A' });
    const key = ['livekit-custom-token', 'call', JSON.stringify({ roomName: 'A' })];
    expect(queryClient.getQueryData(key)).toMatchObject(token);

    const hydrated = new QueryClient();
    hydrate(hydrated, dehydrate(queryClient));
    await expect(createCustomTokenSource(generator, { queryClient: hydrated, scope: 'call' }).fetch({ roomName: 'A' })).resolves.toEqual(
      token,
    );
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('reuses a fresh token for the same options', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    const first = await source.fetch({ roomName: 'A' });
    const second = await source.fetch({ roomName: 'A' });
    expect(second).toEqual(first);
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('treats undefined options and empty attributes like absent ones', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'A' });
    await source.fetch({ roomName: 'A', participantName: undefined, participantAttributes: {} });
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('keeps one token per option set, so toggling back and forth mints each once', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    for (const roomName of ['A', 'B', 'A', 'B', 'A']) await source.fetch({ roomName });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('makes one generator call for concurrent fetches of the same options', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const fetches = [source.fetch({ roomName: 'A' }), source.fetch({ roomName: 'A' }), source.fetch({ roomName: 'A' })];
    await Promise.resolve();
    expect(generator).toHaveBeenCalledTimes(1);
    await calls[0]!.resolve();
    const [a, b, c] = await Promise.all(fetches);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('always calls the generator for a forced fetch', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'A' });
    await source.fetch({ roomName: 'A' }, true);
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('does not reuse a token a forced fetch replaced, even when that forced fetch failed', async () => {
    let failing = false;
    const generator = mintingGenerator();
    const source = createCustomTokenSource(async (request, context) => {
      if (failing) throw new Error('token service down');
      return generator(request, context);
    });
    await source.fetch({ roomName: 'A' });
    failing = true;
    await source.fetch({ roomName: 'A' }, true);
    failing = false;
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('resolves a failed forced fetch with the last unexpired token instead of rejecting', async () => {
    let failing = false;
    const generator = mintingGenerator();
    const source = createCustomTokenSource(async (request, context) => {
      if (failing) throw new Error('token service down');
      return generator(request, context);
    });
    const first = await source.fetch({ roomName: 'A' });
    failing = true;
    await expect(source.fetch({ roomName: 'A' }, true)).resolves.toEqual(first);
    expect(source.getSnapshot().error).toBeInstanceOf(CustomTokenError);
  });

  it('resolves a failed forced fetch with no token in hand once the next fetch succeeds', async () => {
    let failing = true;
    const source = createCustomTokenSource(async (request, context) => {
      if (failing) throw new Error('token service down');
      return mintingGenerator()(request, context);
    });
    let forced: { serverUrl: string } | undefined;
    void source.fetch({ roomName: 'A' }, true).then((response) => (forced = response));
    await expect.poll(() => source.getSnapshot().status).toBe('error');
    expect(forced).toBeUndefined();
    failing = false;
    const next = await source.fetch({ roomName: 'A' });
    await expect.poll(() => forced).toEqual(next);
  });

  it('rejects a normal fetch with the generator failure, typed', async () => {
    const source = createCustomTokenSource(async () => {
      throw new Error('user is not signed in');
    });
    const error = await source.fetch({ roomName: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({ code: 'generator_failed', message: 'The token generator failed: user is not signed in' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects options of the wrong type with invalid_options, without calling the generator', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    const error = await source.fetch({ roomName: 42 as unknown as string }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_options', message: 'Token fetch option `roomName` must be a string, got number 42.' });
    expect(generator).not.toHaveBeenCalled();
  });

  it('reports options of the wrong type, as every failure, in the snapshot and to onEvent; valid options then fetch as usual', async () => {
    const events: TokenSourceEvent[] = [];
    const source = createCustomTokenSource(mintingGenerator(), { onEvent: (event) => events.push(event) });
    const notified = vi.fn();
    source.subscribe(notified);
    await source.fetch({ roomName: 'A' });
    notified.mockClear();

    const error = await source.fetch({ participantAttributes: { age: 42 as unknown as string } }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'invalid_options' });
    expect(events.at(-1)).toEqual({ type: 'error', request: {}, error, willRetry: false });
    expect(notified).toHaveBeenCalled();
    // The snapshot is for the options asked for last: not room A's token.
    expect(source.getSnapshot()).toMatchObject({ status: 'error', error, token: null, room: undefined });

    await source.fetch({ roomName: 'A' });
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', error: null, room: 'A' });
  });

  it('packages agent options as a RoomConfiguration-shaped roomConfig for the generator', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'A', agentName: 'helper', agentMetadata: '{"tone":"warm"}' });
    expect(generator.mock.calls[0]![0]).toEqual({
      roomName: 'A',
      agentName: 'helper',
      agentMetadata: '{"tone":"warm"}',
      roomConfig: { agents: [{ agentName: 'helper', metadata: '{"tone":"warm"}' }] },
    });
  });

  it("uses the app's QueryClient, where tokens can be seen under the livekit-custom-token key", async () => {
    const queryClient = new QueryClient();
    const source = createCustomTokenSource(mintingGenerator(), { queryClient, scope: 'call' });
    await source.fetch({ roomName: 'A' });
    const entries = queryClient.getQueriesData({ queryKey: ['livekit-custom-token', 'call'] });
    expect(entries).toHaveLength(1);
    expect(entries[0]![0][2]).toBe('{"roomName":"A"}');
    expect(entries[0]![1]).toMatchObject({ room: 'A', identity: 'alice' });
  });

  it('starts from an initial token without calling the generator', async () => {
    const generator = mintingGenerator();
    const initial = await mintingGenerator()({ roomName: 'A' }, { signal: new AbortController().signal, attempt: 1 });
    const source = createCustomTokenSource(generator, { initialToken: { options: { roomName: 'A' }, response: initial } });
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    await expect(source.fetch({ roomName: 'A' })).resolves.toEqual(initial);
    expect(generator).not.toHaveBeenCalled();
  });

  it('writes an initial token into the client only once the source is used: a source made and dropped (a render React discards) leaves nothing', async () => {
    const queryClient = new QueryClient();
    const initial = await mintResponse('A');
    const dropped = createCustomTokenSource(mintingGenerator(), {
      queryClient,
      scope: 'calls',
      initialToken: { options: { roomName: 'A' }, response: initial },
    });
    expect(dropped.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    expect(queryClient.getQueryCache().getAll()).toEqual([]);

    // Another source of the scope, fetching the same options: the dropped one holds nothing, so cancel() aborts it.
    const { generator, calls } = controlledGenerator();
    const used = createCustomTokenSource(generator, { queryClient, scope: 'calls' });
    const unsubscribe = used.subscribe(() => {});
    const fetching = used.fetch({ roomName: 'A' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    used.cancel();
    await expect(fetching).rejects.toMatchObject({ code: 'aborted' });
    unsubscribe();

    // Used at last, the seed is the token in hand: no generator call.
    const seeded = createCustomTokenSource(generator, { queryClient, initialToken: { options: { roomName: 'A' }, response: initial } });
    seeded.subscribe(() => {});
    await expect(seeded.fetch({ roomName: 'A' })).resolves.toEqual(initial);
    expect(calls).toHaveLength(1);
  });

  it('keeps the token the cache has for the initial token’s options, rather than overwrite it with the initial token, when first used', async () => {
    const queryClient = new QueryClient();
    const initial = await mintResponse('A');
    const seeded = createCustomTokenSource(mintingGenerator(), {
      queryClient,
      scope: 'call',
      initialToken: { options: { roomName: 'A' }, response: initial },
    });
    const newer = await createCustomTokenSource(
      mintingGenerator(() => ({ ttl: 1_200 })),
      { queryClient, scope: 'call' },
    ).fetch({
      roomName: 'A',
    });
    expect(newer).not.toEqual(initial);
    await expect(seeded.fetch({ roomName: 'A' })).resolves.toEqual(newer);
  });

  it('leaves alone what onEvent returns unless it is a Promise', async () => {
    const returned = { catch: vi.fn() };
    const source = createCustomTokenSource(mintingGenerator(), { onEvent: () => returned as unknown as void });
    await source.fetch({ roomName: 'A' });
    expect(returned.catch).not.toHaveBeenCalled();
  });

  it('keeps an initial token minted a while ago only until its exp on this device’s clock, refreshing ahead of that', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') });
    try {
      vi.setSystemTime(Date.now() - 8 * 60_000);
      const response = await mintResponse('A'); // 10 minutes, minted 8 minutes ago: 2 left
      vi.setSystemTime(Date.now() + 8 * 60_000);
      const source = createCustomTokenSource(mintingGenerator(), { initialToken: { options: { roomName: 'A' }, response } });
      const { expiresAt } = source.getSnapshot();
      expect(expiresAt).toBe(Date.now() + 2 * 60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    [
      'for another room than its options (mismatch)',
      async () => ({ options: { roomName: 'A' }, response: await mintResponse('B') }),
      'mismatch',
    ],
    [
      'that is not a token (invalid_response)',
      () => ({ options: { roomName: 'A' }, response: { serverUrl: 'wss://lk.example', participantToken: 'x' } }),
      'invalid_response',
    ],
    [
      'with options that are not valid (invalid_options)',
      async () => ({ options: { roomName: 7 as never }, response: await mintResponse('A') }),
      'invalid_options',
    ],
    [
      'minted an hour before, whose exp is past on this device’s clock (a cached or restored page) (expired)',
      async () => {
        vi.useFakeTimers({ now: Date.now() - 60 * 60_000 });
        const response = await mintResponse('A'); // a 10-minute token
        vi.useRealTimers();
        return { options: { roomName: 'A' }, response };
      },
      'expired',
    ],
  ])('drops an initial token %s, reports it to onEvent and fetches the first token instead of throwing', async (_, initialToken, code) => {
    const generator = mintingGenerator();
    const onEvent = vi.fn<(event: TokenSourceEvent) => void>();
    const source = createCustomTokenSource(generator, { initialToken: await initialToken(), onEvent });
    expect(onEvent).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'error', error: expect.objectContaining({ code }), willRetry: false }),
    );
    expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    const { participantToken } = await source.fetch({ roomName: 'A' });
    expect(decodeTokenPayload(participantToken).video?.room).toBe('A');
    expect(generator).toHaveBeenCalledTimes(1);
  });
});
