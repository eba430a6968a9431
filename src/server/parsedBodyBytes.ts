import { TokenHandlerError } from './TokenHandlerError.js';

/**
 * A body a parser already read (`req.body` after `express.json()`) as JSON bytes; a value JSON
 * cannot hold (a BigInt, a cycle) is the client's bad input, not a crash.
 *
 * @example
 * ```ts
 * const bytes = parsedBodyBytes(req.body); // Uint8Array, or TokenHandlerError('invalid_json')
 * ```
 */
export function parsedBodyBytes(parsed: unknown): Uint8Array | TokenHandlerError {
  if (parsed instanceof Uint8Array) return parsed;
  try {
    return new TextEncoder().encode(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
  } catch {
    return new TokenHandlerError('invalid_json', 'The parsed request body (req.body) cannot be written as JSON.');
  }
}
