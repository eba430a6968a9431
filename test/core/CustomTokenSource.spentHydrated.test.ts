import { dehydrate, hydrate, QueryClient, type DehydratedState } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import { markTokenSpent } from '../../src/core/spentTokens';
import { mintToken, SERVER_URL } from '../helpers/tokens';

/**
 * docs/token-source.md, "The cache": a hydrated token that a session of the page started with,
 * for a room the server named, is not handed out again (a page restored on Back renders its
 * HydrationBoundary again). "Not handed out" holds everywhere the source gives or shows a token:
 * the status does not read it `ready`, and the fallback of a forced fetch that failed does not
 * resolve with it.
 */
describe('a hydrated token a past session of the page started with (Back)', () => {
  /** The server render's dehydrated state with a token for a room the server named, which a session of the page then started with. */
  async function spentDehydratedToken(identity: string) {
    const participantToken = await mintToken({ identity, room: 'room-server' });
    const server = new QueryClient();
    await createCustomTokenSource(async () => ({ serverUrl: SERVER_URL, participantToken }), { queryClient: server, scope: 'call' }).fetch(
      {},
    );
    const state = JSON.parse(JSON.stringify(dehydrate(server))) as DehydratedState;
    markTokenSpent(participantToken);
    return { participantToken, state };
  }

  /** The page brought back: its own client, the dehydrated state hydrated into it again. */
  function pageBroughtBack(state: DehydratedState, generator: Parameters<typeof createCustomTokenSource>[0]) {
    const client = new QueryClient();
    hydrate(client, state);
    return createCustomTokenSource(generator, { queryClient: client, scope: 'call', retries: 0 });
  }

  it('is not reported ready while the fetch that replaces it runs: no token, identity or room until the new one lands', async () => {
    const { state } = await spentDehydratedToken('spent-status');
    let answer: ((token: { serverUrl: string; participantToken: string }) => void) | undefined;
    const source = pageBroughtBack(state, () => new Promise((resolve) => (answer = resolve)));

    // A start() (or the provider's prefetch) asks for the token of the options the page was rendered for.
    const fetched = source.fetch({});
    expect(source.getSnapshot()).toMatchObject({ status: 'fetching', token: null, identity: undefined, room: undefined, expiresAt: null });
    await expect.poll(() => answer, { timeout: 3_000 }).toBeTypeOf('function');
    answer!({ serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'spent-status', room: 'room-browser' }) });
    await fetched;
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'room-browser' });
  });

  it('is not what a forced fetch that failed resolves with: it waits for the next token', async () => {
    const { participantToken, state } = await spentDehydratedToken('spent-fallback');
    let calls = 0;
    const next = await mintToken({ identity: 'spent-fallback', room: 'room-browser' });
    const source = pageBroughtBack(state, async () => {
      calls += 1;
      if (calls === 1) throw new CustomTokenError('http', 'token endpoint answered 401', { status: 401 });
      return { serverUrl: SERVER_URL, participantToken: next };
    });
    const settled: string[] = [];
    const forced = source.fetch({}, true).then(({ participantToken: token }) => void settled.push(token));

    await expect.poll(() => source.getSnapshot().status, { timeout: 3_000 }).toBe('error');
    // The failure has landed: a fallback to the token in hand would have settled by the next tasks.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled, 'the spent token is not handed out').not.toContain(participantToken);
    await source.refresh();
    await forced;
    expect(settled).toEqual([next]);
  });

  it('is refused once spent by the very source that handed it out (a source that outlives the page): neither a start nor a failed forced fetch gets it again', async () => {
    // The server render's token, hydrated into the app's client: not spent yet, so the first start takes it.
    const participantToken = await mintToken({ identity: 'spent-same-source', room: 'room-server' });
    const server = new QueryClient();
    await createCustomTokenSource(async () => ({ serverUrl: SERVER_URL, participantToken }), { queryClient: server, scope: 'call' }).fetch(
      {},
    );
    const next = await mintToken({ identity: 'spent-same-source', room: 'room-browser' });
    let fail = true;
    const source = pageBroughtBack(JSON.parse(JSON.stringify(dehydrate(server))) as DehydratedState, async () => {
      if (fail) throw new CustomTokenError('http', 'token endpoint answered 401', { status: 401 });
      return { serverUrl: SERVER_URL, participantToken: next };
    });
    expect((await source.fetch({})).participantToken).toBe(participantToken);
    // Its session started with it; the same source is asked again (the next start, a forced fetch failing).
    markTokenSpent(participantToken);
    // The next start asks the generator (here failing) rather than take the spent token from the cache.
    await expect(source.fetch({})).rejects.toMatchObject({ code: 'http', status: 401 });
    const settled: string[] = [];
    const forced = source.fetch({}, true).then(({ participantToken: token }) => void settled.push(token));
    await expect.poll(() => source.getSnapshot().status, { timeout: 3_000 }).toBe('error');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled, 'the spent token is not handed out').not.toContain(participantToken);
    fail = false;
    await source.refresh();
    await forced;
    expect(settled).toEqual([next]);
  });
});
