import type { CustomTokenError } from '../core/errors.js';

/**
 * Whether starting the session again may end differently: not when the app refused the user
 * (HTTP 4xx other than 408 and 429) or the token is for something else than asked (`mismatch`,
 * `invalid_options`) — the same request gets the same answer — nor when LiveKit ended the call for
 * a reason joining again would defy (`disconnected` and not `retryable`: the same identity joined
 * elsewhere, or the participant was removed), nor when a device cannot start however often it is
 * asked (`media_failed` and not `retryable`: blocked in the browser, a page without media devices, a
 * browser that cannot share the screen).
 */
export function canRetry({ code, status, retryable }: CustomTokenError): boolean {
  if (code === 'mismatch' || code === 'invalid_options') return false;
  if (code === 'disconnected' || code === 'media_failed') return retryable;
  if (code === 'http' && status !== undefined && status >= 400 && status < 500) return status === 408 || status === 429;
  return true;
}
