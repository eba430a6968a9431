import type { QueryState } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import type { TokenDetails } from './types.js';

/**
 * Whether the cached token may be handed out again at `now`, on the local clock the token was
 * measured on: until its `staleAt`, unless a forced or failed fetch replaced it since. A token
 * without `exp` is never reused.
 */
export function isTokenReusable(state: QueryState<TokenDetails, CustomTokenError>, now: number): boolean {
  const token = state.data;
  return (
    token !== undefined &&
    !state.isInvalidated &&
    // Stryker disable next-line ConditionalExpression: without it `now < null` compares with 0, and `now` (Date.now()) is never negative
    token.staleAt !== null &&
    now < token.staleAt
  );
}
