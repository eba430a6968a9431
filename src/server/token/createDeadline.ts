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
 *   // AuthorizeContext (planToken.ts) reads deadline.signal(request) in a getter: made only if authorize asks for it.
 *   const participant = await deadline.within('authorize()', () => authorize(request, body, new AuthorizeContext(request, deadline)));
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export interface Deadline {
  /**
   * What `callback` returns, or a rejection with `authorize_timeout` (503) naming `what` once the
   * deadline has passed; the callback's late result is ignored. Whatever it throws once the caller
   * went away, the signal having been read, is the refusal {@link callerGone}.
   */
  within<T>(what: string, callback: () => T | PromiseLike<T>): Promise<T>;
  /**
   * The signal the callbacks get: aborted once the deadline has passed (its reason the
   * `authorize_timeout` error) or the caller went away (`request`'s signal aborted; its reason).
   * Made when first called, so read it in a getter: on Node 20 an `AbortController` alone costs
   * about 3 µs, a tenth of a token, and toNodeHandler makes the request's signal on demand too.
   */
  signal(request: Pick<Request, 'signal'>): AbortSignal;
  /** Stops the timer and lets go of the request's signal: call it once nothing waits on the deadline any more. */
  clear(): void;
}

/**
 * A {@link Deadline} `timeoutMs` from now (the `authorizeTimeoutMs` option). App code that never
 * settles (a session lookup on a database that stopped answering) would otherwise hold the
 * request, its body and its connection forever. The timer is set by the first callback that
 * returns a promise, for the time left then: callbacks that answer at once (an `authorize` reading
 * a header, a list of rooms) have nothing to wait for, and cost no timer; nor does a signal no
 * callback reads; the request's signal is listened to from then on only.
 */
export function createDeadline(timeoutMs: number): Deadline {
  const startedAt = Date.now();
  let waitingFor = 'authorize()';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired: Promise<never> | undefined;
  let timedOut: TokenHandlerError | undefined;
  let controller: AbortController | undefined;
  let callerSignal: AbortSignal | undefined;
  let cleared = false;
  const callerLeft = () => controller!.abort(callerSignal!.reason);
  const expiry = () => {
    if (!expired) {
      expired = new Promise<never>((_, reject) => {
        const expire = () => {
          timedOut = new TokenHandlerError(
            'authorize_timeout',
            `${waitingFor} did not settle within ${timeoutMs} ms (authorizeTimeoutMs); try again shortly.`,
            { retryAfterSeconds: RETRY_SHORTLY_SECONDS },
          );
          // Rejected first, so the answer is this 503 and not whatever the callback rejects with once aborted.
          reject(timedOut);
          controller?.abort(timedOut);
        };
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
      try {
        const result = callback();
        return isPromiseLike(result) ? await Promise.race([result, expiry()]) : result;
      } catch (error) {
        // A callback stopped (by its signal, say) as its caller went away failed nobody: nobody reads the answer.
        throw error !== timedOut && callerSignal?.aborted ? callerGone() : error;
      }
    },
    signal: (request) => {
      if (!controller) {
        controller = new AbortController();
        callerSignal = request.signal;
        if (timedOut) controller.abort(timedOut);
        else if (callerSignal.aborted) callerLeft();
        // Once cleared, nothing waits on the callbacks: a signal read after the answer never aborts.
        else if (!cleared) callerSignal.addEventListener('abort', callerLeft, { once: true });
      }
      return controller.signal;
    },
    clear: () => {
      cleared = true;
      clearTimeout(timer);
      if (controller) callerSignal!.removeEventListener('abort', callerLeft);
    },
  };
}

/**
 * The refusal for a request whose caller went away (its own timeout, say) before the token was
 * issued: 408 `request_timeout`, not reported to `onError` — nobody reads it, and nothing failed.
 *
 * @example
 * ```ts
 * if (request.signal.aborted) throw callerGone();
 * ```
 */
export function callerGone(): TokenHandlerError {
  return new TokenHandlerError('request_timeout', 'The caller went away before the token was issued.');
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
