import type { NodeRequestLike } from './toNodeHandler.js';

/** RFC 9113's NO_ERROR (`node:http2`'s `constants.NGHTTP2_NO_ERROR`), written out: this module must not load `node:http2`. */
const NO_ERROR = 0;

/**
 * Over `node:http2`, once the answer is written, tells the client to stop sending a body the
 * handler left unread — refused for its size or its time, or answered before it was read — with
 * `RST_STREAM` `NO_ERROR`, as RFC 9113 §8.1 lets a server do after a complete response. The stream
 * would otherwise stay open, every byte of the rest read and thrown away, for as long as the
 * client keeps sending. Over HTTP/1 the connection is closed instead (`shouldCloseConnection`).
 * Never throws: it runs after the answer, where nobody could catch it.
 *
 * @example
 * ```ts
 * res.end(body);
 * resetUnreadStream(req, body.abandoned);
 * ```
 */
export function resetUnreadStream(req: NodeRequestLike, abandoned: boolean): void {
  if (req.httpVersionMajor !== 2 || (!abandoned && req.complete !== false)) return;
  try {
    req.stream?.close(NO_ERROR);
  } catch {
    // An adapter's stream that cannot be closed (gone already): the answer is written, nothing is left to stop.
  }
}
