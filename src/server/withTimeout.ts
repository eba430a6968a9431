import { timerDelay } from '../core/timerDelay.js';

/**
 * `work`, or a rejection with the error `onTimeout` returns once `timeoutMs` have passed
 * (`onTimeout` also lets go of what it must; `work` itself carries on). A rejection of `work`
 * that is not an `Error` becomes one.
 *
 * @example
 * ```ts
 * const bytes = await withTimeout(read.bytes, 10_000, () => new TokenHandlerError('request_timeout', 'Too slow.'));
 * ```
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timerDelay(timeoutMs));
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
