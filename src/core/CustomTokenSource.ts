import { QueryClient, focusManager, onlineManager, type FetchQueryOptions, type Query } from '@tanstack/query-core';
import { TokenSourceConfigurable, type TokenSourceResponseObject } from 'livekit-client';
import type { CustomTokenSourceConfig } from './CustomTokenSourceConfig.js';
import { CustomTokenError } from './errors.js';
import { isTokenReusable } from './isTokenReusable.js';
import { noop } from './noop.js';
import { normalizeOptions, requestKey } from './normalizeOptions.js';
import { onBrowserOnline } from './onBrowserOnline.js';
import { RefreshScheduler } from './RefreshScheduler.js';
import { refusedCalls } from './refusedCalls.js';
import { resolveConfig, type ResolvedConfig } from './resolveConfig.js';
import { shallowEqual } from './shallowEqual.js';
import { isPastSessionsToken, spentWhenFirstSeen } from './spentTokens.js';
import { isCancellation, toGeneratorError } from './runGenerator.js';
import { TokenCache } from './TokenCache.js';
import { timeFromArrival, tokenNow } from './tokenNow.js';
import { tokenQueryOptions } from './tokenQueryOptions.js';
import { toTokenSnapshot } from './toTokenSnapshot.js';
import type { TokenDetails, TokenFetchOptions, TokenGenerator, TokenRequest, TokenSnapshot, TokenSourceEvent } from './types.js';
import { validateTokenResponse } from './validateTokenResponse.js';

export type { CustomTokenSourceConfig } from './CustomTokenSourceConfig.js';

type TokenQuery = Query<TokenDetails, CustomTokenError>;

/** The options the source was last asked for, and the query holding their token. */
interface Current {
  request: TokenRequest;
  key: string;
  query: TokenQuery;
}

/** A checked `initialToken` and its options. */
interface Seed {
  request: TokenRequest;
  token: TokenDetails;
}

const QUERY_KEY_ROOT = 'livekit-custom-token';
/** Sources made by this copy of the package, and the copy's random tag: a default `scope` that no other copy makes. */
let sourceCount = 0;
let copyTag: string | undefined;

/**
 * A LiveKit `TokenSourceConfigurable` around an app's own token generator, with a keyed,
 * bounded, skew-proof cache, de-duplication, timeout, retries, validation, refresh-ahead and an
 * observable status. Create it with {@link createCustomTokenSource} or `useCustomTokenSource`.
 *
 * The cache engine is TanStack Query (the app's `QueryClient` when given, so tokens show in its
 * devtools); the source keeps direct references to its own queries, so `fetch` and
 * `getSnapshot` cost the same however many tokens it has seen and however many queries the app
 * keeps in the same client.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource } from 'livekit-custom-token-react';
 *
 * declare function getIdToken(): Promise<string>;
 * const source = createCustomTokenSource(async (request, { signal }) => {
 *   const response = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { authorization: `Bearer ${await getIdToken()}`, 'content-type': 'application/json' },
 *     body: JSON.stringify(request),
 *     signal,
 *   });
 *   if (!response.ok) throw Object.assign(new Error(await response.text()), { status: response.status });
 *   return response.json();
 * });
 * const unsubscribe = source.subscribe(() => console.log(source.getSnapshot().status));
 * const { serverUrl, participantToken } = await source.fetch({ roomName: 'standup' });
 * ```
 */
