import { timerDelay } from '../../core/timerDelay.js';
import { TokenHandlerError } from '../TokenHandlerError.js';

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
 * request, its body and its connection forever.
 */
export function createDeadline(timeoutMs: number): Deadline {
  let waitingFor = 'authorize()';
  let expire!: (error: TokenHandlerError) => void;
  const expired = new Promise<never>((_, reject) => (expire = reject));
  // Rejected with nobody waiting once the request has moved on past its callbacks.
  expired.catch(() => {});
  const timer = setTimeout(
    () =>
      expire(
        new TokenHandlerError(
          'authorize_timeout',
          `${waitingFor} did not settle within ${timeoutMs} ms (authorizeTimeoutMs); try again shortly.`,
        ),
      ),
    timerDelay(timeoutMs),
  );
  return {
    within: async (what, callback) => {
      waitingFor = what;
      return Promise.race([callback(), expired]);
    },
    clear: () => clearTimeout(timer),
  };
}
