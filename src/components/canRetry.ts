import type { CustomTokenError } from '../core/errors.js';
import { isMissingGeneratorError } from '../providers/missingGenerator.js';

/**
 * Whether only other props can fix the failure, so that asking again in any way fails the same:
 * fetch options of the wrong type (`invalid_options`), or this package's refusal of its setup (a
 * provider given no generator). Whatever a generator threw — nothing at all included — is the
 * app's code, which may answer otherwise next time.
 */
export function onlyOtherPropsFix(error: CustomTokenError): boolean {
  return error.code === 'invalid_options' || isMissingGeneratorError(error);
}

/**
 * Whether starting the session again may end differently: not when the app refused the user
 * (HTTP 4xx other than 408 and 429) or the token is for something else than asked (`mismatch`) —
 * the same request gets the same answer — nor when {@link onlyOtherPropsFix}, nor when LiveKit
 * ended the call for a reason joining again would defy (`disconnected` and not `retryable`: the
 * same identity joined elsewhere, or the participant was removed), nor when a device cannot start
 * however often it is asked (`media_failed` and not `retryable`: blocked in the browser, a page
 * without media devices, a browser that cannot share the screen).
 */
export function canRetry(error: CustomTokenError): boolean {
  const { code, status, retryable } = error;
  if (code === 'mismatch' || onlyOtherPropsFix(error)) return false;
  if (code === 'disconnected' || code === 'media_failed') return retryable;
  if (code === 'http' && status !== undefined && status >= 400 && status < 500) return status === 408 || status === 429;
  return true;
}
