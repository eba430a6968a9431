import { timerDelay } from '../../core/timerDelay.js';
import { RETRY_SHORTLY_SECONDS, TokenHandlerError } from '../TokenHandlerError.js';

/**
 * One deadline for the app's callbacks of one request (`authorize`, the policies, the limits
 * function): each awaited `within` it, and `clear()` once the request no longer waits on them.
 *
 * @example
 * ```ts
 * const deadline = createDeadline(10_000, request);
 * try {
 *   const participant = await deadline.within('authorize()', () => authorize(request, body, { signal: deadline.signal }));
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export interface Deadline {
  /**
   * What `callback` returns, or a rejection with `authorize_timeout` (503) naming `what` once the
   * deadline has passed; the callback's late result is ignored. Whatever it throws once the caller
   * went away is the refusal {@link callerGone}.
   */
  within<T>(what: string, callback: () => T | PromiseLike<T>): Promise<T>;
  /**
   * The signal the callbacks get, so that their own lookups stop when nobody waits for them:
   * aborted once the deadline has passed (its reason the `authorize_timeout` error) or the caller
   * went away (the request's signal aborted; its reason). Made when first read, as is the request's
   * signal (toNodeHandler makes it on demand).
   */
  readonly signal: AbortSignal;
  /** Stops the timer and lets go of the request's signal: call it once nothing waits on the deadline any more. */
  clear(): void;
}

/**
 * A {@link Deadline} `timeoutMs` from now (the `authorizeTimeoutMs` option), for a `request` whose
 * signal aborts when its caller goes away. App code that never settles (a session lookup on a
 * database that stopped answering) would otherwise hold the request, its body and its connection
 * forever. The timer is set by the first callback that returns a promise, for the time left then:
 * callbacks that answer at once (an `authorize` reading a header, a list of rooms) have nothing to
 * wait for, and cost no timer; nor does a signal no callback reads.
 */
export function createDeadline(timeoutMs: number, request?: Pick<Request, 'signal'>): Deadline {
  const startedAt = Date.now();
  let waitingFor = 'authorize()';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired: Promise<never> | undefined;
  let timedOut: TokenHandlerError | undefined;
  let controller: AbortController | undefined;
  const callerLeft = () => controller!.abort(request!.signal.reason);
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
        // A callback stopped by its signal as the caller went away failed nothing: nobody reads the answer.
        throw request?.signal.aborted && error !== timedOut ? callerGone() : error;
      }
    },
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (timedOut) controller.abort(timedOut);
        else if (request?.signal.aborted) callerLeft();
        else request?.signal.addEventListener('abort', callerLeft, { once: true });
      }
      return controller.signal;
    },
    clear: () => {
      clearTimeout(timer);
      if (controller) request?.signal.removeEventListener('abort', callerLeft);
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
