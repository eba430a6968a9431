import { TokenHandlerError } from '../TokenHandlerError.js';
import type { NodeRequestLike } from './toNodeHandler.js';

/**
 * Whether a body parser read the request and left what it made of it on `req.body`. Express 4's
 * `express.json()` sets `req.body = {}` on every request — also one whose media type it does not
 * parse (`application/vnd.api+json`), whose stream it leaves unread: that body is read from the stream.
 *
 * @example
 * ```ts
 * const bytes = hasParsedBody(req) ? parsedBodyBytes(req.body) : await readTheStream(req);
 * ```
 */
export function hasParsedBody(req: Pick<NodeRequestLike, 'body' | 'readableEnded'>): boolean {
  return req.body !== undefined && req.readableEnded !== false;
}

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
