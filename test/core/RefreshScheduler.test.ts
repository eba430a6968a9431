import type { QueryState } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../src/core/errors';
import { RefreshScheduler } from '../../src/core/RefreshScheduler';
import type { TokenDetails } from '../../src/core/types';
import { tokenDetails } from '../helpers/queryState';

type TokenState = QueryState<TokenDetails, CustomTokenError>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** `maxRetryDelayMs` of the target: the first failed round waits between half of it and all of it. */
const MAX_RETRY_DELAY_MS = 1_000;

/** A token received now that lives `lifetimeMs` and is refreshed `marginMs` before it expires (`null`: no `exp`). */
function token(lifetimeMs: number | null, marginMs = 10 * SECOND): TokenDetails {
  const receivedAt = Date.now();
  return tokenDetails({
    receivedAt,
    expiresAt: lifetimeMs === null ? null : receivedAt + lifetimeMs,
    staleAt: lifetimeMs === null ? null : receivedAt + lifetimeMs - marginMs,
  });
}

/** The query state of a token in hand, no fetch running. */
function ready(data: TokenDetails): TokenState {
  return {
    data,
    dataUpdateCount: 1,
    dataUpdatedAt: data.receivedAt,
    error: null,
    errorUpdateCount: 0,
    errorUpdatedAt: 0,
    fetchFailureCount: 0,
    fetchFailureReason: null,
    fetchMeta: null,
    isInvalidated: false,
    status: 'success',
    fetchStatus: 'idle',
  };
}

/** The query state after a fetch failed just now with `error` (keeping the token in hand, if any). */
function failed(error: CustomTokenError, data?: TokenDetails): TokenState {
  return {
    ...ready(data ?? token(MINUTE)),
    data,
    error,
    errorUpdateCount: 1,
    errorUpdatedAt: Date.now(),
    fetchFailureCount: 1,
    fetchFailureReason: error,
    isInvalidated: true,
    status: 'error',
  };
}

const unavailable = (retryAfterMs?: number) => new CustomTokenError('http', 'token service unavailable', { status: 503, retryAfterMs });
const signedOut = () => new CustomTokenError('http', 'signed out', { status: 401 });

/** A scheduler over a target whose state the test sets; like the source, every change of state is followed by `reschedule()`. */
function harness(initial?: TokenState, maxRetryDelayMs = MAX_RETRY_DELAY_MS) {
  let current = initial;
  const refresh = vi.fn();
  const notify = vi.fn();
  const scheduler = new RefreshScheduler({ state: () => current, refresh, notify, maxRetryDelayMs: () => maxRetryDelayMs });
  const set = (next: TokenState | undefined) => {
    current = next;
    scheduler.reschedule();
  };
  return { scheduler, refresh, notify, set };
}

