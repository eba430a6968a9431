import type { QueryClient } from '@tanstack/query-core';
import type { TokenFetchOptions, TokenResponse, TokenSourceEvent } from './types.js';

/**
 * Options of `createCustomTokenSource` and `useCustomTokenSource`.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, createEndpointGenerator, type CustomTokenSourceConfig } from 'livekit-custom-token-react';
 *
 * const config: CustomTokenSourceConfig = {
 *   scope: 'support',
 *   timeoutMs: 5_000,
 *   retries: 3,
 *   onEvent: (event) => console.debug('token', event.type),
 * };
 * export const source = createCustomTokenSource(createEndpointGenerator('/api/token'), config);
 * ```
 */
export interface CustomTokenSourceConfig {
  /**
   * The cache engine. Pass the app's client to see tokens in its devtools; tokens live under
   * `['livekit-custom-token', scope, <the normalised request as JSON text>]`.
   * @defaultValue the `QueryClient` in React context (`useCustomTokenSource` and the provider), else a private one
   */
  queryClient?: QueryClient | undefined;
  /**
   * Names this source's part of the cache. Sources with the same scope and client share tokens
   * (and the `cacheSize` bound). Without a scope, a source's tokens in a shared `queryClient` are
   * removed when its last subscriber leaves (its component unmounts): nothing else can read them.
   * @defaultValue a unique id per source
   */
  scope?: string | undefined;
  /**
   * How many tokens (one per option set) are kept: the most recently used. Expired tokens of
   * other options are dropped whatever the count when the source moves to other options (and on
   * `configure()`). Any number: below 1 counts as 1 (the current token is always kept), a
   * fraction counts down; `NaN` or a non-number throws a `TypeError`.
   * @defaultValue 8
   */
  cacheSize?: number | undefined;
  /**
   * How long one generator call may take. `Infinity` (or anything past the ~24.8 days a timer
   * holds) waits as long as a timer can.
   * @defaultValue 10_000 — per generator call
   */
  timeoutMs?: number | undefined;
  /** How long before expiry a token is refreshed instead of reused; capped at half its lifetime. @defaultValue 60_000 */
  refreshMarginMs?: number | undefined;
  /** Retries after a retryable failure (network, timeout, 5xx, 429, 408). @defaultValue 2 */
  retries?: number | undefined;
  /** First retry delay; doubles per retry, with jitter. A retry never comes before a `Retry-After` from the server; one longer than `maxRetryDelayMs` is not retried (the error carries it). @defaultValue 500 */
  retryDelayMs?: number | undefined;
  /** Upper bound of a retry delay; a `Retry-After` longer than this ends the retries (`Infinity`: as long as a timer holds, ~24.8 days). @defaultValue 8_000 */
  maxRetryDelayMs?: number | undefined;
  /**
   * A token already in hand (minted during server rendering, say), used for the first fetch of
   * `options`. It is checked as a fetched token is, and since it may have waited before it
   * arrived (a cached or restored page), its `exp` is also read on this device's clock: it is kept
   * no longer than that. One that fails (expired by this device's clock, for other options) is
   * dropped and reported to `onEvent`, and the first fetch asks the generator.
   */
  initialToken?:
    { options?: { [K in keyof TokenFetchOptions]?: TokenFetchOptions[K] | undefined } | undefined; response: TokenResponse } | undefined;
  /** Telemetry: called for every fetch, success, cache hit and error. */
  onEvent?: ((event: TokenSourceEvent) => void) | undefined;
}
