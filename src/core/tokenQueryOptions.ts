import type { FetchQueryOptions } from '@tanstack/query-core';
import { isCustomTokenError, type CustomTokenError } from './errors.js';
import type { ResolvedConfig } from './resolveConfig.js';
import { retryDelayMs } from './retryDelayMs.js';
import { runGenerator, toGeneratorError } from './runGenerator.js';
import { timerDelay } from './timerDelay.js';
import { timeFromArrival } from './tokenNow.js';
import type { TokenDetails, TokenGenerator, TokenRequest, TokenSourceEvent } from './types.js';
import { validateTokenResponse } from './validateTokenResponse.js';

/** What one option set's query needs from its source. */
export interface TokenQueryContext {
  queryKey: readonly [string, string, string];
  request: TokenRequest;
  generator: TokenGenerator;
  /** The source's settings when the fetch starts. */
  config: ResolvedConfig;
  /** Failed attempts of the fetch running now (TanStack's `fetchFailureCount`). */
  failures: () => number;
  /** The `participantToken` of the token in hand for these options, if any. */
  inHand: () => string | undefined;
  /** Called once per generator call (for `generatorCalls`). */
  onCall: () => void;
  /** Telemetry; `undefined` when nobody listens, so no event is built. */
  emit: ((event: TokenSourceEvent) => void) | undefined;
  /** Whether a failed attempt may still be retried, besides `canRetry` (a refresh-ahead's: while no session is connected). */
  mayRetry?: (() => boolean) | undefined;
}

/**
 * The TanStack Query options of one option set's token: the query function (generator with
 * timeout, then validation), and retries of what is retryable with jittered backoff that waits out
 * a `Retry-After` (up to `maxRetryDelayMs`). The source decides reuse and removal itself
 * (`gcTime: Infinity`; no `staleTime`: the source calls `query.fetch` itself and the engine reads a
 * query's own `staleTime` nowhere, only its observers' and `fetchQuery`'s). The client's defaults
 * for the app's queries never apply: `query.fetch(options)` replaces what `build` defaulted, keeping
 * only `setQueryDefaults` for the key, so an app's `persister` or `retry: false` does not reach tokens.
 */
export function tokenQueryOptions(context: TokenQueryContext): FetchQueryOptions<TokenDetails, CustomTokenError> {
  const { queryKey, request, generator, config, failures, inHand, onCall, emit, mayRetry = () => true } = context;
  const retries = (error: CustomTokenError, retried: number) => canRetry(error, retried, config) && mayRetry();
  // The failure a retry is for: a retry decided while allowed may come due once it is not (a
  // refresh-ahead's, when a session has connected meanwhile), and then ends the fetch with it.
  let retrying: CustomTokenError | undefined;
  return {
    queryKey,
    // TanStack's default hash of a key of strings (`hashKey` only sorts object keys, and there are none),
    // without its replacer call per part: a cache miss measured 5–10 % cheaper.
    queryHash: JSON.stringify(queryKey),
    // `upstream.signal` is read only on the paths that need it (see runGenerator).
    queryFn: async (upstream) => {
      const attempt = failures() + 1;
      if (retrying && !mayRetry()) {
        emit?.({ type: 'error', request, error: retrying, willRetry: false });
        throw retrying;
      }
      onCall();
      emit?.({ type: 'fetch', request, attempt });
      try {
        const raw = await runGenerator(generator, request, { upstream, attempt, timeoutMs: config.timeoutMs });
        const token = timeFromArrival(
          validateTokenResponse(raw, request, { receivedAt: Date.now(), refreshMarginMs: config.refreshMarginMs, inHand }),
        );
        emit?.({ type: 'success', request, token });
        return token;
      } catch (cause) {
        const error = toGeneratorError(cause, upstream.signal);
        const willRetry = retries(error, attempt - 1) && !upstream.signal.aborted;
        retrying = error;
        emit?.({ type: 'error', request, error, willRetry });
        throw error;
      }
    },
    retry: (failureCount, error) => isCustomTokenError(error) && retries(error, failureCount),
    // Never sooner than a Retry-After: one longer than maxRetryDelayMs is not retried at all (canRetry).
    retryDelay: (failureCount, error) =>
      timerDelay(Math.max(retryDelayMs(failureCount, config.retryDelayMs, config.maxRetryDelayMs), error.retryAfterMs ?? 0)),
    gcTime: Infinity,
    networkMode: 'always',
    // Stryker disable next-line BooleanLiteral: sharing would only keep deep-equal parts of the previous token (plain immutable values) by reference, after a deep compare that `false` skips
    structuralSharing: false,
  };
}

/**
 * Whether a failed attempt is tried again, `retried` retries in: a retryable error, retries left,
 * and a `Retry-After` (if any) no longer than `maxRetryDelayMs`. A longer one ends the fetch at
 * once, carrying `retryAfterMs`: refresh-ahead's next round waits it out, and nothing calls the
 * endpoint before the server said it may.
 */
function canRetry(error: CustomTokenError, retried: number, config: ResolvedConfig): boolean {
  return error.retryable && retried < config.retries && (error.retryAfterMs ?? 0) <= config.maxRetryDelayMs;
}
