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
  return new RequestDeadline(timeoutMs);
}

/**
 * {@link createDeadline}'s deadline: one object per request, its methods shared by all. As
 * closures made for every request (most use only `within` and `clear`), they cost about 0.3 µs of
 * CPU per token on Node 20, measured side by side.
 */
class RequestDeadline implements Deadline {
  readonly #timeoutMs: number;
  readonly #startedAt = Date.now();
  #waitingFor = 'authorize()';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expired: Promise<never> | undefined;
  #timedOut: TokenHandlerError | undefined;
  #controller: AbortController | undefined;
  #callerSignal: AbortSignal | undefined;
  #callerLeft: (() => void) | undefined;
  #cleared = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  async within<T>(what: string, callback: () => T | PromiseLike<T>): Promise<T> {
    this.#waitingFor = what;
    try {
      const result = callback();
      return isPromiseLike(result) ? await Promise.race([result, this.#expiry()]) : result;
    } catch (error) {
      // A callback stopped (by its signal, say) as its caller went away failed nobody: nobody reads the answer.
      throw error !== this.#timedOut && this.#callerSignal?.aborted ? callerGone() : error;
    }
  }

  signal(request: Pick<Request, 'signal'>): AbortSignal {
    if (!this.#controller) {
      const controller = (this.#controller = new AbortController());
      const callerSignal = (this.#callerSignal = request.signal);
      if (this.#timedOut) controller.abort(this.#timedOut);
      else if (callerSignal.aborted) controller.abort(callerSignal.reason);
      // Once cleared, nothing waits on the callbacks: a signal read after the answer never aborts.
      else if (!this.#cleared) {
        this.#callerLeft = () => controller.abort(callerSignal.reason);
        callerSignal.addEventListener('abort', this.#callerLeft, { once: true });
      }
    }
    return this.#controller.signal;
  }

  clear(): void {
    this.#cleared = true;
    clearTimeout(this.#timer);
    if (this.#callerLeft) this.#callerSignal!.removeEventListener('abort', this.#callerLeft);
  }

  /** Rejects with `authorize_timeout` once the deadline has passed; its timer set on the first call, for the time left then. */
  #expiry(): Promise<never> {
    if (!this.#expired) {
      this.#expired = new Promise<never>((_, reject) => {
        const expire = () => {
          this.#timedOut = new TokenHandlerError(
            'authorize_timeout',
            `${this.#waitingFor} did not settle within ${this.#timeoutMs} ms (authorizeTimeoutMs); try again shortly.`,
            { retryAfterSeconds: RETRY_SHORTLY_SECONDS },
          );
          // Rejected first, so the answer is this 503 and not whatever the callback rejects with once aborted.
          reject(this.#timedOut);
          this.#controller?.abort(this.#timedOut);
        };
        this.#timer = setTimeout(expire, timerDelay(Math.max(0, this.#timeoutMs - (Date.now() - this.#startedAt))));
      });
      // Rejected with nobody waiting once the request has moved on past its callbacks.
      this.#expired.catch(() => {});
    }
    return this.#expired;
  }
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
