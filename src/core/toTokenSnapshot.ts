import type { QueryState } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import { toGeneratorError } from './runGenerator.js';
import type { TokenDetails, TokenSnapshot, TokenStatusKind } from './types.js';

/** What the snapshot reads of a query's state. */
type TokenState = Pick<QueryState<TokenDetails, CustomTokenError>, 'data' | 'status' | 'fetchStatus' | 'error'>;

/** The error reported for each error the engine holds that is not ours (the app's cancellation): one per error, so snapshots stay equal. */
const reported = new WeakMap<object, CustomTokenError>();

/**
 * The observable status for the current options at `now`: a fetch in flight first, then the last
 * failure, then the token in hand — `expired` once past its `expiresAt`, never `ready`.
 */
export function toTokenSnapshot(state: TokenState | undefined, now: number, generatorCalls: number): TokenSnapshot {
  const token = state?.data ?? null;
  const error = state?.status === 'error' && state.error ? toReportedError(state.error) : null;
  return {
    status: statusOf(state, token, error, now),
    token,
    expiresAt: token?.expiresAt ?? null,
    identity: token?.identity,
    room: token?.room,
    grants: token?.grants,
    error,
    generatorCalls,
  };
}

function statusOf(state: TokenState | undefined, token: TokenDetails | null, error: CustomTokenError | null, now: number): TokenStatusKind {
  // 'paused' too: a retry waiting for the tab to be visible again is still a fetch in flight.
  if (state && state.fetchStatus !== 'idle') return 'fetching';
  if (error) return 'error';
  if (!token) return 'idle';
  return token.expiresAt !== null && token.expiresAt <= now ? 'expired' : 'ready';
}

function toReportedError(error: CustomTokenError): CustomTokenError {
  let converted = reported.get(error);
  if (!converted) reported.set(error, (converted = toGeneratorError(error)));
  return converted;
}
