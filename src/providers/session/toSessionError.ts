import { ConnectionError, ConnectionErrorReason, DeviceUnsupportedError, DisconnectReason, MediaDeviceFailure } from 'livekit-client';
import { CustomTokenError, isCustomTokenError } from '../../core/errors.js';
import { excerpt } from '../../core/excerpt.js';
import { messageOf } from '../../core/messageOf.js';

/**
 * One error type for whatever `useSession().start()` rejected with: token errors pass through,
 * LiveKit's `ConnectionError` becomes `connection_failed` with its reason's name
 * (`NotAllowed`, `ServerUnreachable`, …), a browser media error `media_failed`, anything else
 * `connection_failed` without a reason.
 */
export function toSessionError(cause: unknown): CustomTokenError {
  if (isCustomTokenError(cause)) return cause;
  if (cause instanceof ConnectionError) {
    // The server answered the join with a leave (the room deleted, the participant removed): the
    // server ended the session before the start finished, with LiveKit's reason.
    if (cause.reason === ConnectionErrorReason.LeaveRequest && typeof cause.context === 'number') return toDisconnectError(cause.context);
    const reason = ConnectionErrorReason[cause.reason as ConnectionErrorReason];
    // Its message may be what the server's validate request got back: a proxy's or a gateway's page, shown by what it says.
    return new CustomTokenError('connection_failed', `LiveKit refused the connection (${reason}): ${excerpt(cause.message)}`, {
      cause,
      reason,
      // Stryker disable next-line ConditionalExpression: livekit-client's ConnectionError has a number or undefined status, so the guard gives the same
      status: typeof cause.status === 'number' ? cause.status : undefined,
      retryable: cause.reason !== ConnectionErrorReason.NotAllowed,
    });
  }
  const mediaFailure = toMediaFailure(cause);
  if (mediaFailure) return mediaFailure;
  return new CustomTokenError('connection_failed', `Could not connect to the LiveKit room: ${excerpt(messageOf(cause))}`, { cause });
}

/**
 * Whether the next join needs another token than the one this join failed with: LiveKit refused
 * it, or the server it names could not be reached — the token endpoint may name another (a
 * healthy node of a cluster) — or the server ended the join (as after a session it ended).
 */
export function needsAnotherToken(cause: unknown): boolean {
  if (isCustomTokenError(cause)) return cause.code === 'disconnected';
  if (!(cause instanceof ConnectionError)) return false;
  const reason = cause.reason as ConnectionErrorReason;
  return (
    reason === ConnectionErrorReason.NotAllowed || // not valid for this server, expired, revoked
    reason === ConnectionErrorReason.ServerUnreachable || // a node stopped, an address gone
    reason === ConnectionErrorReason.WebSocket ||
    reason === ConnectionErrorReason.Timeout
  );
}

/**
 * Whether a join was cancelled on this side (`room.disconnect()`, or another `connect`, while it
 * was under way): livekit-client's word for a connect given up, not one that failed.
 */
export function isCancelledConnect(cause: unknown): boolean {
  return cause instanceof ConnectionError && cause.reason === ConnectionErrorReason.Cancelled;
}

/** The name of LiveKit's `DisconnectReason` (a reason added to LiveKit's protocol after this client's, which the enum does not name, by its number). */
export function disconnectReasonName(reason: DisconnectReason | undefined): string {
  if (reason === undefined) return 'UNKNOWN_REASON';
  const name = DisconnectReason[reason] as string | undefined;
  return name ?? String(reason);
}

/** Why LiveKit ended a live session that nobody ended, by its reason's name, and in words for the common ones (`DUPLICATE_IDENTITY` with advice). */
export function toDisconnectError(reason: DisconnectReason | undefined): CustomTokenError {
  const name = disconnectReasonName(reason);
  const why = inWords(reason);
  return new CustomTokenError('disconnected', `LiveKit ended the session (${name})${why ? `: ${why}` : '.'}`, {
    reason: name,
    retryable: reason !== DisconnectReason.DUPLICATE_IDENTITY && reason !== DisconnectReason.PARTICIPANT_REMOVED,
  });
}

