import { focusManager, isCancelledError, onlineManager, QueryClient } from '@tanstack/query-core';
import { decodeJwt, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import type { TokenGenerator, TokenRequest, TokenSourceEvent } from '../../src/core/types';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const ours = { queryKey: ['livekit-custom-token'] };

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** Settles `promise` in the background; `outcome()` is `undefined` while it is pending. */
function watch<T>(promise: Promise<T>) {
  let outcome: { value: T } | { error: unknown } | undefined;
  void settle(promise).then((settled) => (outcome = settled));
  return () => outcome;
}

/** A generator of real tokens (10 minutes for the room asked for, by default) that throws while `state.failing` is set. */
function switchableGenerator(
  participantToken: (request: TokenRequest) => Promise<string> = (request) => mintToken({ room: request.roomName }),
) {
  const state = { failing: false };
  const generator = vi.fn<TokenGenerator>(async (request) => {
    if (state.failing) throw new Error('token service down');
    return { serverUrl: SERVER_URL, participantToken: await participantToken(request) };
  });
  return { generator, state };
}

async function tokenWithoutExp() {
  const claims = decodeJwt(await mintToken({ room: 'A' }));
  delete claims.exp;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('secret'));
}

describe('CustomTokenSource lifecycle', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    // Lets the sources whose last subscriber just left deactivate, so none stays subscribed to focus and network events.
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  describe('creation and snapshots', () => {
    it('throws a TypeError naming what it got when the generator is not a function', () => {
      expect(() => createCustomTokenSource('/api/token' as unknown as TokenGenerator)).toThrow(TypeError);
      expect(() => createCustomTokenSource('/api/token' as unknown as TokenGenerator)).toThrow(/generator must be a function, got string/);
    });

    it('refuses a negative refreshMarginMs with a TypeError naming it, rather than hand out tokens past their expiry', () => {
      expect(() => createCustomTokenSource(mintingGenerator(), { refreshMarginMs: -30 * SECOND })).toThrow(
        new TypeError('CustomTokenSource: `refreshMarginMs` must be a number, 0 or more, got number -30000.'),
      );
    });

    it('returns the same snapshot object until something changes, and a new one when it does', async () => {
      const source = createCustomTokenSource(mintingGenerator());
      const idle = source.getSnapshot();
      expect(source.getSnapshot()).toBe(idle);
      await source.fetch({ roomName: 'A' });
      const ready = source.getSnapshot();
      expect(ready).not.toBe(idle);
      expect(ready.status).toBe('ready');
      expect(source.getSnapshot()).toBe(ready);
    });

    it('renders for the server an initial token this device finds expired as the server did (its lifetime from now), and drops it for the client', async () => {
      vi.setSystemTime(Date.now() - 60 * MINUTE);
      const response = { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'A' }) }; // 10 minutes, an hour ago
      vi.setSystemTime(Date.now() + 60 * MINUTE);
      const source = createCustomTokenSource(mintingGenerator(), { initialToken: { options: { roomName: 'A' }, response } });
      expect(source.getServerSnapshot()).toMatchObject({
        status: 'ready',
        room: 'A',
        token: { participantToken: response.participantToken },
        expiresAt: Date.now() + 10 * MINUTE,
      });
      expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    });

    it('keeps the snapshot it was created with for server rendering, however the source changes since', async () => {
      const source = createCustomTokenSource(mintingGenerator());
      const atCreation = source.getSnapshot();
      await source.fetch({ roomName: 'A' });
      expect(source.getServerSnapshot()).toBe(atCreation);
      expect(source.getServerSnapshot()).toMatchObject({ status: 'idle', token: null });
    });
  });

  describe('scopes and the QueryClient', () => {
    it('never shares tokens between two sources without a scope, even in one QueryClient', async () => {
      const queryClient = new QueryClient();
      const first = mintingGenerator();
      const second = mintingGenerator();
      await createCustomTokenSource(first, { queryClient }).fetch({ roomName: 'A' });
      await createCustomTokenSource(second, { queryClient }).fetch({ roomName: 'A' });
      expect(first).toHaveBeenCalledTimes(1);
      expect(second).toHaveBeenCalledTimes(1);
    });

    it('keeps its tokens after its last subscriber leaves when it has its own QueryClient', async () => {
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator);
      await source.fetch({ roomName: 'A' });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
      await source.fetch({ roomName: 'A' });
      expect(generator).toHaveBeenCalledTimes(1);
    });

    it("removes all its tokens, the current one included, from the app's QueryClient when its last subscriber leaves", async () => {
      const queryClient = new QueryClient();
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator, { queryClient });
      const unsubscribe = source.subscribe(() => {});
      for (const roomName of ['A', 'B']) await source.fetch({ roomName });
      unsubscribe();
      await vi.advanceTimersByTimeAsync(0);
      expect(queryClient.getQueryCache().findAll(ours)).toEqual([]);
      expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    });

    it("keeps the tokens of a named scope in the app's QueryClient after its last subscriber leaves: other sources may use them", async () => {
      const queryClient = new QueryClient();
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      await source.fetch({ roomName: 'A' });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(1);
      await createCustomTokenSource(generator, { queryClient, scope: 'call' }).fetch({ roomName: 'A' });
      expect(generator).toHaveBeenCalledTimes(1);
    });

    it("lets go of a token fetched after its last subscriber left (useSession's fetch on unmount) once that fetch settles", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      const result = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      // Held while it runs: not aborted, not removed.
      expect(calls[0]!.signal.aborted).toBe(false);
      expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(1);
      await calls[0]!.resolve();
      expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
      expect(queryClient.getQueryCache().findAll(ours)).toEqual([]);
    });

    it('after its last subscriber left, a fetch of new options gets its token though the fetch it replaced let go as it was aborted', async () => {
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator);
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      const a = settle(source.fetch({ roomName: 'A' }));
      const b = settle(source.fetch({ roomName: 'B' }));
      expect(await a).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
      expect(await b).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
    });

    it("after its last subscriber left, leaves nothing in the app's QueryClient once options that are not valid replaced a fetch in flight", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      const a = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(1);
      const refused = settle(source.fetch({ roomName: 42 as unknown as string }));
      expect(await refused).toEqual({ error: expect.objectContaining({ code: 'invalid_options' }) });
      expect(await a).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
      expect(queryClient.getQueryCache().findAll(ours)).toEqual([]);
    });

    it('keeps what it fetches once a subscriber came back after the last one left', async () => {
      const queryClient = new QueryClient();
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator, { queryClient });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      const unsubscribe = source.subscribe(() => {});
      await source.fetch({ roomName: 'A' });
      expect(queryClient.getQueryCache().findAll(ours)).toHaveLength(1);
      await source.fetch({ roomName: 'A' });
      expect(generator).toHaveBeenCalledTimes(1);
      unsubscribe();
    });

    it('stays pending, rather than reject, on a forced fetch that fails after its last subscriber left', async () => {
      const queryClient = new QueryClient();
      const { generator, state } = switchableGenerator();
      const source = createCustomTokenSource(generator, { queryClient, retries: 0 });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      state.failing = true;
      const forced = watch(source.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(generator).toHaveBeenCalledTimes(1);
      expect(forced()).toBeUndefined();
    });

    it("lets a source that never fetched subscribe to the app's QueryClient and leave", async () => {
      const queryClient = new QueryClient();
      const source = createCustomTokenSource(mintingGenerator(), { queryClient });
      source.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);
      expect(source.getSnapshot().status).toBe('idle');
    });

    it('reports idle once the app removes its tokens from the QueryClient, then fetches and reports a new one', async () => {
      const queryClient = new QueryClient();
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      await source.fetch({ roomName: 'A' });
      queryClient.removeQueries(ours);
      expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
      await source.fetch({ roomName: 'A' });
      expect(generator).toHaveBeenCalledTimes(2);
      expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'A' });
    });
  });

  describe('subscribers', () => {
    it('a subscriber that throws stops neither the fetch, the other subscribers nor refresh-ahead: its error is thrown on its own', async () => {
      const generator = mintingGenerator(() => ({ ttl: 120 }));
      const source = createCustomTokenSource(generator);
      const other = vi.fn();
      const unsubscribeFaulty = source.subscribe(() => {
        throw new Error('listener bug');
      });
      const unsubscribeOther = source.subscribe(other);
      await expect(source.fetch({ roomName: 'A' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
      expect(other).toHaveBeenCalled();
      const thrown: unknown[] = [];
      for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(30 * SECOND).catch((error: unknown) => thrown.push(error));
      // Ten minutes of a two-minute token refreshed 60 s before it expires: a call a minute.
      expect(generator.mock.calls.length).toBeGreaterThanOrEqual(9);
      expect(source.getSnapshot().status).toBe('ready');
      expect(thrown[0]).toEqual(new Error('listener bug'));
      unsubscribeFaulty();
      unsubscribeOther();
    });

    it("leaves no listener in the app's QueryClient once its last subscriber has left, also after a StrictMode-style resubscribe", async () => {
      const queryClient = new QueryClient();
      const source = createCustomTokenSource(mintingGenerator(), { queryClient, scope: 'call' });
      source.subscribe(() => {})();
      const unsubscribe = source.subscribe(() => {});
      expect(queryClient.getQueryCache().hasListeners()).toBe(true);
      unsubscribe();
      await vi.advanceTimersByTimeAsync(0);
      expect(queryClient.getQueryCache().hasListeners()).toBe(false);
    });

    it('keeps serving the other subscribers when one of several leaves: a fetch in flight is not aborted', async () => {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      const leaving = source.subscribe(() => {});
      const staying = source.subscribe(() => {});
      const result = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      leaving();
      await vi.advanceTimersByTimeAsync(10);
      expect(calls[0]!.signal.aborted).toBe(false);
      await calls[0]!.resolve();
      expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
      staying();
    });

    it('fetches a token for other options after the earlier options failed, while subscribed', async () => {
      const generator = vi.fn<TokenGenerator>(async (request) => {
        if (request.roomName === 'A') throw Object.assign(new Error('not a member'), { status: 403 });
        return { serverUrl: SERVER_URL, participantToken: await mintToken({ room: request.roomName }) };
      });
      const source = createCustomTokenSource(generator);
      const unsubscribe = source.subscribe(() => {});
      await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({ code: 'http', status: 403 });
      await expect(source.fetch({ roomName: 'B' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
      expect(source.getSnapshot()).toMatchObject({ status: 'ready', room: 'B', error: null });
      unsubscribe();
    });

    it('does not abort a fetch in flight when an unsubscribe is called a second time', async () => {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      const unsubscribe = source.subscribe(() => {});
      unsubscribe();
      await vi.advanceTimersByTimeAsync(0);
      const result = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      unsubscribe();
      await vi.advanceTimersByTimeAsync(10);
      expect(calls[0]!.signal.aborted).toBe(false);
      await calls[0]!.resolve();
      expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
    });

    it("does not call its subscribers when the app's own queries in the shared QueryClient change", async () => {
      const queryClient = new QueryClient();
      const source = createCustomTokenSource(mintingGenerator(), { queryClient });
      const listener = vi.fn();
      const unsubscribe = source.subscribe(listener);
      await source.fetch({ roomName: 'A' });
      expect(listener).toHaveBeenCalled();
      listener.mockClear();
      queryClient.setQueryData(['todos'], ['milk']);
      expect(listener).not.toHaveBeenCalled();
      unsubscribe();
    });
  });

  describe('the tab and the network coming back', () => {
    afterEach(() => {
      focusManager.setFocused(undefined);
      onlineManager.setOnline(true);
    });

    /** A subscribed source whose refresh-ahead failed with an error retrying cannot fix: it waits for the tab or the network. */
    async function afterFailedRefresh() {
      const { generator, state } = switchableGenerator();
      const source = createCustomTokenSource(generator, { retries: 0 });
      const unsubscribe = source.subscribe(() => {});
      await source.fetch({ roomName: 'A' });
      state.failing = true;
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      expect(generator).toHaveBeenCalledTimes(2);
      expect(source.getSnapshot().status).toBe('error');
      state.failing = false;
      return { generator, source, unsubscribe };
    }

    it('fetches again when the tab regains focus, not when it loses it', async () => {
      const { generator, source, unsubscribe } = await afterFailedRefresh();
      focusManager.setFocused(false);
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(2);
      focusManager.setFocused(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(3);
      expect(source.getSnapshot().status).toBe('ready');
      unsubscribe();
    });

    it('does not fetch when the device goes offline, only when it comes back', async () => {
      const { generator, unsubscribe } = await afterFailedRefresh();
      onlineManager.setOnline(false);
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(2);
      onlineManager.setOnline(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(3);
      unsubscribe();
    });

    /** A generator of real tokens (`ttl` seconds long) whose calls numbered in `busy` answer 503. */
    function busyOn(busy: number[], ttl = 600) {
      let calls = 0;
      return vi.fn<TokenGenerator>(async (request) => {
        if (busy.includes(++calls)) throw new CustomTokenError('http', 'busy', { status: 503 });
        return { serverUrl: SERVER_URL, participantToken: await mintToken({ room: request.roomName, ttl }) };
      });
    }

    it('resumes a retry that fell on a hidden tab once the tab is visible again, and reads fetching meanwhile', async () => {
      const generator = busyOn([1]);
      const source = createCustomTokenSource(generator, { retryDelayMs: 100, maxRetryDelayMs: 100 });
      focusManager.setFocused(false);
      const outcome = watch(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(generator).toHaveBeenCalledTimes(1);
      expect(source.getSnapshot().status).toBe('fetching');
      focusManager.setFocused(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(2);
      expect(outcome()).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
      expect(source.getSnapshot().status).toBe('ready');
    });

    it('resumes a refresh-ahead retry that fell on a hidden tab once the tab is visible again', async () => {
      const generator = busyOn([2], 60);
      const source = createCustomTokenSource(generator, { retryDelayMs: 100, maxRetryDelayMs: 100 });
      const unsubscribe = source.subscribe(() => {});
      await source.fetch({ roomName: 'A' });
      focusManager.setFocused(false);
      await vi.advanceTimersByTimeAsync(MINUTE + SECOND);
      expect(generator).toHaveBeenCalledTimes(2);
      expect(source.getSnapshot().status).toBe('fetching');
      focusManager.setFocused(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(3);
      expect(source.getSnapshot().status).toBe('ready');
      unsubscribe();
    });
  });

  describe('aborts', () => {
    it('reports no success to onEvent for a token that arrives after cancel() from a generator that ignores the abort', async () => {
      const { generator, calls } = controlledGenerator();
      const events: TokenSourceEvent[] = [];
      const source = createCustomTokenSource(generator, { onEvent: (event) => events.push(event) });
      const result = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      source.cancel();
      await calls[0]!.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(await result).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
      expect(events.map((event) => event.type)).not.toContain('success');
      expect(source.getSnapshot()).toMatchObject({ status: 'idle', token: null });
    });

    it("reads the app's cancelQueries without revert as an abort, with one snapshot object until something changes", async () => {
      const queryClient = new QueryClient();
      const { generator } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const result = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      await queryClient.cancelQueries(undefined, { revert: false });
      expect(await result).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
      const snapshot = source.getSnapshot();
      expect(snapshot).toMatchObject({ status: 'error', error: { code: 'aborted' } });
      expect(source.getSnapshot()).toBe(snapshot);
    });

    it("does not abort, through cancel() of a source that let go of its options, another source's fetch of them in the same scope", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const left = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const fetched = left.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve({ ttl: 60 });
      await fetched;
      left.subscribe(() => {})();
      await vi.advanceTimersByTimeAsync(0);

      const staying = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const unsubscribe = staying.subscribe(() => {});
      const result = settle(staying.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(0);
      left.cancel();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls[1]!.signal.aborted).toBe(false);
      await calls[1]!.resolve();
      expect(await result).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
      unsubscribe();
    });

    it('puts the snapshot back as it was when cancel() aborts a refresh: the token in hand, no error', async () => {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      const first = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve();
      const token = await first;
      const forced = watch(source.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(0);
      expect(source.getSnapshot().status).toBe('fetching');
      source.cancel();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls[1]!.signal.aborted).toBe(true);
      expect(source.getSnapshot()).toMatchObject({ status: 'ready', error: null, token: { participantToken: token.participantToken } });
      expect(forced()).toEqual({ value: token });
    });

    it('keeps the fresh token in hand when cancel() aborts a refresh on a subscribed source: no new call follows, the status is ready', async () => {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      const unsubscribe = source.subscribe(() => {});
      const first = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve();
      await first;
      void source.refresh();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(2);
      source.cancel();
      await vi.advanceTimersByTimeAsync(SECOND);
      expect(calls[1]!.signal.aborted).toBe(true);
      expect(calls).toHaveLength(2);
      expect(source.getSnapshot().status).toBe('ready');
      unsubscribe();
    });

    it('rejects a fetch cancelled while an expired token is in hand with aborted, instead of resolving with the expired token', async () => {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      const first = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve({ ttl: 20 });
      await first;
      await vi.advanceTimersByTimeAsync(25 * SECOND);
      const second = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      source.cancel();
      expect(await second).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
      expect(source.getSnapshot().status).toBe('expired');
    });

    it('rejects the fetch of earlier options with aborted when newer options are fetched, saying so and keeping the cancellation as cause', async () => {
      const { generator } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      const first = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      void source.fetch({ roomName: 'B' }).catch(() => {});
      const { error } = (await first) as { error: CustomTokenError };
      expect(error).toBeInstanceOf(CustomTokenError);
      expect(error.code).toBe('aborted');
      expect(error.message).toMatch(/aborted/);
      expect(isCancelledError(error.cause)).toBe(true);
    });

    it('does not abort the fetch another source of the scope is waiting on when one source moves to other options', async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const first = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const second = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const waiting = settle(first.fetch({ roomName: 'A' }));
      void second.fetch({ roomName: 'A' }).catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      void second.fetch({ roomName: 'B' }).catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      expect(calls[0]!.signal.aborted).toBe(false);
      await calls[0]!.resolve();
      expect(await waiting).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
    });

    it('does not abort the fetch another source of the scope is waiting on when the last subscriber of one source leaves', async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const staying = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const leaving = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const unsubscribeStaying = staying.subscribe(() => {});
      const unsubscribeLeaving = leaving.subscribe(() => {});
      const waiting = settle(staying.fetch({ roomName: 'A' }));
      void leaving.fetch({ roomName: 'A' }).catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      unsubscribeLeaving();
      await vi.advanceTimersByTimeAsync(10);
      expect(calls[0]!.signal.aborted).toBe(false);
      await calls[0]!.resolve();
      expect(await waiting).toEqual({ value: expect.objectContaining({ serverUrl: SERVER_URL }) });
      unsubscribeStaying();
    });

    it("rejects a fetch that newer options aborted, rather than answer another source's initial token that expired meanwhile", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'A', ttl: 600 }) };
      const fetching = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const seeded = createCustomTokenSource(generator, {
        queryClient,
        scope: 'call',
        initialToken: { options: { roomName: 'A' }, response: initial },
      });
      const first = settle(fetching.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(1);
      // The seeded source is first used while the other's fetch of room A runs, for other options.
      void seeded.fetch({ roomName: 'B' }).catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      // Half an hour asleep: the initial token has expired.
      vi.setSystemTime(Date.now() + 30 * 60 * SECOND);
      void fetching.fetch({ roomName: 'B' }).catch(() => {});
      expect(await first).toEqual({ error: expect.objectContaining({ code: 'aborted' }) });
    });

    it("does not answer a failed forced fetch with another source's initial token that expired before that source was used", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'A', ttl: 600 }) };
      const forcing = createCustomTokenSource(generator, { queryClient, scope: 'call', retries: 0 });
      const seeded = createCustomTokenSource(generator, {
        queryClient,
        scope: 'call',
        initialToken: { options: { roomName: 'A' }, response: initial },
      });
      // Half an hour asleep: the initial token has expired before its source is used.
      vi.setSystemTime(Date.now() + 30 * 60 * SECOND);
      const forced = watch(forcing.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(0);
      calls[0]!.reject(Object.assign(new Error('signed out'), { status: 401 }));
      await vi.advanceTimersByTimeAsync(0);
      const unsubscribe = seeded.subscribe(() => {});
      await vi.advanceTimersByTimeAsync(0);
      // Waiting for the next token of room A: not the expired initial one.
      expect(forced()).toBeUndefined();
      unsubscribe();
    });

    it("aborts the fetch of a scope's options once the last source holding them leaves, after the app cleared its QueryClient", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const first = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const second = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const fetched = first.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve();
      await fetched;
      await second.fetch({ roomName: 'A' });
      // Both hold room A; the app drops every query, then one source fetches A anew.
      queryClient.clear();
      const unsubscribeFirst = first.subscribe(() => {});
      const unsubscribeSecond = second.subscribe(() => {});
      void first.refresh();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(2);
      unsubscribeFirst();
      unsubscribeSecond();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls[1]!.signal.aborted).toBe(true);
    });

    it("leaves the token of the earlier options as it was in the app's QueryClient when newer options abort its refresh", async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const first = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve({ ttl: 20 });
      await first;
      await vi.advanceTimersByTimeAsync(15 * SECOND);
      void source.fetch({ roomName: 'A' }).catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      void source.fetch({ roomName: 'B' }).catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      expect(calls[1]!.signal.aborted).toBe(true);
      expect(queryClient.getQueryState(['livekit-custom-token', 'call', '{"roomName":"A"}'])).toMatchObject({
        status: 'success',
        fetchStatus: 'idle',
        error: null,
      });
    });
  });

  describe('refresh and configure', () => {
    it('refresh() before any fetch resolves without calling the generator', async () => {
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator);
      await expect(source.refresh()).resolves.toBeUndefined();
      expect(generator).not.toHaveBeenCalled();
    });

    it('refresh() fetches a new token for the current options even while the one in hand is fresh', async () => {
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator);
      await source.fetch({ roomName: 'B' });
      await source.refresh();
      expect(generator).toHaveBeenCalledTimes(2);
      expect(generator.mock.calls[1]![0]).toEqual({ roomName: 'B' });
    });

    it('makes fetches meanwhile wait for the token a refresh brings, and fetch anew after it failed, instead of reusing the one it retires', async () => {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { retries: 0 });
      const first = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[0]!.resolve();
      const old = await first;
      const refreshed = source.refresh();
      const meanwhile = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[1]!.resolve({ ttl: 120 });
      const renewed = await meanwhile;
      expect(renewed).not.toEqual(old);
      await refreshed;
      expect(generator).toHaveBeenCalledTimes(2);

      const failing = source.refresh();
      await vi.advanceTimersByTimeAsync(0);
      calls[2]!.reject(new Error('token service down'));
      await failing;
      const after = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(4);
      await calls[3]!.resolve();
      await after;
    });

    it('refresh() resolves when the generator fails; the failure lands in the snapshot', async () => {
      const { generator, state } = switchableGenerator();
      const source = createCustomTokenSource(generator);
      await source.fetch({ roomName: 'A' });
      state.failing = true;
      await expect(source.refresh()).resolves.toBeUndefined();
      expect(source.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'generator_failed' } });
    });

    it('refresh() resolves when the generator fails with no token in hand: it does not wait for a later one', async () => {
      const { generator, state } = switchableGenerator();
      state.failing = true;
      const source = createCustomTokenSource(generator, { retries: 0 });
      await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({ code: 'generator_failed' });
      const refreshed = watch(source.refresh());
      await vi.advanceTimersByTimeAsync(SECOND);
      expect(generator).toHaveBeenCalledTimes(2);
      expect(refreshed()).toEqual({ value: undefined });
      expect(source.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'generator_failed' } });
    });

    it('configure() changes the settings of a live source: the next fetch times out after the new timeoutMs', async () => {
      const { generator } = controlledGenerator();
      const source = createCustomTokenSource(generator);
      source.configure({ timeoutMs: 50, retries: 0 });
      const result = settle(source.fetch({ roomName: 'A' }));
      await vi.advanceTimersByTimeAsync(50);
      expect(await result).toEqual({ error: expect.objectContaining({ code: 'timeout', message: expect.stringMatching(/50 ms/) }) });
    });

    it('configure() refuses a NaN refreshMarginMs and keeps its settings: refresh-ahead does not fetch without pause', async () => {
      const generator = mintingGenerator(() => ({ ttl: 15 * 60 }));
      const source = createCustomTokenSource(generator);
      const unsubscribe = source.subscribe(() => {});
      try {
        await source.fetch({ roomName: 'A' });
        expect(() => source.configure({ refreshMarginMs: Number.NaN })).toThrow(
          new TypeError('CustomTokenSource: `refreshMarginMs` must be a number, 0 or more, got number NaN.'),
        );
        await vi.advanceTimersByTimeAsync(MINUTE);
        expect(generator).toHaveBeenCalledTimes(1);
        expect(source.getSnapshot().status).toBe('ready');
      } finally {
        unsubscribe();
      }
    });

    it('configure() keeps the settings it is not given, and puts one given as undefined back to its default', async () => {
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator, { cacheSize: 1, timeoutMs: 50 });
      source.configure({ retries: 0 });
      for (const roomName of ['A', 'B', 'A']) await source.fetch({ roomName });
      expect(generator).toHaveBeenCalledTimes(3);
      source.configure({ cacheSize: undefined });
      for (const roomName of ['B', 'A']) await source.fetch({ roomName });
      expect(generator).toHaveBeenCalledTimes(4);
    });
  });

  describe('a forced fetch that fails', () => {
    it('waits for the next token rather than resolve with one that expires at that very millisecond', async () => {
      const { generator, state } = switchableGenerator((request) => mintToken({ room: request.roomName, ttl: 20 }));
      const source = createCustomTokenSource(generator);
      await source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(20 * SECOND);
      expect(source.getSnapshot().status).toBe('expired');
      state.failing = true;
      const forced = watch(source.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(0);
      expect(source.getSnapshot().status).toBe('error');
      expect(forced()).toBeUndefined();
      state.failing = false;
      const next = await source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      expect(forced()).toEqual({ value: next });
    });

    it('waits for the next token for its own options, not for a token another source of the client fetched', async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient, retries: 0 });
      const forced = watch(source.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(0);
      calls[0]!.reject(new Error('token service down'));
      await vi.advanceTimersByTimeAsync(0);
      expect(source.getSnapshot().status).toBe('error');

      const other = createCustomTokenSource(generator, { queryClient });
      const elsewhere = other.fetch({ roomName: 'B' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[1]!.resolve();
      await elsewhere;
      await vi.advanceTimersByTimeAsync(0);
      expect(forced()).toBeUndefined();

      const next = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[2]!.resolve();
      const token = await next;
      await vi.advanceTimersByTimeAsync(0);
      expect(forced()).toEqual({ value: token });
    });

    it('resolves with a token without exp in hand: it never expires', async () => {
      const { generator, state } = switchableGenerator(tokenWithoutExp);
      const source = createCustomTokenSource(generator);
      const first = await source.fetch({ roomName: 'A' });
      state.failing = true;
      await expect(source.fetch({ roomName: 'A' }, true)).resolves.toEqual(first);
    });

    it('waits for the next token when the app removed the query while it was in flight', async () => {
      const queryClient = new QueryClient();
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const forced = watch(source.fetch({ roomName: 'A' }, true));
      await vi.advanceTimersByTimeAsync(0);
      queryClient.removeQueries(ours);
      await vi.advanceTimersByTimeAsync(0);
      expect(forced()).toBeUndefined();
      const next = source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(0);
      await calls[1]!.resolve();
      const token = await next;
      await vi.advanceTimersByTimeAsync(0);
      expect(forced()).toEqual({ value: token });
    });

    it("leaves no listener in the app's QueryClient once the source moves to other options, however many failed", async () => {
      const queryClient = new QueryClient();
      const { generator, state } = switchableGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      state.failing = true;
      const forced = Array.from({ length: 100 }, () => watch(source.fetch({ roomName: 'A' }, true)));
      await vi.advanceTimersByTimeAsync(0);
      state.failing = false;
      await source.fetch({ roomName: 'B' });
      expect(queryClient.getQueryCache().hasListeners()).toBe(false);
      expect(forced.every((outcome) => outcome() === undefined)).toBe(true);
    });

    it("leaves no listener in the app's QueryClient once its last subscriber has left", async () => {
      const queryClient = new QueryClient();
      const { generator, state } = switchableGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const unsubscribe = source.subscribe(() => {});
      state.failing = true;
      void source.fetch({ roomName: 'A' }, true);
      await vi.advanceTimersByTimeAsync(0);
      unsubscribe();
      await vi.advanceTimersByTimeAsync(0);
      expect(queryClient.getQueryCache().hasListeners()).toBe(false);
    });

    it("stays pending for options that are not valid, leaving no listener in the app's QueryClient", async () => {
      const queryClient = new QueryClient();
      const generator = mintingGenerator();
      const source = createCustomTokenSource(generator, { queryClient, scope: 'call' });
      const forced = watch(source.fetch({ roomName: 42 as unknown as string }, true));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(forced()).toBeUndefined();
      expect(generator).not.toHaveBeenCalled();
      expect(queryClient.getQueryCache().hasListeners()).toBe(false);
    });
  });
});

