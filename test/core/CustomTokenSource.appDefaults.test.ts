// @vitest-environment node
import { onlineManager, QueryClient, type QueryPersister } from '@tanstack/query-core';
import { experimental_createQueryPersister, type AsyncStorage } from '@tanstack/query-persist-client-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import { mintingGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';

/*
 * An app's QueryClient comes with its own defaults for every query (`defaultOptions.queries`),
 * chosen for its data, not for tokens. The token source shares the client, not those defaults:
 * how a token is fetched, retried, kept and stored is the source's own configuration.
 */

/** A `Storage` in memory, as TanStack's persisters take it. */
function memoryStorage(): AsyncStorage & { saved: Map<string, string> } {
  const saved = new Map<string, string>();
  return {
    saved,
    getItem: (key) => saved.get(key) ?? null,
    setItem: (key, value) => void saved.set(key, value),
    removeItem: (key) => void saved.delete(key),
  };
}

describe("CustomTokenSource in an app's QueryClient with defaults of its own", () => {
  afterEach(() => onlineManager.setOnline(true));

  it('stores no token with the app’s persister, and takes none back from it: a token is a credential, and a stored one may have expired', async () => {
    const storage = memoryStorage();
    // Its own release of query-core (the persister pins one) types the same function apart from ours.
    const persister = experimental_createQueryPersister({ storage }).persisterFn as unknown as QueryPersister;
    const appClient = () => new QueryClient({ defaultOptions: { queries: { persister } } });
    const generator = mintingGenerator();

    await createCustomTokenSource(generator, { queryClient: appClient() }).fetch({ roomName: 'standup' });
    // The app's own queries are still persisted: the persister works.
    await appClient().fetchQuery({ queryKey: ['profile'], queryFn: () => ({ name: 'Ada' }) });
    await vi.waitFor(() => expect([...storage.saved.keys()]).toContain('tanstack-query-["profile"]'));
    expect([...storage.saved.keys()]).toEqual(['tanstack-query-["profile"]']);

    // After a reload (a new client on the same storage), the token comes from the generator.
    await createCustomTokenSource(generator, { queryClient: appClient() }).fetch({ roomName: 'standup' });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('retries what is retryable although the app turned retries off', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, retryDelay: 60_000 } } });
    let calls = 0;
    const source = createCustomTokenSource(
      async () => {
        calls += 1;
        if (calls === 1) throw new CustomTokenError('http', 'The token endpoint answered HTTP 503', { status: 503 });
        return { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'standup' }) };
      },
      { queryClient, retryDelayMs: 1 },
    );
    await expect(source.fetch({ roomName: 'standup' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(calls).toBe(2);
  });

  it('fetches while the engine believes the browser is offline, although the app’s queries wait for the network', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { networkMode: 'online' } } });
    onlineManager.setOnline(false);
    const generator = mintingGenerator();
    await expect(createCustomTokenSource(generator, { queryClient }).fetch({ roomName: 'standup' })).resolves.toMatchObject({
      serverUrl: SERVER_URL,
    });
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('keeps its token although the app’s queries are collected at once', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { gcTime: 0 } } });
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator, { queryClient });
    const first = await source.fetch({ roomName: 'standup' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(source.fetch({ roomName: 'standup' })).resolves.toEqual(first);
    expect(generator).toHaveBeenCalledTimes(1);
  });
});