export class CustomTokenSource extends TokenSourceConfigurable {
  readonly #client: QueryClient;
  readonly #scope: string;
  /** The scope's cache, looked up on first use: a source made in a render React throws away (StrictMode, a suspended first mount) leaves no entry in the app's client. */
  #tokensOnceUsed: TokenCache | null = null;
  /** Tokens in a shared client under a scope nobody else can name: removed when the last subscriber leaves. */
  readonly #dropOnDeactivate: boolean;
  readonly #generator: TokenGenerator;
  readonly #scheduler: RefreshScheduler;
  #config: ResolvedConfig;
  #current: Current | null = null;
  /** The state of options asked for last that were refused (not valid): the snapshot's until valid ones are fetched. */
  #refused: Parameters<typeof toTokenSnapshot>[0] | null = null;
  /** The key this source holds in its scope's cache (its current options, from a fetch until it deactivates). */
  #heldKey: string | null = null;
  /** The next token for the current options, awaited by forced fetches that failed: one cache listener in all. */
  #nextToken: { key: string; promise: Promise<TokenSourceResponseObject>; stop: () => void } | null = null;
  #snapshot: TokenSnapshot;
  readonly #serverSnapshot: TokenSnapshot;
  readonly #listeners = new Set<() => void>();
  #generatorCalls = 0;
  #deactivateTimer: ReturnType<typeof setTimeout> | undefined;
  #teardown: (() => void) | null = null;
  /** Its last subscriber has left (and none came back): what it fetches since is let go of once fetched. */
  #deactivated = false;
  /**
   * The `initialToken`, checked, until the source is first used (subscribed to, fetched from,
   * refreshed or cancelled): a source made in a render that React throws away (StrictMode, a
   * sibling suspending) then writes nothing into the app's `QueryClient`, and holds nothing in its scope.
   */
  #seed: Seed | null = null;
  /** What `setConnected` said last, and the sessions holding the source connected: connected if either. */
  #saidConnected = false;
  #connectedHolds = 0;
  /** Calls in flight this source has cancelled: a forced fetch waiting for one to settle is cancelled with it. */
  #cancels = 0;
  /** Whether it must not show a token `ready`: one a past session of the page started with when first seen (Back). */
  readonly #spentWhenFirstSeen = spentWhenFirstSeen();

