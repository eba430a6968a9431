import { clientGoneSignal } from './clientGoneSignal.js';
import { errorReply } from '../handleTokenRequest.js';
import { nodeRequestHeaders } from './nodeRequestHeaders.js';
import { nodeRequestUrl } from './nodeRequestUrl.js';
import { bodyReadBefore } from './bodyReadBefore.js';
import { hasParsedBody, parsedBodyBytes } from './parsedBodyBytes.js';
import { resetUnreadStream } from './resetUnreadStream.js';
import { shouldCloseConnection } from './shouldCloseConnection.js';
import { TokenHandlerError } from '../TokenHandlerError.js';
import type { NodeRequestLike, NodeResponseLike } from './toNodeHandler.js';

/**
 * Serves any Fetch-API handler on Node: converts the request (body streamed, with
 * back-pressure; `signal` aborted when the client goes away before the answer is written, as
 * Fetch servers do) and writes the `Response` back. `toNodeHandler` uses it for handlers not made
 * by `createTokenHandler` (a wrapper that adds logging, say); those get no fast path.
 *
 * @example
 * ```ts
 * createServer(nodeFetchListener(async (request) => new Response('ok')));
 * ```
 */
export function nodeFetchListener(handler: (request: Request) => Promise<Response>): (req: NodeRequestLike, res: NodeResponseLike) => void {
  return (req, res) => {
    const body = readNodeBody(req);
    let request: Request;
    try {
      request = toRequest(req, res, body.stream);
    } catch {
      // Fetch refuses some methods outright (TRACE, TRACK); they are not ours to handle either.
      void send(req, res, replyResponse(errorReply(new TokenHandlerError('method_not_allowed', 'Use POST.'), { Allow: 'POST' })), body);
      return;
    }
    // A handler that throws rather than rejects (one not `async`) is answered 500 too, not left to crash the server.
    new Promise<Response>((resolve) => resolve(handler(request))).then(
      (response) => send(req, res, response, body),
      () => send(req, res, internalError(), body),
    );
  };
}

function replyResponse(reply: ReturnType<typeof errorReply>): Response {
  return new Response(reply.body, reply);
}

function internalError(): Response {
  return replyResponse(errorReply(new TokenHandlerError('internal_error', 'The token could not be issued.')));
}

interface NodeBody {
  stream: ReadableStream<Uint8Array>;
  /** `true` once the handler stopped reading before the end (a body over the limit). */
  abandoned: boolean;
}

function readNodeBody(req: NodeRequestLike): NodeBody {
  if (hasParsedBody(req)) {
    const bytes = parsedBodyBytes(req);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes instanceof TokenHandlerError) return controller.error(bytes);
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return { stream, abandoned: false };
  }
  const consumed = bodyReadBefore(req);
  if (consumed) return { stream: new ReadableStream({ start: (controller) => controller.error(consumed) }), abandoned: false };
  // Stryker disable next-line ObjectLiteral: an absent `abandoned` reads as false, as the false it starts as does (and `stream` is set below)
  const body: NodeBody = { abandoned: false, stream: null as unknown as ReadableStream<Uint8Array> };
  body.stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause();
      req.on('data', (chunk: Uint8Array | string) => {
        if (body.abandoned) return;
        controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
        // Stryker disable next-line LogicalOperator,ConditionalExpression: desiredSize is never below 0 here (reading pauses at 0) nor null (an errored stream: enqueue has thrown); pausing always would be undone by the next read's pull, the same bytes a little later
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => body.abandoned || controller.close());
      req.on('error', (error) => body.abandoned || controller.error(error));
    },
    pull: () => void req.resume(),
    cancel: () => {
      body.abandoned = true;
      req.resume(); // discard the rest; the connection is closed after the response
    },
  });
  return body;
}

/** The Fetch `Request` for Node's: its `signal` aborts when the client goes away before the answer is written. */
function toRequest(req: NodeRequestLike, res: NodeResponseLike, stream: ReadableStream<Uint8Array>): Request {
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const headers = nodeRequestHeaders(req);
  // A body a parser read (express.json() inflates gzip) is handed on as JSON: no longer in the coding the header names.
  if (hasParsedBody(req)) headers.delete('content-encoding');
  return new Request(nodeRequestUrl(req), {
    method,
    headers,
    signal: clientGoneSignal(res),
    ...(hasBody && { body: stream, duplex: 'half' }),
  });
}

/**
 * What Node refuses in a header value (`ERR_INVALID_CHAR`): a control character other than tab.
 * Fetch's `Headers` refuses only NUL, CR and LF, so a handler's `Response` can hold the others.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const UNSENDABLE_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

function isSendable(headers: Headers): boolean {
  let sendable = true;
  headers.forEach((value) => (sendable &&= !UNSENDABLE_VALUE.test(value)));
  return sendable;
}

/** Headers about one connection, not the answer (RFC 9110 §7.6.1, and those RFC 9113 §8.2.2 forbids): `node:http2` throws on each. */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'http2-settings',
  'host',
]);

async function send(req: NodeRequestLike, res: NodeResponseLike, response: Response, body: NodeBody): Promise<void> {
  // Read inside the promise, before anything is written, so a handler that resolved to no Response at
  // all (a wrapper that forgot its `return`, another library's Response without Fetch's headers) fails
  // here too, rather than throw out of the listener as an unhandled rejection or leave the client unanswered.
  const read = await Promise.resolve(response)
    .then(async (answer) => ({ cookies: answer.headers.getSetCookie(), bytes: new Uint8Array(await answer.arrayBuffer()) }))
    .catch(() => undefined);
  // No Response, or its body broke (a failing stream) before any of it was sent: answered as a failing handler is.
  if (!read) return send(req, res, internalError(), body);
  // A header value Node refuses to send would throw halfway through the headers below, leaving the
  // client without an answer: answered as a failing handler is, before anything is set.
  if (!isSendable(response.headers)) return send(req, res, internalError(), body);
  try {
    res.statusCode = response.status;
    // How the connection and the body are framed is this listener's (and Node's) to decide: a
    // handler's own connection-specific headers are not copied — `Connection` (decided below, from
    // what Node read of the body), and the `Keep-Alive` and `Transfer-Encoding` a fetched answer
    // passed on carries, which node:http2 refuses to send (the answer would never go out).
    response.headers.forEach((value, name) => CONNECTION_SPECIFIC.has(name) || res.setHeader(name, value));
    // Headers joins repeated values with ", ", which a cookie may contain: each Set-Cookie is its own
    // line (none at all, [], writes no line).
    res.setHeader('Set-Cookie', read.cookies);
    if (shouldCloseConnection(req, body.abandoned)) res.setHeader('Connection', 'close');
    res.end(read.bytes);
    resetUnreadStream(req, body.abandoned);
  } catch {
    // `res` was answered already (by a middleware before this one): nothing left to tell the client.
  }
}