describe('RefreshScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  describe('refresh-ahead', () => {
    it('does nothing before start(), even for a token that is due', async () => {
      const { scheduler, refresh } = harness(ready(token(20 * SECOND, 20 * SECOND)));
      scheduler.reschedule();
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(refresh).not.toHaveBeenCalled();
    });

    it('refreshes at once, once started, a token already past its staleAt', () => {
      const { scheduler, refresh } = harness(ready(token(20 * SECOND, 20 * SECOND)));
      scheduler.start();
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('sleeps until the token turns stale, then refreshes', async () => {
      const { scheduler, refresh } = harness(ready(token(60 * SECOND, 10 * SECOND)));
      scheduler.start();
      await vi.advanceTimersByTimeAsync(50 * SECOND - 1);
      expect(refresh).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('waits while a fetch is in flight', async () => {
      const { scheduler, refresh } = harness({ ...ready(token(20 * SECOND, 20 * SECOND)), fetchStatus: 'fetching' });
      scheduler.start();
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(refresh).not.toHaveBeenCalled();
    });

    it('after stop(), neither the pending wake-up nor a later decision refreshes', async () => {
      const { scheduler, refresh, set } = harness(ready(token(60 * SECOND, 10 * SECOND)));
      scheduler.start();
      scheduler.stop();
      await vi.advanceTimersByTimeAsync(MINUTE);
      set(ready(token(20 * SECOND, 20 * SECOND)));
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(refresh).not.toHaveBeenCalled();
    });

    it('while connected fetches nothing, but tells the target once, when the token expires', async () => {
      const { scheduler, refresh, notify } = harness(ready(token(20 * SECOND)));
      scheduler.start();
      scheduler.setConnected(true);
      await vi.advanceTimersByTimeAsync(20 * SECOND - 1);
      expect(notify).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(notify).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      expect(notify).toHaveBeenCalledTimes(1);
      expect(refresh).not.toHaveBeenCalled();
    });

    it('refreshes as soon as the session disconnects, if the token turned stale meanwhile', async () => {
      const { scheduler, refresh } = harness(ready(token(20 * SECOND)));
      scheduler.start();
      scheduler.setConnected(true);
      await vi.advanceTimersByTimeAsync(15 * SECOND);
      expect(refresh).not.toHaveBeenCalled();
      scheduler.setConnected(false);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('sets no wake-up at all when nothing will ever be due (connected, token without exp)', async () => {
      const { scheduler, refresh, notify } = harness(ready(token(null)));
      scheduler.start();
      scheduler.setConnected(true);
      await vi.advanceTimersByTimeAsync(30 * 24 * 60 * MINUTE);
      expect(notify).not.toHaveBeenCalled();
      expect(refresh).not.toHaveBeenCalled();
    });
  });

  describe('rounds after a failure whose retries ran out', () => {
    it('tries again between half of maxRetryDelayMs and all of it after a retryable failure', async () => {
      const { scheduler, refresh, set } = harness();
      scheduler.start();
      set(failed(unavailable()));
      await vi.advanceTimersByTimeAsync(MAX_RETRY_DELAY_MS / 2 - 1);
      expect(refresh).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(MAX_RETRY_DELAY_MS / 2 + 1);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('waits at least half a second before the first round with a maxRetryDelayMs of 0, rather than fetching back to back', async () => {
      const { scheduler, refresh, set } = harness(undefined, 0);
      scheduler.start();
      set(failed(unavailable()));
      expect(refresh).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(SECOND / 2 - 1);
      expect(refresh).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(SECOND / 2 + 1);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it("waits out the server's Retry-After when it is longer than the back-off", async () => {
      const { scheduler, refresh, set } = harness();
      scheduler.start();
      set(failed(unavailable(20 * SECOND)));
      await vi.advanceTimersByTimeAsync(20 * SECOND - 1);
      expect(refresh).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('counts one failure as one round, however often it is asked to decide again', async () => {
      const { scheduler, refresh } = harness(failed(unavailable()));
      scheduler.start();
      for (let i = 0; i < 5; i++) scheduler.reschedule();
      await vi.advanceTimersByTimeAsync(MAX_RETRY_DELAY_MS);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('backs off further with each failed round in a row, and from the start again after a success', async () => {
      const { scheduler, refresh, set } = harness();
      scheduler.start();
      // Rounds 1 to 4 wait up to 1, 2, 4 and 8 s.
      for (let round = 0; round < 4; round++) {
        set(failed(unavailable()));
        await vi.advanceTimersByTimeAsync(MAX_RETRY_DELAY_MS * 2 ** round);
        expect(refresh).toHaveBeenCalledTimes(round + 1);
      }
      set(failed(unavailable()));
      await vi.advanceTimersByTimeAsync((MAX_RETRY_DELAY_MS * 2 ** 4) / 2 - 1);
      expect(refresh).toHaveBeenCalledTimes(4);

      set(ready(token(10 * MINUTE)));
      set(failed(unavailable()));
      await vi.advanceTimersByTimeAsync(MAX_RETRY_DELAY_MS);
      expect(refresh).toHaveBeenCalledTimes(5);
    });

    it('waits for wake() after a failure that retrying cannot fix, then fetches', async () => {
      const { scheduler, refresh, set } = harness();
      scheduler.start();
      set(failed(signedOut()));
      await vi.advanceTimersByTimeAsync(60 * MINUTE);
      expect(refresh).not.toHaveBeenCalled();
      scheduler.wake();
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('wake (the tab became visible, the network came back)', () => {
    it('fetches when the last fetch failed, even with a token in hand that is not yet stale', () => {
      const { scheduler, refresh } = harness({ ...failed(signedOut(), token(10 * MINUTE)), isInvalidated: false });
      scheduler.start();
      scheduler.wake();
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('fetches when the token in hand turned stale while the timers slept', () => {
      const { scheduler, refresh } = harness(ready(token(60 * SECOND, 10 * SECOND)));
      scheduler.start();
      vi.setSystemTime(Date.now() + 55 * SECOND);
      scheduler.wake();
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('leaves a fresh token alone', () => {
      const { scheduler, refresh } = harness(ready(token(10 * MINUTE)));
      scheduler.start();
      scheduler.wake();
      expect(refresh).not.toHaveBeenCalled();
    });

    it('does nothing before start()', () => {
      const { scheduler, refresh } = harness(failed(signedOut()));
      scheduler.wake();
      expect(refresh).not.toHaveBeenCalled();
    });

    it('does nothing while a session is connected', () => {
      const { scheduler, refresh } = harness(failed(signedOut()));
      scheduler.start();
      scheduler.setConnected(true);
      scheduler.wake();
      expect(refresh).not.toHaveBeenCalled();
    });

    it('does nothing before the first fetch', () => {
      const { scheduler, refresh } = harness(undefined);
      scheduler.start();
      expect(() => scheduler.wake()).not.toThrow();
      expect(refresh).not.toHaveBeenCalled();
    });

    it('does nothing while a fetch is in flight', () => {
      const { scheduler, refresh } = harness({ ...failed(signedOut()), fetchStatus: 'fetching' });
      scheduler.start();
      scheduler.wake();
      expect(refresh).not.toHaveBeenCalled();
    });
  });
});
