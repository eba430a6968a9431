import { isCancelledError } from '@tanstack/query-core';
import { CustomTokenError, isCustomTokenError } from './errors.js';
import { excerpt } from './excerpt.js';
import { messageOf } from './messageOf.js';
import { timerDelay } from './timerDelay.js';
import type { TokenGenerator, TokenRequest } from './types.js';

export interface RunGeneratorOptions {
  /**
   * The cache engine's fetch context, whose `signal` is aborted when the fetch is cancelled. Read
   * only when needed (on failure, once the generator answered, or when the generator reads its own).
   */
  upstream: { readonly signal: AbortSignal };
  attempt: number;
  timeoutMs: number;
}

/**
 * Calls the generator once with its own `AbortSignal`, and settles within `timeoutMs` even when
 * the generator ignores the signal; an answer (or the timeout) that comes after the abort is an
 * abort too. Every failure comes out as a {@link (CustomTokenError:type)}.
 *
 * The generator's signal is made when it first reads `context.signal` (an `AbortController`, its
 * listener and the engine's own signal cost as much as the rest of a fetch): aborted with the
 * engine's signal and on timeout.
 */
export async function runGenerator(
  generator: TokenGenerator,
  request: TokenRequest,
  { upstream, attempt, timeoutMs }: RunGeneratorOptions,
): Promise<unknown> {
  let controller: AbortController | undefined;
  let timeoutError: CustomTokenError | undefined;
  const abort = () => controller!.abort(upstream.signal.reason);
  const context = {
    attempt,
    get signal(): AbortSignal {
      if (!controller) {
        controller = new AbortController();
        if (timeoutError) controller.abort(timeoutError);
        else if (upstream.signal.aborted) controller.abort(upstream.signal.reason);
        else upstream.signal.addEventListener('abort', abort);
      }
      return controller.signal;
    },
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // One promise settled by whichever comes first: the generator or the timeout.
    const answer = await new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(() => {
        timeoutError = new CustomTokenError('timeout', `The token generator did not settle within ${timeoutMs} ms.`);
        controller?.abort(timeoutError);
        // A generator that ignores its signal may outlast an abort: the fetch ended there, not now.
        reject(upstream.signal.aborted ? upstream.signal.reason : timeoutError);
      }, timerDelay(timeoutMs));
      queueMicrotask(() => {
        try {
          Promise.resolve(generator(request, context)).then(resolve, reject);
        } catch (error) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a generator may throw anything; toGeneratorError below makes it a CustomTokenError
          reject(error);
        }
      });
    });
    // A generator that ignores the abort may still answer: too late, the fetch was aborted.
    upstream.signal.throwIfAborted();
    return answer;
  } catch (error) {
    throw toGeneratorError(error, upstream.signal);
  } finally {
    clearTimeout(timer);
    if (controller) upstream.signal.removeEventListener('abort', abort);
  }
}

/**
 * Classifies what a generator threw: our own errors pass through; an aborted signal or the cache
 * engine's cancellation is an abort; HTTP statuses and network failures are read off.
 */
export function toGeneratorError(error: unknown, signal?: AbortSignal): CustomTokenError {
  if (isCustomTokenError(error)) return error;
  if (signal?.aborted || isCancellation(error)) {
    return new CustomTokenError('aborted', 'The token fetch was aborted.', { cause: error });
  }
  const status = readStatus(error);
  // Shown and logged: a generator that threw an error answer's text (a proxy's HTML page) says it on one line.
  const detail = excerpt(messageOf(error));
  if (status !== undefined) {
    return new CustomTokenError('http', `The token generator failed with HTTP ${status}: ${detail}`, { cause: error, status });
  }
  // `fetch` rejects with a TypeError when the network fails: worth another try. (It rejects with one
  // too for a request it refuses to make, and a generator's own bug may throw one: those fail again,
  // a few retries later. Told apart by their words only, a network failure in words no list knows —
  // another browser's, another language's — would not be retried at all.)
  return new CustomTokenError('generator_failed', `The token generator failed: ${detail}`, {
    cause: error,
    retryable: error instanceof TypeError,
  });
}

/** Reads an HTTP status off common error shapes (`status`, `statusCode`, `response.status`). */
function readStatus(error: unknown): number | undefined {
  const candidate = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } } | null | undefined;
  let status: unknown;
  try {
    // Stryker disable next-line OptionalChaining: reading through a missing value (the thrown value, or its `response`) throws into the catch below, which leaves no status too
    status = candidate?.status ?? candidate?.statusCode ?? candidate?.response?.status;
  } catch {
    // A getter that throws (a Proxy, say) says no status.
  }
  return typeof status === 'number' && status >= 100 && status <= 599 ? status : undefined;
}

/** What a generator threw, as text — also a value that cannot be turned into text (an object without a prototype). */
/**
 * TanStack Query's cancellation, made by this package's copy of query-core or by another (an
 * app whose `@tanstack/react-query` brings its own): `isCancelledError` checks `instanceof` this
 * copy's class, so another copy's is told by its shape — an `Error` with its own `revert` and
 * `silent`, set however it was made.
 */
export function isCancellation(error: unknown): boolean {
  return isCancelledError(error) || (error instanceof Error && Object.hasOwn(error, 'revert') && Object.hasOwn(error, 'silent'));
}
