import { nodeFetchListener } from './nodeFetchListener.js';
import { nodeTokenListener } from './nodeTokenListener.js';
import { resolveCredentials } from '../config/resolveCredentials.js';
import type { ResolvedTokenHandlerConfig } from '../config/resolveTokenHandlerConfig.js';
import { TOKEN_HANDLER_CONFIG } from '../config/TOKEN_HANDLER_CONFIG.js';

/**
 * The part of Node's `IncomingMessage` (and Express' / Connect's request) the adapter reads.
 *
 * @example
 * ```ts
 * const listener = (req: NodeRequestLike, res: NodeResponseLike) => tokens(req, res);
 * ```
 */
export interface NodeRequestLike {
  /** The HTTP method; taken as `GET` when absent. */
  method?: string | undefined;
  /** The request target (path and query); taken as `/` when absent. */
  url?: string | undefined;
  /**
   * The request target as the client sent it, which Express and Connect keep here when they strip a
   * mount path from `url` (`app.use('/api/token', handler)` sees `url` `/`); read before `url`.
   */
  originalUrl?: string | undefined;
  /** The request headers by lower-case name, as Node parses them. */
  headers: Record<string, string | string[] | undefined>;
  /** Set by a body parser (`express.json()`) that already read the stream. */
  body?: unknown;
  /** Node's `Readable.readableEnded`: `false` while nobody has read the body to its end (so a `body` beside it was not parsed from it). */
  readableEnded?: boolean | undefined;
  /** Node's `IncomingMessage.complete`: `false` while the body has not been read to its end. */
  complete?: boolean | undefined;
  /** The connection; over TLS (`node:https`, `node:http2`'s secure server) a `TLSSocket`, whose `encrypted: true` makes `request.url` `https:`. */
  socket?: object | null | undefined;
  /** `2` for `node:http2`'s compatibility API, which has no `Connection` header. */
  httpVersionMajor?: number | undefined;
  /** `node:http2`'s stream of this request: closed (`RST_STREAM`) after the answer when its body is left unread. */
  stream?: { close(code?: number): unknown } | undefined;
  /** Listens for the body's chunks (`data`), its end and a read error. */
  // As Node's own `IncomingMessage.on` declares it, so that an `IncomingMessage` (Buffer or string chunks) fits this interface.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: 'data' | 'end' | 'error', listener: (chunk?: any) => void): unknown;
  /** Stops `data` events until `resume()`. */
  pause(): unknown;
  /** Lets `data` events flow again; also how an unread rest of the body is discarded. */
  resume(): unknown;
}

/**
 * The part of Node's `ServerResponse` the adapter writes.
 *
 * @example
 * ```ts
 * const res: NodeResponseLike = serverResponse; // node:http's ServerResponse fits
 * ```
 */
export interface NodeResponseLike {
  /** The response's HTTP status, for a response not started with `writeHead`. */
  statusCode: number;
  /** Sets one response header; a list of values for a repeated header (`Set-Cookie`). */
  setHeader(name: string, value: string | string[]): unknown;
  /** Writes the status and the given headers at once. */
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  /** Sends the body, if any, and finishes the response. */
  end(chunk?: string | Uint8Array): unknown;
  /** Closed already (HTTP/1). Read, with the three below, for the request's `signal`. */
  destroyed?: boolean | undefined;
  /** Written in full, or closed already (`node:http2`, whose response is never `destroyed`). */
  writableFinished?: boolean | undefined;
  /** The answer was ended (`end()` was called). */
  writableEnded?: boolean | undefined;
  /** Listens for `close`: before `writableEnded`, the client went away. */
  once?(event: 'close', listener: () => void): unknown;
}

/**
 * Mounts a token handler on Node's `http` server, Express, Connect or Vite's dev server. A
 * handler from `createTokenHandler` is served straight from Node's request and response —
 * no Fetch objects, the same checks — and its credentials are checked here, since a Node
 * server is clearly serving (a missing `LIVEKIT_API_KEY` throws now, not at the first
 * request). Any other Fetch handler is served through `Request`/`Response`. The body is read as
 * it arrives, so the size limit holds without trusting `Content-Length`; a body a parser already
 * read (`req.body`) is used as JSON.
 *
 * The `Request` that `authorize` and the policies get from the package's handler is built as it
 * is read: its members work, but the runtime's own code that copies a `Request` —
 * `new Request(request)`, `fetch(request)`, a subclass's `super(request)` — reads state only a
 * `Request` it built has, and throws. Pass such code `request.clone()`, which is one.
 *
 * @throws An `Error` naming a missing or malformed LiveKit variable.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createTokenHandler, toNodeHandler } from 'livekit-custom-token-react/server';
 *
 * const handler = toNodeHandler(createTokenHandler({ authorize: () => ({ identity: 'alice' }) }));
 * createServer(handler).listen(3000, '127.0.0.1'); // or: app.post('/api/token', handler)
 * ```
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>): (req: NodeRequestLike, res: NodeResponseLike) => void {
  const config = (handler as { [TOKEN_HANDLER_CONFIG]?: ResolvedTokenHandlerConfig })[TOKEN_HANDLER_CONFIG];
  if (!config) return nodeFetchListener(handler);
  resolveCredentials(config);
  return nodeTokenListener(config);
}
