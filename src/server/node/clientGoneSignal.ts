import type { NodeResponseLike } from './toNodeHandler.js';

/**
 * A signal that aborts once Node's response closes before it was ended: the client went away
 * (its own timeout, a closed tab), as a Fetch server aborts `request.signal` when its client
 * disconnects. The `Request` both Node paths hand to `authorize` carries it, so a token nobody
 * will read is not counted against the caller's limits.
 *
 * Over HTTP/1 the socket closing destroys the response; over `node:http2` a client that gives up
 * resets its stream, and the response only says its stream is finished (`writableFinished`), as it
 * does after a full answer too. What tells them apart on both is whether `end()` was called
 * (`writableEnded`).
 *
 * @example
 * ```ts
 * new Request(url, { method, headers, signal: clientGoneSignal(res) });
 * ```
 */
export function clientGoneSignal(res: NodeResponseLike | undefined): AbortSignal {
  const controller = new AbortController();
  const gone = () => {
    if (res?.writableEnded !== true)
      controller.abort(new DOMException('The client went away before the answer was written.', 'AbortError'));
  };
  if (res?.destroyed === true || res?.writableFinished === true) gone();
  else res?.once?.('close', gone);
  return controller.signal;
}
