import { decodeTokenPayload } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { controlledGenerator } from '../helpers/generators';

/**
 * README, "What the source does with it": a forced fetch "always calls the generator"; and
 * "when the signed-in user changes, give the component a key of the user id (or call
 * `source.refresh()`), or it keeps handing out the previous user's token".
 */
describe('CustomTokenSource forced fetch while a fetch for the same options is in flight', () => {
  it('refresh() calls the generator again, so a user who signed in meanwhile gets a token of their own', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    // The fetch on mount, under the previous user.
    const first = source.fetch({ roomName: 'A' });
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toHaveLength(1);
    // The user changes; the app calls refresh() as the README says.
    const refreshed = source.refresh();
    const forced = source.fetch({ roomName: 'A' }, true);
    // The previous user's call answers.
    await calls[0]!.resolve({ identity: 'previous-user' });
    await expect(first).resolves.toBeDefined();
    await vi.waitFor(() => expect(generator, 'the generator calls: the in-flight one, then the forced ones').toHaveBeenCalledTimes(2), {
      timeout: 1_000,
    });
    await calls[1]!.resolve({ identity: 'new-user' });
    await refreshed;
    const token = await forced;
    expect(generator).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(token.participantToken).sub).toBe('new-user');
    expect(source.getSnapshot().identity).toBe('new-user');
    unsubscribe();
  });
});

describe('CustomTokenSource forced fetch waiting for a call in flight', () => {
  it('is cancelled with that call by cancel(): no generator call follows', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    void source.fetch({ roomName: 'A' }).catch(() => {});
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const refreshed = source.refresh();
    source.cancel();
    await refreshed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(generator).toHaveBeenCalledTimes(1);
    expect(source.getSnapshot()).toMatchObject({ status: 'idle', error: null });
    unsubscribe();
  });
});

/**
 * `useSession` fires a forced fetch on `end()` and after a disconnect, for the next session's
 * token, and awaits none: a fetch in the background, as a refresh-ahead is, which calls the
 * generator for no one once a session has connected (the README: no token is fetched during a call).
 */
describe("CustomTokenSource forced fetch in the background (useSession's, on end())", () => {
  it('makes no call after the call it waited for once a session connected meanwhile, and answers with that call token', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    // The prefetch on mount runs; end() is pressed before the first start; a session joins with the prefetch's token.
    const prefetched = source.fetch({ roomName: 'A' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const forced = source.fetch({ roomName: 'A' }, true);
    const release = source.holdConnected();
    await calls[0]!.resolve({ identity: 'alice' });
    const token = await prefetched;
    await expect(forced).resolves.toEqual(token);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(generator, 'no call during the session').toHaveBeenCalledTimes(1);
    release();
    unsubscribe();
  });

  it('is not retried once a session has connected: its failure is reported, and it answers with the token in hand', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator, { retries: 3, retryDelayMs: 10, maxRetryDelayMs: 10 });
    const unsubscribe = source.subscribe(() => {});
    const first = source.fetch({ roomName: 'A' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await calls[0]!.resolve();
    const token = await first;
    // end(): the forced fetch calls at once; a new session connects (a shared source's other one, say) before it fails.
    const forced = source.fetch({ roomName: 'A' }, true);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    const release = source.holdConnected();
    calls[1]!.reject(new TypeError('Failed to fetch'));
    await expect(forced).resolves.toEqual(token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(generator, 'no retry during the session').toHaveBeenCalledTimes(2);
    expect(source.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'generator_failed' } });
    release();
    unsubscribe();
  });
});
