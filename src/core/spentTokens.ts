import type { TokenRequest } from './types.js';

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
