import type { NodeRequestLike } from './toNodeHandler.js';

/**
 * Whether a reply must close an HTTP/1 connection: when the request body was not read to its
 * end — refused for its size or its time, or answered before it was read at all (a
 * `Content-Length` over the limit, a wrong `Content-Type`). Kept alive, Node would read and throw
 * away whatever the client still sends, as much as its `Content-Length` declares. HTTP/2 has no
 * `Connection` header: each request is its own stream there, reset instead (`resetUnreadStream`).
 *
 * @example
 * ```ts
 * if (shouldCloseConnection(req, body.abandoned)) res.setHeader('Connection', 'close');
 * ```
 */
export function shouldCloseConnection(req: NodeRequestLike, abandoned: boolean): boolean {
  return (abandoned || req.complete === false) && req.httpVersionMajor !== 2;
}
