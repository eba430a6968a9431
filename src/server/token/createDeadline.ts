import { timerDelay } from '../../core/timerDelay.js';
import { RETRY_SHORTLY_SECONDS, TokenHandlerError } from '../TokenHandlerError.js';

/**
 * One deadline for the app's callbacks of one request (`authorize`, the policies, the limits
 * function): each awaited `within` it, and `clear()` once the request no longer waits on them.
 *
 * @example
 * ```ts
 * const deadline = createDeadline(10_000);
 * try {
 *   const participant = await deadline.within('authorize()', () => authorize(request, body));
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export interface Deadline {
  /**
   * What `callback` returns, or a rejection with `authorize_timeout` (503) naming `what` once the
   * deadline has passed; the callback's late result is ignored.
   */
  within<T>(what: string, callback: () => T | PromiseLike<T>): Promise<T>;
  /** Stops the timer: call it once nothing waits on the deadline any more. */
  clear(): void;
}

/**
 * A {@link Deadline} `timeoutMs` from now (the `authorizeTimeoutMs` option). App code that never
 * settles (a session lookup on a database that stopped answering) would otherwise hold the
 * request, its body and its connection forever. The timer is set by the first callback that
 * returns a promise, for the time left then: callbacks that answer at once (an `authorize` reading
 * a header, a list of rooms) have nothing to wait for, and cost no timer.
 */
export function createDeadline(timeoutMs: number): Deadline {
  const startedAt = Date.now();
  let waitingFor = 'authorize()';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired: Promise<never> | undefined;
  const expiry = () => {
    if (!expired) {
      expired = new Promise<never>((_, reject) => {
        const expire = () =>
          reject(
            new TokenHandlerError(
              'authorize_timeout',
              `${waitingFor} did not settle within ${timeoutMs} ms (authorizeTimeoutMs); try again shortly.`,
              { retryAfterSeconds: RETRY_SHORTLY_SECONDS },
            ),
          );
        timer = setTimeout(expire, timerDelay(Math.max(0, timeoutMs - (Date.now() - startedAt))));
      });
      // Rejected with nobody waiting once the request has moved on past its callbacks.
      expired.catch(() => {});
    }
    return expired;
  };
  return {
    within: async (what, callback) => {
      waitingFor = what;
      const result = callback();
      return isPromiseLike(result) ? Promise.race([result, expiry()]) : result;
    },
    clear: () => clearTimeout(timer),
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
