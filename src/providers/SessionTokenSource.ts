import { TokenSourceConfigurable, type TokenSourceResponseObject } from 'livekit-client';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import type { TokenFetchOptions } from '../core/types.js';

/**
 * The token source `CustomTokenSessionProvider` hands to `useSession`: it forwards to the
 * session's current `CustomTokenSource`, except that `useSession`'s forced fetch (fired on
 * `end()` and after a disconnect, to get a token for the *next* session) is sent with the next
 * session's options — so with a fresh room per session it mints the next room's token instead of
 * throwing away a token for the old one.
 */
export class SessionTokenSource extends TokenSourceConfigurable {
  readonly #source: () => CustomTokenSource;
  readonly #nextSession: (options: TokenFetchOptions) => TokenFetchOptions;

  constructor(source: () => CustomTokenSource, nextSession: (options: TokenFetchOptions) => TokenFetchOptions) {
    super();
    this.#source = source;
    this.#nextSession = nextSession;
  }

  override fetch(options: TokenFetchOptions, force?: boolean): Promise<TokenSourceResponseObject> {
    return force === true ? this.#source().fetch(this.#nextSession(options), true) : this.#source().fetch(options);
  }
}
