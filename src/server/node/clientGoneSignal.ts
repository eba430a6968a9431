import type { NodeResponseLike } from './toNodeHandler.js';

/**
 * A signal that aborts once Node's response closes before it was written: the client went away
 * (its own timeout, a closed tab), as a Fetch server aborts `request.signal` when its client
 * disconnects. The `Request` both Node paths hand to `authorize` carries it, so a token nobody
 * will read is not counted against the caller's limits.
 *
 * @example
 * ```ts
 * new Request(url, { method, headers, signal: clientGoneSignal(res) });
 * ```
 */
export function clientGoneSignal(res: NodeResponseLike | undefined): AbortSignal {
  const controller = new AbortController();
  const gone = () => {
    if (res?.writableFinished !== true)
      controller.abort(new DOMException('The client went away before the answer was written.', 'AbortError'));
  };
  if (res?.destroyed === true) gone();
  else res?.once?.('close', gone);
  return controller.signal;
}
