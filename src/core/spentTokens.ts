import { arrivedHere } from './tokenNow.js';
import type { TokenDetails, TokenRequest } from './types.js';

/** How many tokens are remembered: sessions of one page, far more than a page runs. */
const MAX_SPENT_TOKENS = 64;

/** Participant tokens a session of this page started with, oldest first. */
const spentTokens = new Set<string>();

/**
 * Remembers that a session started with `participantToken`. Its room is then a past session's:
 * an `initialToken` that is this token again (a page Next.js restores from its router cache on
 * Back, with the token it was rendered with) is not used for a room the server named.
 */
export function markTokenSpent(participantToken: string): void {
  spentTokens.delete(participantToken);
  spentTokens.add(participantToken);
  if (spentTokens.size > MAX_SPENT_TOKENS) spentTokens.delete(spentTokens.values().next().value!);
}

/**
 * Whether `participantToken`, fetched for `request`, is for a past session's room: one the server
 * named (no `roomName`), which a session of this page started with.
 */
export function isPastSessionsRoom(request: TokenRequest, participantToken: string): boolean {
  return !request.roomName && spentTokens.has(participantToken);
}

/**
 * Whether `token`, for `request`, is one from elsewhere (hydrated from another process's state)
 * for a past session's room: never handed out. A token that arrived here (fetched, or an
 * `initialToken`, checked as it is planted) is the source's own.
 */
export function isPastSessionsToken(request: TokenRequest, token: TokenDetails): boolean {
  return !arrivedHere(token) && isPastSessionsRoom(request, token.participantToken);
}

/**
 * A source's check of the token it shows: whether `token` was {@link isPastSessionsToken} when
 * the source first looked at it — the one a page restored on Back was rendered with, which a new
 * source looks at, is never shown `ready`. One a session of the source starts with later (the
 * page's first visit) stays shown, as a fetched token does: its live call shows it `ready` (it is
 * handed out no more once spent). Per source, not per token object: the page brought back
 * hydrates the very state object it was rendered with.
 */
export function spentWhenFirstSeen(): (request: TokenRequest, token: TokenDetails) => boolean {
  const seen = new WeakMap<TokenDetails, boolean>();
  return (request, token) => {
    if (!seen.has(token)) seen.set(token, isPastSessionsToken(request, token));
    return seen.get(token)!;
  };
}
