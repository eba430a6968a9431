import type { QueryState } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import type { TokenDetails } from './types.js';

/**
 * Whether the cached token may be handed out again at `now`, on the local clock the token was
 * measured on: until its `staleAt`, unless a forced or failed fetch replaced it since. A token
 * without `exp` is never reused, nor one that arrived further ahead of `now` than its refresh
 * margin: it was timed on a clock set back since (or, hydrated, on a server's clock running that
 * far ahead), so what its times say is left no longer holds.
 */
export function isTokenReusable(state: QueryState<TokenDetails, CustomTokenError>, now: number): boolean {
  const token = state.data;
  return (
    token !== undefined &&
    !state.isInvalidated &&
    // Stryker disable next-line ConditionalExpression: without it `now < null` compares with 0, and `now` (Date.now()) is never negative
    token.staleAt !== null &&
    now < token.staleAt &&
    token.receivedAt - now <= (token.expiresAt ?? token.staleAt) - token.staleAt
  );
}