function inWords(reason: DisconnectReason | undefined): string | undefined {
  switch (reason) {
    case DisconnectReason.DUPLICATE_IDENTITY:
      return 'the same identity joined from somewhere else (another tab?); mint a distinct identity per tab.';
    case DisconnectReason.PARTICIPANT_REMOVED:
      return 'you were removed from the call.';
    case DisconnectReason.ROOM_DELETED:
      return 'the call was ended for everyone (its room was deleted).';
    case DisconnectReason.SERVER_SHUTDOWN:
      return 'the LiveKit server shut down.';
  }
}

/** The DOMException names `getUserMedia` / `getDisplayMedia` reject with, as LiveKit names them. */
const MEDIA_ERROR_NAMES = new Set([
  'NotAllowedError',
  'PermissionDeniedError',
  'NotFoundError',
  'DevicesNotFoundError',
  'NotReadableError',
  'TrackStartError',
  'OverconstrainedError',
]);

function toMediaFailure(cause: unknown): CustomTokenError | null {
  const reason = mediaFailureOf(cause);
  if (reason === null) return null;
  const advice =
    reason === MediaDeviceFailure.PermissionDenied
      ? ' Allow camera and microphone access for this site, then try again.'
      : reason === MediaDeviceFailure.DeviceInUse
        ? ' Another application may be using it.'
        : '';
  return new CustomTokenError('media_failed', `Could not start the camera or microphone (${reason}): ${mediaMessageOf(cause)}.${advice}`, {
    cause,
    reason,
    retryable: reason !== MediaDeviceFailure.PermissionDenied,
  });
}

/**
 * What a screen share that did not start failed with: the picker cancelled (`PermissionDenied`,
 * which trying again answers by opening it again), screen capture unavailable, or a browser without
 * it (most mobile ones: LiveKit's `DeviceUnsupportedError`, which trying again cannot change).
 * Anything else stays as it was.
 */
export function toScreenShareFailure(cause: unknown): unknown {
  const unsupported = cause instanceof DeviceUnsupportedError;
  const reason = unsupported ? MediaDeviceFailure.Other : mediaFailureOf(cause);
  if (reason === null) return cause;
  const advice =
    reason === MediaDeviceFailure.PermissionDenied
      ? ' Choose a screen, window or tab to share, then try again.'
      : unsupported
        ? ' This browser cannot share the screen.'
        : '';
  return new CustomTokenError('media_failed', `Could not start the screen share (${reason}): ${mediaMessageOf(cause)}.${advice}`, {
    cause,
    reason,
    retryable: !unsupported,
  });
}

/**
 * A device request on a page without media devices: browsers offer cameras, microphones and
 * screen capture only to secure contexts (HTTPS, or localhost), leaving out
 * `navigator.mediaDevices` elsewhere — livekit-client then fails with a `TypeError`, and trying
 * again cannot help. `null` on a page that has them.
 */
export function toNoMediaDevicesFailure(cause: unknown): CustomTokenError | null {
  if (globalThis.navigator?.mediaDevices) return null;
  return new CustomTokenError('media_failed', 'This page has no media devices: browsers offer them only over HTTPS or from localhost.', {
    cause,
    reason: MediaDeviceFailure.Other,
    retryable: false,
  });
}

/** LiveKit's `MediaDeviceFailure` for a browser media error (a DOMException, which is not an `Error` in every realm: judged by its name); `null` for anything else. */
function mediaFailureOf(cause: unknown): MediaDeviceFailure | null {
  const { name } = (cause ?? {}) as { name?: unknown };
  // Stryker disable next-line ConditionalExpression: a name that is not a string is in no set of strings; the typeof is for TypeScript
  if (typeof name !== 'string' || !MEDIA_ERROR_NAMES.has(name)) return null;
  return MediaDeviceFailure.getFailure(cause) ?? MediaDeviceFailure.Other;
}

/** A media error's message: read off the object, as a DOMException is not an `Error` in every realm. */
function mediaMessageOf(cause: unknown): string {
  return String((cause as { message?: unknown }).message);
}
