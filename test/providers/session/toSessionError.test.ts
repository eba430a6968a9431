import { ConnectionError, DeviceUnsupportedError, DisconnectReason } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../../src/core/errors';
import {
  disconnectReasonName,
  isCancelledConnect,
  needsAnotherToken,
  toNoMediaDevicesFailure,
  toScreenShareFailure,
  toSessionError,
} from '../../../src/providers/session/toSessionError';

/** A browser media error as `getUserMedia` rejects with it. */
const mediaError = (name: string) => new DOMException(`${name} happened`, name);

describe('toSessionError: one error type for whatever a start rejected with', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('passes a token error through as it is', () => {
    const error = new CustomTokenError('http', 'the endpoint answered 500', { status: 500 });
    expect(toSessionError(error)).toBe(error);
  });

  it("turns LiveKit's refusal of the token into connection_failed NotAllowed, with its status, and not to be retried as it is", () => {
    const cause = ConnectionError.notAllowed('token expired', 401);
    const error = toSessionError(cause);
    expect(error).toMatchObject({ code: 'connection_failed', reason: 'NotAllowed', status: 401, retryable: false, cause });
    expect(error.message).toBe('LiveKit refused the connection (NotAllowed): token expired');
  });

  it('turns an unreachable server into a retryable connection_failed, without a status it was not given', () => {
    const error = toSessionError(ConnectionError.serverUnreachable('no answer'));
    expect(error).toMatchObject({ code: 'connection_failed', reason: 'ServerUnreachable', status: undefined, retryable: true });
  });

  it('turns a join the server answered with a leave into the disconnect it names: the room deleted is retryable, the same identity elsewhere is not', () => {
    expect(toSessionError(ConnectionError.leaveRequest('left', DisconnectReason.ROOM_DELETED))).toMatchObject({
      code: 'disconnected',
      reason: 'ROOM_DELETED',
      retryable: true,
    });
    expect(toSessionError(ConnectionError.leaveRequest('left', DisconnectReason.DUPLICATE_IDENTITY))).toMatchObject({
      code: 'disconnected',
      reason: 'DUPLICATE_IDENTITY',
      retryable: false,
    });
  });

  it('reads only a leave request with its reason as the server ending the session', () => {
    expect(toSessionError(ConnectionError.notAllowed('token expired', 401, DisconnectReason.ROOM_DELETED))).toMatchObject({
      code: 'connection_failed',
      reason: 'NotAllowed',
    });
    expect(toSessionError(ConnectionError.leaveRequest('left', undefined as unknown as DisconnectReason))).toMatchObject({
      code: 'connection_failed',
      reason: 'LeaveRequest',
    });
  });

  it('turns anything else into connection_failed without a reason, with its message (not retryable: nothing says it may pass)', () => {
    const cause = new TypeError('boom');
    const error = toSessionError(cause);
    expect(error).toMatchObject({ code: 'connection_failed', reason: undefined, retryable: false, cause });
    expect(error.message).toBe('Could not connect to the LiveKit room: boom');
    expect(toSessionError({ name: 'SomethingElse', message: 'x' })).toMatchObject({ code: 'connection_failed' });
  });

  it('turns a device the browser refused into media_failed with advice, retryable unless permission was denied', () => {
    const denied = toSessionError(mediaError('NotAllowedError'));
    expect(denied).toMatchObject({ code: 'media_failed', reason: 'PermissionDenied', retryable: false });
    expect(denied.message).toBe(
      'Could not start the camera or microphone (PermissionDenied): NotAllowedError happened. Allow camera and microphone access for this site, then try again.',
    );
    const inUse = toSessionError(mediaError('NotReadableError'));
    expect(inUse).toMatchObject({ code: 'media_failed', reason: 'DeviceInUse', retryable: true });
    expect(inUse.message).toBe(
      'Could not start the camera or microphone (DeviceInUse): NotReadableError happened. Another application may be using it.',
    );
    const notFound = toSessionError(mediaError('NotFoundError'));
    expect(notFound).toMatchObject({ code: 'media_failed', reason: 'NotFound', retryable: true });
    expect(notFound.message).toBe('Could not start the camera or microphone (NotFound): NotFoundError happened.');
  });
});

