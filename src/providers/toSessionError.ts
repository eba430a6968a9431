import { ConnectionError, ConnectionErrorReason, DisconnectReason } from 'livekit-client';
import { CustomTokenError, isCustomTokenError } from '../core/errors.js';

/**
 * One error type for whatever `useSession().start()` rejected with: token errors pass through,
 * LiveKit's `ConnectionError` becomes `connection_failed` with its reason's name
 * (`NotAllowed`, `ServerUnreachable`, …), anything else `connection_failed` without a reason.
 */
export function toSessionError(cause: unknown): CustomTokenError {
  if (isCustomTokenError(cause)) return cause;
  if (cause instanceof ConnectionError) {
    const reason = ConnectionErrorReason[cause.reason];
    return new CustomTokenError('connection_failed', `LiveKit refused the connection (${reason}): ${cause.message}`, {
      cause,
      reason,
      status: typeof cause.status === 'number' ? cause.status : undefined,
      retryable: cause.reason !== ConnectionErrorReason.NotAllowed,
    });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return new CustomTokenError('connection_failed', `Could not connect to the LiveKit room: ${message}`, { cause });
}

/** Why LiveKit ended a live session that nobody ended, in words; `DUPLICATE_IDENTITY` gets advice. */
export function toDisconnectError(reason: DisconnectReason | undefined): CustomTokenError {
  const name = reason === undefined ? 'UNKNOWN_REASON' : DisconnectReason[reason];
  const advice =
    reason === DisconnectReason.DUPLICATE_IDENTITY
      ? ' The same identity joined from somewhere else (another tab?): mint a distinct identity per tab.'
      : '';
  return new CustomTokenError('disconnected', `LiveKit ended the session (${name}).${advice}`, {
    reason: name,
    retryable: reason !== DisconnectReason.DUPLICATE_IDENTITY && reason !== DisconnectReason.PARTICIPANT_REMOVED,
  });
}
