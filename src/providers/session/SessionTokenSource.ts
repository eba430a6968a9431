import { TokenSourceConfigurable, type TokenSourceResponseObject } from 'livekit-client';
import type { CustomTokenSource } from '../../core/CustomTokenSource.js';
import { noop } from '../../core/noop.js';
import { normalizeOptions, requestKey } from '../../core/normalizeOptions.js';
import { markTokenSpent } from '../../core/spentTokens.js';
import type { TokenFetchOptions } from '../../core/types.js';

/** Per source, the signals of the session starts waiting on its fetch: one abandoned cancels the call only when no other waits on it. */
const sessionFetches = new WeakMap<CustomTokenSource, Set<AbortSignal>>();

/**
 * A promise that never settles: LiveKit's pre-warm waits on it, and so does nothing (and logs
 * nothing). A new one each time: a shared one would keep every waiting pre-warm (and its room)
 * reachable forever; this one is collected with the provider.
 */
const never = () => new Promise<never>(noop);

/**
 * The token source `CustomTokenSessionProvider` hands to `useSession`, whose own calls are two:
 *
 * - the pre-warm on mount (`prepareConnection`): answered only when `prefetch()` allows it, and
 *   a failure is not passed on — the token status already reports it, and LiveKit would log it
 *   as a console warning with a stack;
 * - the forced fetch on `end()`, for the *next* session: sent with the next session's options,
 *   so with a fresh room per session it mints the next room's token instead of throwing away a
 *   token for the old one.
 *
 * The provider's own `start()` fetches through {@link SessionTokenSource.fetchForSession}.
 */
export class SessionTokenSource extends TokenSourceConfigurable {
  readonly #source: () => CustomTokenSource;
  readonly #nextSession: (options: TokenFetchOptions) => TokenFetchOptions;
  readonly #prefetch: () => boolean;
  /** Whether the next session's token has been asked for since the last session's. */
  #nextSessionPrepared = false;
  /** The options this source last asked its token source for, by value (`undefined`: none yet). */
  #sentKey: string | null | undefined;
  /** Whether a token has been fetched through this source: with `prefetch` off, the options are followed from then on. */
  #fetched = false;

  constructor(source: () => CustomTokenSource, nextSession: (options: TokenFetchOptions) => TokenFetchOptions, prefetch: () => boolean) {
    super();
    this.#source = source;
    this.#nextSession = nextSession;
    this.#prefetch = prefetch;
  }

  override fetch(options: TokenFetchOptions, force?: boolean): Promise<TokenSourceResponseObject> {
    if (force === true) return this.prepareNextSession(options);
    if (!this.#prefetch()) return never();
    return this.#send(options).catch(never);
  }

  /**
   * Options changed with no session connected or starting: the token in hand moves to them (one
   * fetch, unless they equal the ones asked for last) — with `prefetch` off only once a token has
   * been fetched (or an `initialToken` is in hand). The previous options' fetch in flight is aborted
   * and their refresh-ahead stops.
   */
  follow(options: TokenFetchOptions): void {
    if (keyOf(options) === this.#sentKey) return;
    if (!this.#prefetch() && !this.#fetched && this.#source().getSnapshot().token === null) return;
    void this.#send(options).catch(noop);
  }

  /** Asks the token source for `options`, remembering them as the ones asked for last. */
  #send(options: TokenFetchOptions, force?: boolean): Promise<TokenSourceResponseObject> {
    this.#sentKey = keyOf(options);
    const fetching = this.#source().fetch(options, force);
    fetching.then(() => void (this.#fetched = true), noop);
    return fetching;
  }

  /**
   * The token a session starts with. Rejects with a `CustomTokenError`. Aborted with `signal`
   * while in flight (the source's `cancel()`: the call is left to any other source of its scope
   * waiting on it, and to another session's start on the same source — one `tokenSource` given to
   * two providers).
   */
  fetchForSession(options: TokenFetchOptions, signal: AbortSignal): Promise<TokenSourceResponseObject> {
    this.#nextSessionPrepared = false;
    const source = this.#source();
    const fetching = this.#send(options);
    const waiting = sessionFetches.get(source) ?? new Set<AbortSignal>();
    sessionFetches.set(source, waiting.add(signal));
    const cancel = () => {
      waiting.delete(signal);
      if (waiting.size === 0) source.cancel();
    };
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal dispatches `abort` once, and the listener is removed once the fetch settles
    signal.addEventListener('abort', cancel, { once: true });
    void fetching
      .then(({ participantToken }) => markTokenSpent(participantToken), noop)
      .finally(() => {
        waiting.delete(signal);
        signal.removeEventListener('abort', cancel);
      });
    return fetching;
  }

  /** After a session ended: a new token for the next one (never rejects). */
  prepareNextSession(options: TokenFetchOptions): Promise<TokenSourceResponseObject> {
    this.#nextSessionPrepared = true;
    return this.#send(this.#nextSession(options), true);
  }

  /**
   * {@link SessionTokenSource.prepareNextSession}, unless it ran since the last session's token
   * was fetched: LiveKit's own `end()` (the session of `useSessionContext()`) asks for it before
   * it disconnects, and one session moves on to one next room.
   */
  prepareNextSessionOnce(options: TokenFetchOptions): void {
    if (!this.#nextSessionPrepared) void this.prepareNextSession(options);
  }
}

/** A value key for options (`null` for options that are not valid: never equal to valid ones, which the source reports). */
function keyOf(options: TokenFetchOptions): string | null {
  try {
    return requestKey(normalizeOptions(options));
  } catch {
    return null;
  }
}