describe('the other readings of a failure', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('needsAnotherToken: LiveKit refusing the token, or the server it names out of reach (a stopped node of a cluster)', () => {
    expect(needsAnotherToken(ConnectionError.notAllowed('no', 401))).toBe(true);
    expect(needsAnotherToken(ConnectionError.serverUnreachable('could not establish signal connection'))).toBe(true);
    expect(needsAnotherToken(ConnectionError.websocket('Websocket error during a connection attempt'))).toBe(true);
    expect(needsAnotherToken(ConnectionError.timeout('could not establish signal connection: timed out'))).toBe(true);
    // The server reached, and failing otherwise: the token in hand is as good as ever.
    expect(needsAnotherToken(ConnectionError.internal('server error'))).toBe(false);
    expect(needsAnotherToken(ConnectionError.cancelled('Client initiated disconnect'))).toBe(false);
    expect(needsAnotherToken({ reason: ConnectionError.notAllowed('no', 401).reason })).toBe(false);
  });

  it('isCancelledConnect: only a connect given up on this side', () => {
    expect(isCancelledConnect(ConnectionError.cancelled('Client initiated disconnect'))).toBe(true);
    expect(isCancelledConnect(ConnectionError.notAllowed('no', 401))).toBe(false);
    expect(isCancelledConnect({ reason: ConnectionError.cancelled('x').reason })).toBe(false);
  });

  it("disconnectReasonName: LiveKit's name, a reason this client does not know by its number, none as UNKNOWN_REASON", () => {
    expect(disconnectReasonName(DisconnectReason.SERVER_SHUTDOWN)).toBe('SERVER_SHUTDOWN');
    expect(disconnectReasonName(999 as DisconnectReason)).toBe('999');
    expect(disconnectReasonName(undefined)).toBe('UNKNOWN_REASON');
  });

  it('toScreenShareFailure: the picker cancelled is retryable with advice; a browser without screen sharing is not; anything else stays as it was', () => {
    const cancelled = toScreenShareFailure(mediaError('NotAllowedError'));
    expect(cancelled).toMatchObject({ code: 'media_failed', reason: 'PermissionDenied', retryable: true });
    expect((cancelled as Error).message).toBe(
      'Could not start the screen share (PermissionDenied): NotAllowedError happened. Choose a screen, window or tab to share, then try again.',
    );
    const unsupported = toScreenShareFailure(new DeviceUnsupportedError('getDisplayMedia not supported'));
    expect(unsupported).toMatchObject({ code: 'media_failed', reason: 'Other', retryable: false });
    expect((unsupported as Error).message).toBe(
      'Could not start the screen share (Other): getDisplayMedia not supported. This browser cannot share the screen.',
    );
    const unavailable = toScreenShareFailure(mediaError('NotReadableError'));
    expect(unavailable).toMatchObject({ code: 'media_failed', reason: 'DeviceInUse', retryable: true });
    expect((unavailable as Error).message).toBe('Could not start the screen share (DeviceInUse): NotReadableError happened.');
    const other = new Error('something else');
    expect(toScreenShareFailure(other)).toBe(other);
    expect(toScreenShareFailure(undefined)).toBeUndefined();
  });

  it('toNoMediaDevicesFailure: only on a page without media devices (or without a navigator at all)', () => {
    vi.stubGlobal('navigator', { mediaDevices: {} });
    expect(toNoMediaDevicesFailure(new TypeError('x'))).toBeNull();
    vi.stubGlobal('navigator', {});
    expect(toNoMediaDevicesFailure(new TypeError('x'))).toMatchObject({ code: 'media_failed', reason: 'Other', retryable: false });
    vi.stubGlobal('navigator', undefined);
    expect(toNoMediaDevicesFailure(new TypeError('x'))).toMatchObject({ code: 'media_failed', reason: 'Other', retryable: false });
  });
});
