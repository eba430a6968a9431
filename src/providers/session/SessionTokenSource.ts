import { TokenSourceConfigurable, type TokenSourceResponseObject } from 'livekit-client';
import type { CustomTokenSource } from '../../core/CustomTokenSource.js';
import { noop } from '../../core/noop.js';
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

  constructor(source: () => CustomTokenSource, nextSession: (options: TokenFetchOptions) => TokenFetchOptions, prefetch: () => boolean) {
    super();
    this.#source = source;
    this.#nextSession = nextSession;
    this.#prefetch = prefetch;
  }

  override fetch(options: TokenFetchOptions, force?: boolean): Promise<TokenSourceResponseObject> {
    if (force === true) return this.prepareNextSession(options);
    if (!this.#prefetch()) return never();
    return this.#source().fetch(options).catch(never);
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
    const fetching = source.fetch(options);
    const waiting = sessionFetches.get(source) ?? new Set<AbortSignal>();
    sessionFetches.set(source, waiting.add(signal));
    const cancel = () => {
      waiting.delete(signal);
      if (waiting.size === 0) source.cancel();
    };
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
    return this.#source().fetch(this.#nextSession(options), true);
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
