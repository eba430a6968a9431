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
 * cannot hold (a BigInt, a cycle) is the client's bad input, not a crash. A string is the body's
 * own text (`express.text()`) when it is as long as the declared `Content-Length` (or none is
 * declared, or the body came compressed). One of another length is not that text but a JSON string
 * a parser made of the body (`express.json({ strict: false })`), written back as JSON, so that it
 * is answered as the Fetch handler answers that body: 400 `invalid_body`, as every top-level value
 * but an object is.
 *
 * @example
 * ```ts
 * const bytes = parsedBodyBytes(req); // Uint8Array, or TokenHandlerError('invalid_json')
 * ```
 */
export function parsedBodyBytes({ body: parsed, headers }: Pick<NodeRequestLike, 'body' | 'headers'>): Uint8Array | TokenHandlerError {
  if (parsed instanceof Uint8Array) return parsed;
  try {
    if (typeof parsed === 'string') {
      const text = new TextEncoder().encode(parsed);
      const declared = headers['content-length'];
      // A compressed body's declared length is not its text's (body-parser inflates it).
      const encoded = headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity';
      if (typeof declared !== 'string' || encoded || Number(declared) === text.byteLength) return text;
    }
    return new TextEncoder().encode(JSON.stringify(parsed));
  } catch {
    return new TokenHandlerError('invalid_json', 'The parsed request body (req.body) cannot be written as JSON.');
  }
}
