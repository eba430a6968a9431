import {
  QueryClient,
  focusManager,
  hashKey,
  isCancelledError,
  onlineManager,
  type FetchQueryOptions,
  type Query,
  type QueryKey,
} from '@tanstack/query-core';
import { TokenSourceConfigurable, type TokenSourceResponseObject } from 'livekit-client';
import { CustomTokenError, isCustomTokenError } from './errors.js';
import { normalizeOptions, requestKey } from './normalizeOptions.js';
import { retryDelayMs } from './retryDelayMs.js';
import { runGenerator, toGeneratorError } from './runGenerator.js';
import type {
  TokenDetails,
  TokenFetchOptions,
  TokenGenerator,
  TokenRequest,
  TokenResponse,
  TokenSnapshot,
  TokenSourceEvent,
} from './types.js';
import { validateTokenResponse } from './validateTokenResponse.js';

/** Options of {@link createCustomTokenSource} and `useCustomTokenSource`. */
export interface CustomTokenSourceConfig {
  /**
   * The cache engine. Pass the app's client to see tokens in its devtools; tokens live under
   * `['livekit-custom-token', scope, request]`.
   * @defaultValue a private `QueryClient`
   */
  queryClient?: QueryClient;
  /**
   * Names this source's part of the cache. Sources with the same scope and client share tokens.
   * @defaultValue a unique id per source
   */
  scope?: string;
  /** @defaultValue 10_000 — per generator call */
  timeoutMs?: number;
  /** How long before expiry a token is refreshed instead of reused; capped at half its lifetime. @defaultValue 60_000 */
  refreshMarginMs?: number;
  /** Retries after a retryable failure (network, timeout, 5xx, 429). @defaultValue 2 */
  retries?: number;
  /** First retry delay; doubles per retry, with jitter. @defaultValue 500 */
  retryDelayMs?: number;
  /** Upper bound of a retry delay. @defaultValue 8_000 */
  maxRetryDelayMs?: number;
  /** A token already in hand (minted during server rendering, say), used for the first fetch of `options`. */
  initialToken?: { options?: TokenFetchOptions; response: TokenResponse };
  /** Telemetry: called for every fetch, success, cache hit and error. */
  onEvent?: (event: TokenSourceEvent) => void;
}

type ResolvedConfig = Required<Omit<CustomTokenSourceConfig, 'queryClient' | 'scope' | 'initialToken' | 'onEvent'>> &
  Pick<CustomTokenSourceConfig, 'onEvent'>;

interface CurrentRequest {
  request: TokenRequest;
  queryKey: readonly unknown[];
}

const QUERY_KEY_ROOT = 'livekit-custom-token';
const MAX_TIMER_MS = 2 ** 31 - 1;
const noop = () => {};
let sourceCount = 0;

/**
 * A LiveKit `TokenSourceConfigurable` around an app's own token generator, with a keyed,
 * skew-proof cache, de-duplication, timeout, retries, validation and an observable status.
 * Create it with {@link createCustomTokenSource} or `useCustomTokenSource`.
 */
export class CustomTokenSource extends TokenSourceConfigurable {
  readonly #client: QueryClient;
  readonly #scope: string;
  readonly #generator: TokenGenerator;
  #config: ResolvedConfig;
  #current: CurrentRequest | null = null;
  #snapshot: TokenSnapshot;
  readonly #serverSnapshot: TokenSnapshot;
  readonly #listeners = new Set<() => void>();
  #generatorCalls = 0;
  #connected = false;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #deactivateTimer: ReturnType<typeof setTimeout> | undefined;
  #teardown: (() => void) | null = null;

  constructor(generator: TokenGenerator, config: CustomTokenSourceConfig = {}) {
    super();
    if (typeof generator !== 'function') {
      throw new TypeError(`createCustomTokenSource: the generator must be a function, got ${typeof generator}.`);
    }
    this.#generator = generator;
    this.#client = config.queryClient ?? new QueryClient();
    this.#scope = config.scope ?? `source-${++sourceCount}`;
    this.#config = resolveConfig(config);
    if (config.initialToken) this.#seed(config.initialToken);
    this.#snapshot = this.#readSnapshot();
    this.#serverSnapshot = this.#snapshot;
  }

  /**
   * Returns a token for `options`: the cached one while fresh, else a new one from the
   * generator (one call in flight per option set). Rejects with a {@link CustomTokenError};
   * every failure also lands in the snapshot and `onEvent`, so a rejection nobody awaits is
   * not reported as unhandled.
   *
   * `force` always asks the generator and never rejects: `useSession` fires forced fetches
   * on `end()` and after a disconnect without awaiting them. If the generator fails, the
   * failure lands in the snapshot and `onEvent`, and the promise resolves with the last token
   * for `options` that has not expired, or else with the next one fetched for them.
   */
  override fetch(options: TokenFetchOptions, force?: boolean): Promise<TokenSourceResponseObject> {
    if (force === true) return this.#fetch(options, true).catch(() => this.#lastOrNextToken(options));
    const result = this.#fetch(options, false);
    result.catch(noop);
    return result;
  }

