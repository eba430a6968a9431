import { TokenHandlerError } from './TokenHandlerError.js';
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

/**
 * A request stream something read to its end before the handler ran, leaving nothing on
 * `req.body` (a logger, a raw-body capture): no body is left to read, and waiting for one would
 * end in a 408 after `bodyTimeoutMs`. A set-up mistake on the server, not the caller's: answered
 * 500 and reported to `onError`, saying what to change.
 */
export class BodyReadBeforeError extends Error {
  constructor() {
    super(
      'The request body was already read to its end before the token handler ran, and nothing was left on req.body: let the handler read the stream, or have whatever read it set req.body to the parsed JSON.',
    );
    this.name = 'BodyReadBeforeError';
  }
}

/**
 * A {@link BodyReadBeforeError} when the request's stream was read to its end and `req.body` holds nothing.
 *
 * @example
 * ```ts
 * const consumed = bodyReadBefore(req);
 * if (consumed) return Promise.reject(consumed);
 * ```
 */
export function bodyReadBefore(req: Pick<NodeRequestLike, 'body' | 'readableEnded'>): BodyReadBeforeError | undefined {
  return req.body === undefined && req.readableEnded === true ? new BodyReadBeforeError() : undefined;
}
