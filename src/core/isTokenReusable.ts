import type { QueryState } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import { arrivedHere, tokenNow } from './tokenNow.js';
import type { TokenDetails } from './types.js';

/**
 * Whether the cached token may be handed out again at `now` (`Date.now()`): until its `staleAt`
 * on its own timeline ({@link tokenNow}: as old as it really is, whatever the wall clock did since
 * it arrived), unless a forced or failed fetch replaced it since. A token without `exp` is never
 * reused, nor a hydrated one that arrived further ahead of that time than its refresh margin: it
 * has only the wall clock, timed on a clock set back since (or on a server's clock running that far
 * ahead), so what its times say is left no longer holds. A token that arrived here has the
 * monotonic clock too, which counts such a step (a step within the clocks' usual disagreement
 * goes unseen, and does not make it due at once).
 */
export function isTokenReusable(state: QueryState<TokenDetails, CustomTokenError>, now: number): boolean {
  const token = state.data;
  if (token === undefined || state.isInvalidated) return false;
  // Stryker disable next-line ConditionalExpression: without it `at < null` compares with 0, and `at` (from Date.now()) is never negative
  if (token.staleAt === null) return false;
  const at = tokenNow(token, now);
  return at < token.staleAt && (arrivedHere(token) || token.receivedAt - at <= (token.expiresAt ?? token.staleAt) - token.staleAt);
}