describe('CustomTokenSource shared by several users', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('counts each subscribe() on its own, the same listener twice too: one leaving does not stop the other', async () => {
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const source = createCustomTokenSource(generator);
    const listener = () => {};
    source.subscribe(listener);
    const unsubscribeSecond = source.subscribe(listener);
    await source.fetch({ roomName: 'A' });

    unsubscribeSecond();
    await vi.advanceTimersByTimeAsync(60_000);

    // 20 s tokens, refreshed ahead about every 10 s, for the one still subscribed.
    expect(generator.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(source.getSnapshot().status).toBe('ready');
  });

  it('fetches nothing while one session holds it connected, and refreshes once it lets go', async () => {
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const source = createCustomTokenSource(generator);
    source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    const release = source.holdConnected();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(generator).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('fetches nothing while any session holds it connected: the idle one leaving does not end the other’s call', async () => {
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const source = createCustomTokenSource(generator);
    source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    const release = source.holdConnected();
    const releaseAgain = source.holdConnected();
    releaseAgain();
    releaseAgain(); // a second call changes nothing
    const calls = generator.mock.calls.length;

    await vi.advanceTimersByTimeAsync(60_000);
    expect(generator.mock.calls.length).toBe(calls);

    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(generator.mock.calls.length).toBe(calls + 1);
  });
});
