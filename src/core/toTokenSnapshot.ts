import type { QueryState } from '@tanstack/query-core';
import type { CustomTokenError } from './errors.js';
import { toGeneratorError } from './runGenerator.js';
import { tokenNow } from './tokenNow.js';
import type { TokenDetails, TokenSnapshot, TokenStatusKind } from './types.js';

/** What the snapshot reads of a query's state. */
type TokenState = Pick<QueryState<TokenDetails, CustomTokenError>, 'data' | 'status' | 'fetchStatus' | 'error'>;

/** The error reported for each error the engine holds that is not ours (the app's cancellation): one per error, so snapshots stay equal. */
const reported = new WeakMap<object, CustomTokenError>();

/**
 * The observable status for the current options at `now` (`Date.now()`): a fetch in flight first,
 * then the last failure, then the token in hand — `expired` once past its `expiresAt`, never
 * `ready`. The token's age is read on its own timeline ({@link tokenNow}), and its `expiresAt` is
 * given on the wall clock as it reads at `now`: earlier by as much as that clock was set back since
 * the token arrived, so `expiresAt - Date.now()` is the time it really has left.
 */
export function toTokenSnapshot(state: TokenState | undefined, now: number, generatorCalls: number): TokenSnapshot {
  const token = state?.data ?? null;
  const error = state?.status === 'error' && state.error ? toReportedError(state.error) : null;
  const expiresAt = token?.expiresAt == null ? null : token.expiresAt - tokenNow(token, now) + now;
  return {
    status: statusOf(state, token, error, expiresAt !== null && expiresAt <= now),
    token,
    expiresAt,
    identity: token?.identity,
    room: token?.room,
    grants: token?.grants,
    error,
    generatorCalls,
  };
}

function statusOf(
  state: TokenState | undefined,
  token: TokenDetails | null,
  error: CustomTokenError | null,
  expired: boolean,
): TokenStatusKind {
  // 'paused' too: a retry waiting for the tab to be visible again is still a fetch in flight.
  if (state && state.fetchStatus !== 'idle') return 'fetching';
  if (error) return 'error';
  if (!token) return 'idle';
  return expired ? 'expired' : 'ready';
}

function toReportedError(error: CustomTokenError): CustomTokenError {
  let converted = reported.get(error);
  if (!converted) reported.set(error, (converted = toGeneratorError(error)));
  return converted;
}