  /** Fetches a new token for the current options now. Never rejects; failures land in the snapshot. */
  refresh = (): Promise<void> => {
    if (!this.#current) return Promise.resolve();
    return this.fetch(this.#current.request, true).then(noop, noop);
  };

  /** Aborts every fetch of this source that is in flight. */
  cancel = (): void => {
    void this.#client.cancelQueries({ queryKey: [QUERY_KEY_ROOT, this.#scope] });
  };

  /**
   * Tells the source whether a session is connected. While connected the LiveKit server
   * refreshes the token itself, so no refresh-ahead runs; while disconnected (with a
   * subscriber) a fresh token is kept ready.
   */
  setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#scheduleRefresh();
  }

  /** Updates timeouts, retries, margin and `onEvent` of a live source. */
  configure(config: Omit<CustomTokenSourceConfig, 'queryClient' | 'scope' | 'initialToken'>): void {
    this.#config = resolveConfig(config);
  }

  /** Subscribes to snapshot changes (the `useSyncExternalStore` contract). */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#activate();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#deactivateSoon();
    };
  };

  /** The status for the current options; the same object until something changes. */
  getSnapshot = (): TokenSnapshot => {
    const next = this.#readSnapshot();
    if (!shallowEqual(next, this.#snapshot)) this.#snapshot = next;
    return this.#snapshot;
  };

  /** The status at creation, for server rendering and hydration. */
  getServerSnapshot = (): TokenSnapshot => this.#serverSnapshot;

  async #fetch(options: TokenFetchOptions, force: boolean): Promise<TokenSourceResponseObject> {
    const request = normalizeOptions(options);
    const query = this.#makeCurrent(request);
    if (force) query.invalidate();
    const cached = query.state.data;
    if (cached && !query.isStaleByTime(staleTimeOf(cached))) {
      this.#emit({ type: 'cache-hit', request, token: cached });
      return toResponse(cached);
    }
    try {
      return toResponse(await query.fetch(this.#queryOptions(request)));
    } catch (error) {
      throw isCancelledError(error)
        ? new CustomTokenError('aborted', 'The token fetch was aborted (newer options, unmount or cancel()).', { cause: error })
        : toGeneratorError(error);
    }
  }

  /**
   * The unexpired token cached for `options`, or a promise of the next one that arrives (which,
   * for options that are not valid, never does).
   */
  #lastOrNextToken(options: TokenFetchOptions): Promise<TokenSourceResponseObject> {
    let queryKey: readonly unknown[];
    try {
      queryKey = this.#queryKey(normalizeOptions(options));
    } catch {
      return new Promise(noop);
    }
    const cache = this.#client.getQueryCache();
    const last = cache.find<TokenDetails>({ queryKey, exact: true })?.state.data;
    if (last && (last.expiresAt === null || last.expiresAt > Date.now())) return Promise.resolve(toResponse(last));
    return new Promise((resolve) => {
      const unsubscribe = cache.subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'success' || event.query.queryHash !== hashKey(queryKey)) return;
        unsubscribe();
        resolve(toResponse(event.query.state.data as TokenDetails));
      });
    });
  }

  /** Where the token for `request` lives in the cache: `['livekit-custom-token', scope, key]`. */
  #queryKey(request: TokenRequest): readonly [string, string, string] {
    return [QUERY_KEY_ROOT, this.#scope, requestKey(request)];
  }

  /** Makes `request` the current one, aborting fetches for any other options. */
  #makeCurrent(request: TokenRequest): Query<TokenDetails, CustomTokenError> {
    const queryKey = this.#queryKey(request);
    const isNew = this.#current?.queryKey[2] !== queryKey[2];
    if (isNew) {
      this.#current = { request, queryKey };
      void this.#client.cancelQueries({
        queryKey: [QUERY_KEY_ROOT, this.#scope],
        predicate: (query) => query.queryKey[2] !== queryKey[2],
      });
      this.#notify();
    }
    return this.#client.getQueryCache().build(this.#client, this.#client.defaultQueryOptions(this.#queryOptions(request)));
  }

  #queryOptions(request: TokenRequest): FetchQueryOptions<TokenDetails, CustomTokenError> {
    const config = this.#config;
    const queryKey = this.#queryKey(request);
    return {
      queryKey,
      queryFn: async ({ signal }) => {
        const attempt = (this.#client.getQueryCache().find({ queryKey, exact: true })?.state.fetchFailureCount ?? 0) + 1;
        this.#generatorCalls += 1;
        this.#emit({ type: 'fetch', request, attempt });
        try {
          const raw = await runGenerator(this.#generator, request, { signal, attempt, timeoutMs: config.timeoutMs });
          const token = validateTokenResponse(raw, request, { receivedAt: Date.now(), refreshMarginMs: config.refreshMarginMs });
          this.#emit({ type: 'success', request, token });
          return token;
        } catch (cause) {
          const error = toGeneratorError(cause, signal);
          const willRetry = error.retryable && attempt <= config.retries && !signal.aborted;
          this.#emit({ type: 'error', request, error, willRetry });
          throw error;
        }
      },
      retry: (failureCount, error) => isCustomTokenError(error) && error.retryable && failureCount < config.retries,
      retryDelay: (failureCount) => retryDelayMs(failureCount, config.retryDelayMs, config.maxRetryDelayMs),
      staleTime: (query) => staleTimeOf(query.state.data),
      gcTime: Infinity,
      networkMode: 'always',
      structuralSharing: false,
    };
  }

  #seed({ options, response }: NonNullable<CustomTokenSourceConfig['initialToken']>): void {
    const request = normalizeOptions(options);
    const receivedAt = Date.now();
    const token = validateTokenResponse(response, request, { receivedAt, refreshMarginMs: this.#config.refreshMarginMs });
    const query = this.#makeCurrent(request);
    this.#client.setQueryData(query.queryKey, token, { updatedAt: receivedAt });
  }

  #activate(): void {
    clearTimeout(this.#deactivateTimer);
    if (this.#teardown) return;
    const unsubscribes = [
      this.#client.getQueryCache().subscribe((event) => {
        const [, scope, key] = event.query.queryKey as QueryKey;
        if (key !== this.#current?.queryKey[2] || scope !== this.#scope) return;
        this.#scheduleRefresh();
        this.#notify();
      }),
      focusManager.subscribe((focused) => focused && this.#refreshIfStale()),
      onlineManager.subscribe((online) => online && this.#refreshIfStale()),
    ];
    this.#teardown = () => unsubscribes.forEach((unsubscribe) => unsubscribe());
    this.#scheduleRefresh();
  }

  /** After the last subscriber leaves: waits a tick (a StrictMode remount comes back at once), then stops and aborts. */
  #deactivateSoon(): void {
    clearTimeout(this.#deactivateTimer);
    this.#deactivateTimer = setTimeout(() => {
      if (this.#listeners.size > 0) return;
      this.#teardown?.();
      this.#teardown = null;
      clearTimeout(this.#refreshTimer);
      this.cancel();
    }, 0);
  }

  #scheduleRefresh(): void {
    clearTimeout(this.#refreshTimer);
    const query = this.#currentQuery();
    const staleAt = query?.state.data?.staleAt;
    const idle = this.#listeners.size > 0 && !this.#connected && query?.state.fetchStatus === 'idle';
    if (!idle || staleAt == null || query?.state.status === 'error') return;
    this.#refreshTimer = setTimeout(() => this.#refreshIfStale(), Math.min(Math.max(staleAt - Date.now(), 0), MAX_TIMER_MS));
  }

  #refreshIfStale(): void {
    const query = this.#currentQuery();
    if (!this.#current || this.#connected || !query || query.state.fetchStatus !== 'idle') return;
    if (query.isStaleByTime(staleTimeOf(query.state.data))) void this.fetch(this.#current.request);
  }

  #currentQuery(): Query<TokenDetails, CustomTokenError> | undefined {
    if (!this.#current) return undefined;
    return this.#client.getQueryCache().find({ queryKey: this.#current.queryKey, exact: true });
  }

  #readSnapshot(): TokenSnapshot {
    const state = this.#currentQuery()?.state;
    const token = state?.data ?? null;
    const error = state?.status === 'error' && state.error ? toGeneratorError(state.error) : null;
    const status = state?.fetchStatus === 'fetching' ? 'fetching' : error ? 'error' : token ? 'ready' : 'idle';
    return {
      status,
      token,
      expiresAt: token?.expiresAt ?? null,
      identity: token?.identity,
      room: token?.room,
      grants: token?.grants,
      error,
      generatorCalls: this.#generatorCalls,
    };
  }

  #notify(): void {
    this.#listeners.forEach((listener) => listener());
  }

  #emit(event: TokenSourceEvent): void {
    try {
      this.#config.onEvent?.(event);
    } catch {
      // Telemetry must never break token fetching.
    }
  }
}

function resolveConfig(config: CustomTokenSourceConfig): ResolvedConfig {
  return {
    timeoutMs: config.timeoutMs ?? 10_000,
    refreshMarginMs: config.refreshMarginMs ?? 60_000,
    retries: config.retries ?? 2,
    retryDelayMs: config.retryDelayMs ?? 500,
    maxRetryDelayMs: config.maxRetryDelayMs ?? 8_000,
    onEvent: config.onEvent,
  };
}

/** How long after its arrival a token is reused: until `staleAt`; a token without `exp`, never. */
function staleTimeOf(token: TokenDetails | undefined): number {
  if (!token || token.staleAt === null) return 0;
  return Math.max(token.staleAt - token.receivedAt, 0);
}

function toResponse(token: TokenDetails): TokenSourceResponseObject {
  return { serverUrl: token.serverUrl, participantToken: token.participantToken };
}

function shallowEqual<T extends object>(a: T, b: T): boolean {
  return (Object.keys(a) as (keyof T)[]).every((key) => Object.is(a[key], b[key]));
}
