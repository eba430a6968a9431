import { CustomTokenError, isCustomTokenError } from './errors.js';
import type { TokenGenerator, TokenRequest } from './types.js';

export interface RunGeneratorOptions {
  /** Aborted by the cache engine when the fetch is cancelled. */
  signal: AbortSignal;
  attempt: number;
  timeoutMs: number;
}

/**
 * Calls the generator once with its own `AbortSignal`, and settles within `timeoutMs` even when
 * the generator ignores the signal. Every failure comes out as a {@link CustomTokenError}.
 */
export async function runGenerator(
  generator: TokenGenerator,
  request: TokenRequest,
  { signal, attempt, timeoutMs }: RunGeneratorOptions,
): Promise<unknown> {
  const controller = new AbortController();
  const abort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', abort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CustomTokenError('timeout', `The token generator did not settle within ${timeoutMs} ms.`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const call = Promise.resolve().then(() => generator(request, { signal: controller.signal, attempt }));
    return await Promise.race([call, timedOut]);
  } catch (error) {
    throw toGeneratorError(error, signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

/** Classifies what a generator threw: our own errors pass through; HTTP statuses and network failures are read off. */
export function toGeneratorError(error: unknown, signal?: AbortSignal): CustomTokenError {
  if (isCustomTokenError(error)) return error;
  if (signal?.aborted) {
    return new CustomTokenError('aborted', 'The token fetch was aborted.', { cause: error });
  }
  const status = readStatus(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (status !== undefined) {
    return new CustomTokenError('http', `The token generator failed with HTTP ${status}: ${detail}`, { cause: error, status });
  }
  // `fetch` rejects with a TypeError when the network fails: worth another try.
  const isNetworkError = error instanceof TypeError;
  return new CustomTokenError('generator_failed', `The token generator failed: ${detail}`, {
    cause: error,
    retryable: isNetworkError,
  });
}

/** Reads an HTTP status off common error shapes (`status`, `statusCode`, `response.status`). */
function readStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  const status = candidate.status ?? candidate.statusCode ?? candidate.response?.status;
  return typeof status === 'number' && status >= 100 && status <= 599 ? status : undefined;
}
