import type { TokenDetails } from './types.js';

/** A token's arrival in this process on the monotonic clock (on the wall clock, it is `receivedAt`), and how far the wall clock counts as set back since. */
interface Arrival {
  /** The monotonic clock (`performance.now()`) at arrival. */
  readonly monotonic: number;
  /**
   * The longest the wall clock has been read ahead of the monotonic clock since arrival: time the
   * monotonic clock did not count (a device asleep), which a later step back does not take back.
   */
  slept: number;
  /** How far the wall clock counts as behind the token's own timeline, in whole milliseconds; see {@link tokenNow}. */
  setBack: number;
}

/**
 * Kept off the token, which is plain data (dehydrated on a server, hydrated here, persisted): a
 * monotonic reading means nothing in another process. A token nobody holds any more is let go of.
 */
const arrivals = new WeakMap<TokenDetails, Arrival>();

/**
 * How far apart the two clocks may read without either having been set: `Date.now()` counts whole
 * milliseconds, `performance.now()` is coarsened, and the wall clock is slewed (NTP) where the
 * monotonic one may not be. A step back is counted once it differs from the one counted by more
 * than this, so `expiresAt` in the snapshot does not change with every read; a step back of up to
 * a second goes unseen (the refresh margin covers it for reuse).
 */
export const CLOCKS_AGREE_WITHIN_MS = 1_000;

/** Times `token` on the monotonic clock too, from now: call as it arrives, its `receivedAt` the `Date.now()` just read. */
export function timeFromArrival(token: TokenDetails): TokenDetails {
  arrivals.set(token, { monotonic: performance.now(), slept: 0, setBack: 0 });
  return token;
}

/** Whether `token` arrived in this process (fetched, or an `initialToken`), not hydrated from another's state. */
export function arrivedHere(token: TokenDetails): boolean {
  return arrivals.has(token);
}

/**
 * `now` (a `Date.now()` reading) on the timeline of `token`'s times (`receivedAt`, `staleAt`,
 * `expiresAt`): the time since it arrived is the longer of the wall clock's and the monotonic
 * clock's. A wall clock set back since (by hand, a large NTP step) leaves the monotonic clock
 * running, so the token is as old as it really is; a device waking from sleep moves the wall clock
 * on where `performance.now()` may have paused, so the wall clock counts then — and keeps
 * counting once read: a step back after it (NTP right after waking) does not make the token
 * younger again. A step back is counted to within {@link CLOCKS_AGREE_WITHIN_MS}. A token that did
 * not arrive in this process (hydrated) has only the wall clock: `now` itself.
 */
export function tokenNow(token: TokenDetails, now: number): number {
  const arrival = arrivals.get(token);
  if (!arrival) return now;
  // How far the wall clock reads behind the monotonic clock's count since arrival (ahead if negative).
  const behind = token.receivedAt + performance.now() - arrival.monotonic - now;
  arrival.slept = Math.max(arrival.slept, -behind);
  const setBack = Math.round(behind + arrival.slept);
  if (Math.abs(setBack - arrival.setBack) > CLOCKS_AGREE_WITHIN_MS) arrival.setBack = setBack;
  return now + arrival.setBack;
}
