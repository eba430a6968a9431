import type { QueryState } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import { isTokenReusable } from './isTokenReusable.js';
import { retryDelayMs } from './retryDelayMs.js';
import { tokenNow } from './tokenNow.js';
import type { TokenDetails } from './types.js';

/** What the scheduler keeps fresh: the token of a source's current options. */
export interface RefreshTarget {
  /** The state of the current options' token; `undefined` before the first fetch. */
  state(): QueryState<TokenDetails, CustomTokenError> | undefined;
  /** Fetches a token for the current options (a normal fetch: a fresh token is reused). */
  refresh(): void;
  /** Something time-based changed in the snapshot (the token just expired). */
  notify(): void;
  /** The upper bound of one retry delay, the first step of the back-off between failed rounds. */
  maxRetryDelayMs(): number;
}

/** Failed rounds back off up to this far apart. */
const MAX_ROUND_DELAY_MS = 5 * 60_000;

/**
 * Failed rounds back off from at least this (the first waits half of it to all of it): a
 * `maxRetryDelayMs` of 0, no wait between one fetch's retries, must not run rounds back to back.
 */
const MIN_ROUND_DELAY_MS = 1_000;

/**
 * The longest the scheduler sleeps before deciding again. Timers keep their remaining time while
 * a device sleeps, but the wall clock moves on, and with it the token's own timeline
 * ({@link tokenNow}) that `staleAt` and `expiresAt` are read on: a laptop waking after the token
 * expired hears so, and refreshes, within this long.
 */
const MAX_SLEEP_MS = 30_000;

/**
 * Refresh-ahead: while running (someone subscribes) and disconnected, a token for the current
 * options is always either in hand and fresh, being fetched, or due at a timer. Every decision
 * reads the token's own `staleAt` / `expiresAt` on its own timeline ({@link tokenNow}: a wall
 * clock set back since it arrived does not make it younger), and every wake-up decides again, so
 * the schedule cannot stop while there is something to do. It wakes at least every 30 s while
 * something is due, so a wall clock that jumps ahead (a device waking from sleep) is noticed soon.
 *
 * After a failure whose retries ran out it tries again in rounds, backing off from
 * `maxRetryDelayMs` (at least a second) to five minutes apart (at least the server's `Retry-After`); a failure that
 * retrying cannot fix waits for the tab to become visible, the network to return, or new options.
 * While connected it fetches nothing (LiveKit refreshes a live session's token itself) but still
 * tells subscribers when the token in hand expires.
 */
export class RefreshScheduler {
  readonly #target: RefreshTarget;
  #running = false;
  #connected = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Failed rounds in a row, and when the next one starts. */
  #failedRounds = 0;
  #lastErrorAt = 0;
  #nextRoundAt = 0;
  /** Where the wait for the next round began, on the clock: moved back with it when it is set back. */
  #roundWaitFrom = 0;

  constructor(target: RefreshTarget) {
    this.#target = target;
  }

  start(): void {
    this.#running = true;
    this.reschedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
    this.reschedule();
  }

  /** Decides again: fetch now, or sleep until the next moment something is due. Call on every change of the token's state. */
  reschedule(): void {
    clearTimeout(this.#timer);
    const state = this.#target.state();
    if (!this.#running || !state || state.fetchStatus !== 'idle') return;
    const now = Date.now();
    this.#countRounds(state);
    const dueIn = this.#connected ? Infinity : this.#refreshDueIn(state, now);
    if (dueIn <= 0) {
      this.#target.refresh();
      return;
    }
    const token = state.data;
    const expiresIn = token?.expiresAt != null ? token.expiresAt - tokenNow(token, now) : Infinity;
    const wakeIn = Math.min(dueIn, expiresIn > 0 ? expiresIn : Infinity);
    if (wakeIn === Infinity) return;
    this.#timer = setTimeout(
      () => {
        this.#target.notify();
        this.reschedule();
      },
      Math.min(wakeIn, MAX_SLEEP_MS),
    );
  }

  /**
   * The tab became visible or the network came back: fetch now if a token is due, or if the last
   * fetch failed and the server's `Retry-After` has passed (without waiting for the next round).
   */
  wake(): void {
    const state = this.#target.state();
    if (!this.#running || this.#connected || !state || state.fetchStatus !== 'idle') return;
    const now = Date.now();
    // A failure later than now was timed before the clock was set back: its wait counts from now.
    const failedAt = Math.min(state.errorUpdatedAt, now);
    const dueIn = state.status === 'error' ? failedAt + (state.error!.retryAfterMs ?? 0) - now : this.#refreshDueIn(state, now);
    if (dueIn <= 0) this.#target.refresh();
  }

  /**
   * How long until the next fetch is due: the token's `staleAt` (on its own timeline), the next
   * round after a retryable failure (on the wall clock), or never. (The engine sets `state.error`
   * whenever `status` is `'error'`.)
   */
  #refreshDueIn(state: QueryState<TokenDetails, CustomTokenError>, now: number): number {
    if (state.status === 'error') return state.error!.retryable ? this.#roundDueAt(now) - now : Infinity;
    const token = state.data;
    if (token?.staleAt == null) return Infinity;
    return isTokenReusable(state, now) ? token.staleAt - tokenNow(token, now) : 0;
  }

  /** When the next round starts; a clock set back since its wait began moves it back as far, so no wait outlasts its back-off. */
  #roundDueAt(now: number): number {
    if (now < this.#roundWaitFrom) {
      this.#nextRoundAt -= this.#roundWaitFrom - now;
      this.#roundWaitFrom = now;
    }
    return this.#nextRoundAt;
  }

  #countRounds(state: QueryState<TokenDetails, CustomTokenError>): void {
    if (state.status === 'success') {
      this.#failedRounds = 0;
      return;
    }
    if (state.status !== 'error' || state.errorUpdatedAt === this.#lastErrorAt) return;
    this.#lastErrorAt = state.errorUpdatedAt;
    const backOff = retryDelayMs(this.#failedRounds, Math.max(this.#target.maxRetryDelayMs(), MIN_ROUND_DELAY_MS), MAX_ROUND_DELAY_MS);
    this.#failedRounds += 1;
    this.#roundWaitFrom = state.errorUpdatedAt;
    this.#nextRoundAt = state.errorUpdatedAt + Math.max(backOff, state.error!.retryAfterMs ?? 0);
  }
}