  constructor(generator: TokenGenerator, config: CustomTokenSourceConfig = {}) {
    super();
    if (typeof generator !== 'function') {
      throw new TypeError(`createCustomTokenSource: the generator must be a function, got ${typeof generator}.`);
    }
    this.#generator = generator;
    this.#client = config.queryClient ?? new QueryClient();
    // Stryker disable next-line UpdateOperator: counting down names every source as uniquely as counting up
    this.#scope = config.scope ?? `source-${(copyTag ??= Math.random().toString(36).slice(2))}-${++sourceCount}`;
    this.#dropOnDeactivate = config.queryClient !== undefined && config.scope === undefined;
    this.#config = resolveConfig(config);
    this.#scheduler = new RefreshScheduler({
      state: () => this.#currentQuery()?.state,
      // A refresh-ahead retries only while no session is connected (one may connect meanwhile).
      refresh: () => void this.#fetch(this.#current!.request, false, this.#isDisconnected).catch(noop),
      notify: () => this.#notify(),
      maxRetryDelayMs: () => this.#config.maxRetryDelayMs,
    });
    if (config.initialToken) this.#seed = this.#checkSeed(config.initialToken);
    this.#snapshot = this.#readSnapshot();
    this.#serverSnapshot = (config.initialToken && !this.#seed && this.#servedSnapshot(config.initialToken)) || this.#snapshot;
  }

  /**
   * Returns a token for `options`: the cached one while fresh, else a new one from the
   * generator (one call in flight per option set; a call the app's `QueryClient` drops meanwhile —
   * `clear()`, `resetQueries()`, `removeQueries()` — is made again, once). Rejects with a {@link (CustomTokenError:type)};
   * every failure also lands in the snapshot and `onEvent`, so a rejection nobody awaits is
   * not reported as unhandled.
   *
   * `force` asks the generator and never rejects: `useSession` fires forced fetches on `end()`
   * and after a disconnect without awaiting them, for the next session's token. Such a fetch is
   * in the background, as a refresh-ahead is: it is not retried, nor made after the call in flight
   * it waited for, once a session has connected meanwhile or the app's client dropped that call.
   * If the generator fails, the failure lands in the snapshot and `onEvent`, and the promise resolves with the last token
   * for `options` that has not expired (and is no past session's, hydrated again on Back), or else with the next one fetched for them — unless the
   * source moves to other options or its last subscriber leaves first: then it stays pending.
   */
  override fetch(
    options: { [K in keyof TokenFetchOptions]?: TokenFetchOptions[K] | undefined },
    force?: boolean,
  ): Promise<TokenSourceResponseObject> {
    this.#plantSeed();
    if (force === true) return this.#fetch(options, true, this.#isDisconnected).catch(() => this.#lastOrNextToken(options));
    const cancels = this.#cancels;
    // The app's client dropped the query mid-fetch (`clear()`, `removeQueries()`, `resetQueries()`: a silent
    // cancel; this source's own removals let go of its options too): the caller (a `start()`) still wants a
    // token. Asked again, once, unless cancelled or moved to other options meanwhile.
    const result = this.#fetch(options, false).catch((error: CustomTokenError) => {
      const dropped = (error.cause as { silent?: unknown } | undefined)?.silent === true;
      if (!dropped || this.#cancels !== cancels || this.#current?.key !== requestKey(normalizeOptions(options))) throw error;
      return this.#fetch(options, false);
    });
    result.catch(noop);
    return result;
  }

  /**
   * Fetches a new token for the current options now. Resolves once that fetch settles, whether it
   * brought a token or failed (read which in the snapshot); never rejects, and never waits for a
   * later fetch.
   */
  refresh = (): Promise<void> => {
    this.#plantSeed();
    if (!this.#current) return Promise.resolve();
    return this.#fetch(this.#current.request, true).then(noop, noop);
  };

  /** Aborts the fetch of this source that is in flight, if any — unless another source of its scope waits on that call too. */
  cancel = (): void => {
    this.#plantSeed();
    const current = this.#current;
    if (current && this.#tokens.isPinned(current.key, this.#heldKey === current.key ? 1 : 0)) return;
    this.#cancels += 1;
    void this.#currentQuery()?.cancel({ revert: true });
  };

  /**
   * Tells the source whether a session is connected. While connected the LiveKit server
   * refreshes the token itself, so no refresh-ahead runs; while disconnected (with a
   * subscriber) a fresh token is kept ready.
   */
  setConnected(connected: boolean): void {
    this.#saidConnected = connected;
    this.#scheduler.setConnected(this.#isConnected());
  }

  /**
   * Counts one connected session until the returned function is called (once; later calls do
   * nothing): no refresh-ahead while any session holds the source, or `setConnected(true)` was
   * the last said. For a source shared by several sessions, where one leaving must not start
   * refreshing during another's call; `useCustomTokenSession` and the provider hold it this way.
   */
  holdConnected(): () => void {
    this.#connectedHolds += 1;
    this.#scheduler.setConnected(true);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#connectedHolds -= 1;
      this.#scheduler.setConnected(this.#isConnected());
    };
  }

  get #tokens(): TokenCache {
    return (this.#tokensOnceUsed ??= TokenCache.of(this.#client, this.#scope));
  }

  #isConnected(): boolean {
    return this.#saidConnected || this.#connectedHolds > 0;
  }

  /** Whether a fetch in the background (a refresh-ahead, `useSession`'s forced fetch) may call the generator again. */
  #isDisconnected = (): boolean => !this.#isConnected();

  /**
   * Updates the cache size, timeouts, retries, margin and `onEvent` of a live source. An option
   * left out keeps its value; one given as `undefined` goes back to its default. Each applies from
   * the next fetch: a token in hand keeps the refresh time its margin gave it when it arrived.
   *
   * @throws A `TypeError` naming the option, for a duration or retry count that is not a number of
   * 0 or more (or a `cacheSize` that is not a number); the source keeps the settings it had.
   */
  configure(config: Omit<CustomTokenSourceConfig, 'queryClient' | 'scope' | 'initialToken'>): void {
    this.#config = resolveConfig({ ...this.#config, ...config });
    this.#tokens.trim(this.#config.cacheSize, Date.now());
    this.#scheduler.reschedule();
  }

  /**
   * Subscribes to snapshot changes (the `useSyncExternalStore` contract). Each call is a
   * subscription of its own, the same listener twice too: the source stays active until the last
   * one is undone. A listener that throws affects nothing else: its error is thrown again from a
   * timer of its own, for the app's error reporting.
   */
  subscribe = (listener: () => void): (() => void) => {
    this.#plantSeed();
    const subscription = () => listener();
    this.#listeners.add(subscription);
    this.#activate();
    return () => {
      if (this.#listeners.delete(subscription) && this.#listeners.size === 0) this.#deactivateSoon();
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

  async #fetch(options: TokenFetchOptions, force: boolean, mayRetry?: () => boolean): Promise<TokenSourceResponseObject> {
    let request: TokenRequest;
    try {
      request = normalizeOptions(options);
    } catch (error) {
      // Options that are not valid are the current ones too: no token, their error in the snapshot
      // and onEvent, and the call for the previous ones aborted unless another source holds them.
      this.#emit({ type: 'error', request: {}, error: error as CustomTokenError, willRetry: false });
      this.#hold(null);
      const previous = this.#current;
      // No longer current before its fetch is aborted: the abort's state change must not start a refresh-ahead for it.
      this.#current = null;
      this.#abortUnheld(previous);
      this.#refused = { ...heldState(), status: 'error', error: error as CustomTokenError };
      this.#stopWaiting();
      this.#notify();
      throw error;
    }
    const queryOptions = this.#queryOptions(request, mayRetry);
    const query = this.#makeCurrent(request, queryOptions);
    let cached = query.state.data;
    // A token hydrated from a dehydrated state is checked as an `initialToken` is: a page restored on
    // Back renders its HydrationBoundary again, into a QueryClient of its own maybe, with the token
    // a session of the page started with.
    if (!force && cached && isTokenReusable(query.state, Date.now()) && !isPastSessionsToken(request, cached)) {
      this.#emit({ type: 'cache-hit', request, token: cached });
      return toResponse(cached);
    }
    let token: TokenDetails;
    // The engine pauses a retry while the tab is hidden and resumes it only through a mounted
    // client's focus and network listeners: mounted (reference-counted) while the fetch runs.
    this.#client.mount();
    try {
      if (force && query.state.fetchStatus !== 'idle') {
        // A call in flight began before this forced fetch (for the user signed in before, say): the
        // engine would answer with it. Its answer is not the new token asked for: wait, then call anew.
        const cancels = this.#cancels;
        const active = this.#teardown;
        await fetchOnce(query, queryOptions).catch(noop);
        // Cancelled meanwhile (cancel(), newer options, the last subscriber gone — also while another
        // source of the scope holds the call, which is not cancelled then), dropped by the app's client
        // (clear(), …: no call into a query the client no longer holds), or a background fetch once a
        // session connected (with that call's token, maybe): so is this fetch.
        if (this.#cancels !== cancels || (active && !this.#teardown) || this.#currentQuery() !== query || mayRetry?.() === false)
          throw aborted();
        cached = query.state.data;
      }
      // A source that starts no call (useCustomTokenSource's, unmounted) refuses a new one here, before the
      // query: the error is this fetch's alone, and the query other sources of the scope read stays as it was.
      const refusal = refusedCalls.get(this);
      if (refusal && query.state.fetchStatus === 'idle') throw refusal();
      const fetched = fetchOnce(query, queryOptions);
      // A forced fetch retires the token in hand (fetches meanwhile wait for the new one, and a
      // failure leaves it retired) — after the engine kept the state to go back to on cancel():
      // a cancelled refresh leaves the token as it was.
      // Stryker disable next-line ConditionalExpression: invalidating for every fetch only marks a token that is missing or stale already (a fetch of a reusable one returned above), and cancel() reverts to the state from before the fetch; `false` is killed by the refresh tests
      if (force) query.invalidate();
      token = await fetched;
    } catch (error) {
      throw isCancellation(error) ? aborted(error) : toGeneratorError(error);
    } finally {
      this.#client.unmount();
      // Only the fetch of the options still current lets go: one that newer options aborted must not abort theirs.
      if (this.#deactivated && (this.#current === null || this.#current.query === query)) this.#letGo();
    }
    // A fetch cancelled with `revert` resolves with the token it was replacing (stale, maybe expired): still an abort.
    if (token === cached) throw aborted();
    return toResponse(token);
  }

  /**
   * The unexpired token cached for `options` (not a past session's), or a promise of the next one that arrives before the
   * source moves to other options or its last subscriber leaves (else, and for options that are
   * not valid, it stays pending).
   */
  #lastOrNextToken(options: TokenFetchOptions): Promise<TokenSourceResponseObject> {
    let request: TokenRequest;
    try {
      request = normalizeOptions(options);
    } catch {
      return new Promise(noop);
    }
    const key = requestKey(request);
    const last = this.#tokens.peek(key)?.state.data;
    if (last && (last.expiresAt === null || last.expiresAt > tokenNow(last, Date.now())) && !isPastSessionsToken(request, last))
      return Promise.resolve(toResponse(last));
    const current = this.#current;
    if (current?.key !== key) return new Promise(noop);
    if (this.#nextToken?.key !== key) {
      let stop = noop;
      const promise = new Promise<TokenSourceResponseObject>((resolve) => {
        stop = this.#client.getQueryCache().subscribe((event) => {
          if (event.type !== 'updated' || event.action.type !== 'success' || event.query.queryHash !== current.query.queryHash) return;
          this.#stopWaiting();
          resolve(toResponse(event.query.state.data as TokenDetails));
        });
      });
      this.#nextToken = { key, promise, stop };
    }
    return this.#nextToken.promise;
  }

  /** Stops listening for the next token: the forced fetches waiting for it stay pending. */
  #stopWaiting(): void {
    this.#nextToken?.stop();
    this.#nextToken = null;
  }

  /**
   * Makes `request` the current one: its query is used and held, a fetch still running for the
   * previous options is aborted if no source holds them, and the cache is trimmed to its bound.
   */
  #makeCurrent(request: TokenRequest, queryOptions = this.#queryOptions(request)): TokenQuery {
    const key = queryOptions.queryKey[2] as string;
    this.#refused = null;
    const previous = this.#current;
    const query = this.#tokens.use(key, queryOptions);
    this.#hold(key);
    if (this.#nextToken?.key !== key) this.#stopWaiting();
    if (previous?.key === key && previous.query === query) return query;
    this.#current = { request, key, query };
    this.#abortUnheld(previous);
    this.#tokens.trim(this.#config.cacheSize, Date.now());
    this.#notify();
    this.#scheduler.reschedule();
    return query;
  }

  #queryOptions(request: TokenRequest, mayRetry?: () => boolean): FetchQueryOptions<TokenDetails, CustomTokenError> {
    const key = requestKey(request);
    return tokenQueryOptions({
      queryKey: [QUERY_KEY_ROOT, this.#scope, key],
      request,
      generator: this.#generator,
      config: this.#config,
      // The query function runs only for a query in the client: use() put it there, and removing it ends its retries.
      failures: () => this.#tokens.peek(key)!.state.fetchFailureCount,
      inHand: () => this.#tokens.peek(key)?.state.data?.participantToken,
      onCall: () => void (this.#generatorCalls += 1),
      emit: this.#config.onEvent && ((event) => this.#emit(event)),
      mayRetry,
    });
  }

  /**
   * Checks a token already in hand. One that fails its checks (expired by this device's clock,
   * for other options, not a token) is dropped and reported to `onEvent`, and the first fetch
   * asks the generator: a page rendered with a bad token still renders. A token a session of this
   * page started with already, for a room the server named, is dropped without a report: that room
   * was a past session's (a page restored on Back), and the next session gets a room of its own.
   */
  #checkSeed({ options, response }: NonNullable<CustomTokenSourceConfig['initialToken']>): Seed | null {
    let request: TokenRequest = {};
    try {
      request = normalizeOptions(options);
      const token = validateTokenResponse(response, request, {
        receivedAt: Date.now(),
        refreshMarginMs: this.#config.refreshMarginMs,
        mintedEarlier: true,
      });
      if (isPastSessionsToken(request, token)) return null;
      return { request, token: timeFromArrival(token) };
    } catch (cause) {
      this.#emit({ type: 'error', request, error: toGeneratorError(cause), willRetry: false });
      return null;
    }
  }

  /**
   * What the server rendered for an `initialToken` that this device's clock finds expired (a
   * cached page, a clock ahead): the token as it was then, its lifetime counted from now, so that
   * hydration matches the server's HTML; the snapshot after it has no token. `null` for one that
   * fails any other check, which the server's render failed too.
   */
  #servedSnapshot({ options, response }: NonNullable<CustomTokenSourceConfig['initialToken']>): TokenSnapshot | null {
    let snapshot: TokenSnapshot | null = null;
    try {
      const request = normalizeOptions(options);
      const validate = (receivedAt: number) =>
        validateTokenResponse(response, request, { receivedAt, refreshMarginMs: this.#config.refreshMarginMs });
      let token: TokenDetails;
      try {
        token = validate(Date.now());
      } catch (error) {
        // A token without `iat` or `nbf` has its `exp` read on this clock: as the server read it, before it passed.
        if (!(error instanceof CustomTokenError && error.code === 'expired')) throw error;
        token = validate(0);
      }
      snapshot = toTokenSnapshot(heldState(token), token.receivedAt, 0);
    } catch {
      // Another check failed: no snapshot.
    }
    return snapshot;
  }

  /**
   * On first use: the checked `initialToken` becomes the current options' token while it has not
   * expired on its own timeline (the source may be used long after it was made, the clock set back
   * since) — unless the cache has one for them
   * already, or another source of the scope is fetching one: written under that fetch, it would be
   * the state an abort of the fetch goes back to, and the fetch's answer.
   */
  #plantSeed(): void {
    const seed = this.#seed;
    if (!seed) return;
    this.#seed = null;
    const query = this.#makeCurrent(seed.request);
    const { expiresAt } = seed.token;
    const unexpired = expiresAt === null || expiresAt > tokenNow(seed.token, Date.now());
    if (unexpired && query.state.data === undefined && query.state.fetchStatus === 'idle')
      this.#client.setQueryData(query.queryKey, seed.token);
  }

  #activate(): void {
    clearTimeout(this.#deactivateTimer);
    // Active already: decide again all the same. A refresh that came due while no call could start
    // (useCustomTokenSource's, its component hidden by <Activity>) was refused, and set no timer.
    if (this.#teardown) return this.#scheduler.reschedule();
    this.#deactivated = false;
    if (this.#current) this.#hold(this.#current.key);
    const unsubscribes = [
      this.#client.getQueryCache().subscribe((event) => {
        // Its query, dropped by the app's client too, or the one made for its options since.
        if (event.query !== this.#current?.query && event.query !== this.#currentQuery()) return;
        this.#scheduler.reschedule();
        this.#notify();
      }),
      focusManager.subscribe((focused) => focused && this.#scheduler.wake()),
      // The app's own network signal (`onlineManager.setOnline`), and the browser's, which the
      // manager misses when the network went before it had a subscriber.
      onlineManager.subscribe((online) => online && this.#scheduler.wake()),
      onBrowserOnline(() => this.#scheduler.wake()),
    ];
    this.#teardown = () => unsubscribes.forEach((unsubscribe) => unsubscribe());
    this.#scheduler.start();
  }

  /**
   * After the last subscriber leaves: waits a tick (a StrictMode remount comes back at once), then
   * stops, lets go of its options and aborts their fetch unless another source of the scope holds them.
   */
  #deactivateSoon(): void {
    clearTimeout(this.#deactivateTimer);
    // A subscriber arriving before it fires clears this timer (#activate).
    this.#deactivateTimer = setTimeout(() => {
      this.#teardown!();
      this.#teardown = null;
      this.#deactivated = true;
      this.#scheduler.stop();
      this.#stopWaiting();
      this.#letGo();
    }, 0);
  }

  /**
   * Lets go of the current options (and, in a shared client without a scope, of every token):
   * after the last subscriber left, and again after a fetch made since (LiveKit's `useSession`
   * makes one when the disconnect of its unmount finishes).
   */
  #letGo(): void {
    this.#hold(null);
    this.#abortUnheld(this.#current);
    if (this.#dropOnDeactivate) this.#release();
  }

  /**
   * Holds `key` (or nothing) in the scope's cache: a held token is never dropped, and its fetch is
   * never aborted by another source of the scope. A source holds its current options from its
   * fetch until its last subscriber leaves, and again from its next subscribe or fetch — until
   * that fetch settles, while nobody subscribes again.
   */
  #hold(key: string | null): void {
    // Holding the key held already pins it once more and lets go of it once: the same count.
    // Stryker disable next-line ConditionalExpression: a pin under null names no token: the cache only ever asks about string keys
    if (key !== null) this.#tokens.pin(key, 1);
    // Stryker disable next-line ConditionalExpression: letting go of null finds no pin and leaves none, as the cache never counts below 0
    if (this.#heldKey !== null) this.#tokens.pin(this.#heldKey, -1);
    this.#heldKey = key;
  }

  /**
   * Aborts the fetch for options (if any) that no source holds any more: the scope's query for them
   * now, which another source may have made after the app cleared the one this source had.
   */
  #abortUnheld(current: Current | null): void {
    if (!current || this.#tokens.isPinned(current.key)) return;
    this.#cancels += 1;
    void this.#tokens.peek(current.key)?.cancel({ revert: true });
  }

  /** Removes this source's tokens from a shared client: no other source can name its scope. */
  #release(): void {
    this.#current = null;
    this.#tokens.clear();
    TokenCache.forget(this.#client, this.#scope);
  }

  /**
   * The current options' query, while it is still in the client (the app may have cleared it) — or
   * the one another source of the scope made for them since.
   */
  #currentQuery(): TokenQuery | undefined {
    return this.#current ? this.#tokens.peek(this.#current.key) : undefined;
  }

  #readSnapshot(): TokenSnapshot {
    // Before first use, the seed is the token in hand, as it will be once planted.
    let state = this.#seed ? heldState(this.#seed.token) : (this.#refused ?? this.#currentQuery()?.state);
    // A token it will not hand out (a past session's, hydrated again on Back) is no token in hand: never `ready`.
    const request = this.#current?.request;
    if (request && state?.data && this.#spentWhenFirstSeen(request, state.data)) state = { ...state, data: undefined };
    return toTokenSnapshot(state, Date.now(), this.#generatorCalls);
  }

  #notify(): void {
    this.#listeners.forEach((listener) => {
      try {
        listener();
      } catch (error) {
        // A subscriber's own bug stops neither the others, the fetch, nor refresh-ahead: it is
        // thrown on its own, where the app's error reporting sees it (as an uncaught error).
        setTimeout(() => {
          throw error;
        });
      }
    });
  }

  #emit(event: TokenSourceEvent): void {
    try {
      // Stryker disable next-line OptionalChaining: without onEvent the call would throw into the catch below, unseen
      const result: unknown = this.#config.onEvent?.(event);
      // An async onEvent that rejects: nobody awaits it, and it must not surface as an unhandled rejection.
      if (result instanceof Promise) result.catch(noop);
    } catch {
      // Telemetry must never break token fetching.
    }
  }
}

