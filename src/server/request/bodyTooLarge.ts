import { TokenHandlerError } from '../TokenHandlerError.js';

/**
 * The refusal for a body over the limit, however it was noticed (declared length or bytes read).
 *
 * @example
 * ```ts
 * if (total > maxBytes) throw bodyTooLarge(maxBytes);
 * ```
 */
export function bodyTooLarge(maxBytes: number): TokenHandlerError {
  return new TokenHandlerError('body_too_large', `The request body is larger than ${maxBytes} bytes.`);
}
