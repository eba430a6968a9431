/**
 * A request stream something read to its end before the handler ran, leaving nothing on
 * `req.body` (a logger, a raw-body capture): no body is left to read, and waiting for one would
 * end in a 408 after `bodyTimeoutMs`. For the Fetch handler, a `Request` whose body a wrapper
 * read (`await request.json()`) or holds a reader of. A set-up mistake on the server, not the
 * caller's: answered 500 and reported to `onError`, saying what to change.
 */
export class BodyReadBeforeError extends Error {
  constructor(
    message = 'The request body was already read to its end before the token handler ran, and nothing was left on req.body: let the handler read the stream, or have whatever read it set req.body to the parsed JSON.',
  ) {
    super(message);
    this.name = 'BodyReadBeforeError';
  }
}