/** Per query, the engine's fetch this package asked for, until it has settled (see {@link fetchOnce}). */
const fetches = new WeakMap<TokenQuery, Promise<TokenDetails>>();

/**
 * `query.fetch(options)`, joining the fetch still in flight — also in the moments after its call
 * failed and before the engine records the failure, where `query.fetch` starts another call: the
 * failure, recorded next, then says the query is idle while that call runs, and the fetch after
 * starts a third, leaving the second out of reach of every abort (`cancel()`, unmount).
 */
function fetchOnce(query: TokenQuery, options: FetchQueryOptions<TokenDetails, CustomTokenError>): Promise<TokenDetails> {
  const running = fetches.get(query);
  // (One cancelled is over at once: the engine says idle, and the next fetch is a new call.)
  if (running && query.state.fetchStatus !== 'idle') return running;
  const fetching = query.fetch(options);
  fetches.set(query, fetching);
  const settled = () => void (fetches.get(query) === fetching && fetches.delete(query));
  fetching.then(settled, settled);
  return fetching;
}

function aborted(cause?: unknown): CustomTokenError {
  return new CustomTokenError('aborted', 'The token fetch was aborted (newer options, unmount or cancel()).', { cause });
}

/** A query's state holding `token` (or none), as the snapshot reads it. */
function heldState(token?: TokenDetails) {
  return { data: token, status: 'success', fetchStatus: 'idle', error: null } as const;
}

function toResponse(token: TokenDetails): TokenSourceResponseObject {
  return { serverUrl: token.serverUrl, participantToken: token.participantToken };
}
