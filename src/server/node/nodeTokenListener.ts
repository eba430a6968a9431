import { concatBytes } from '../request/concatBytes.js';
import { bodyTooLarge } from '../request/bodyTooLarge.js';
import { handleTokenRequest, type TokenHandlerReply } from '../handleTokenRequest.js';
import { lazyRequest } from './lazyRequest.js';
import { bodyReadBefore } from './bodyReadBefore.js';
import { encodedBodyRefusal } from '../request/encodedBodyRefusal.js';
import { hasParsedBody, parsedBodyBytes } from './parsedBodyBytes.js';
import type { ResolvedTokenHandlerConfig } from '../config/resolveTokenHandlerConfig.js';
import { resetUnreadStream } from './resetUnreadStream.js';
import { shouldCloseConnection } from './shouldCloseConnection.js';
import { TokenHandlerError } from '../TokenHandlerError.js';
import type { NodeRequestLike, NodeResponseLike } from './toNodeHandler.js';

/**
 * Serves `createTokenHandler`'s pipeline straight from Node's request and response: the body
 * is read from the stream with the size limit, the reply written with one `writeHead` and `end`, and
 * no Fetch `Request` or `Response` is built (the `Request` that `authorize` gets is a
 * {@link lazyRequest}). That is what keeps the Node handler, with all its checks, at the cost of a bare one.
 *
 * @example
 * ```ts
 * createServer(nodeTokenListener(resolveTokenHandlerConfig(config)));
 * ```
 */
export function nodeTokenListener(config: ResolvedTokenHandlerConfig): (req: NodeRequestLike, res: NodeResponseLike) => void {
  return (req, res) => {
    // Stryker disable next-line ObjectLiteral: an absent `abandoned` reads as false, as the false it starts as does
    const body = { abandoned: false };
    let request: Request | undefined;
    void handleTokenRequest(
      {
        // Stryker disable next-line StringLiteral: the pipeline answers every method but POST and OPTIONS alike (405), so "" reads as GET does
        method: req.method ?? 'GET',
        header: (name) => headerValue(req.headers[name]),
        readBody: (maxBytes) => ({ bytes: readNodeBody(req, maxBytes, body), stop: () => void (body.abandoned = true) }),
        request: () => (request ??= lazyRequest(req, res)),
      },
      config,
    ).then((reply) => {
      writeReply(res, reply, shouldCloseConnection(req, body.abandoned));
      resetUnreadStream(req, body.abandoned);
    });
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

function readNodeBody(req: NodeRequestLike, maxBytes: number, body: { abandoned: boolean }): Promise<Uint8Array> {
  if (hasParsedBody(req)) {
    // A body parser (express.json()) already read the stream: its result, as JSON, within the same limit.
    const bytes = parsedBodyBytes(req);
    if (bytes instanceof TokenHandlerError) return Promise.reject(bytes);
    return bytes.byteLength > maxBytes ? Promise.reject(bodyTooLarge(maxBytes)) : Promise.resolve(bytes);
  }
  const consumed = bodyReadBefore(req);
  if (consumed) return Promise.reject(consumed);
  const encoded = encodedBodyRefusal((name) => headerValue(req.headers[name]));
  if (encoded) return Promise.reject(encoded);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    req.on('data', (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      total += bytes.byteLength;
      if (total <= maxBytes) return void chunks.push(bytes);
      body.abandoned = true; // the rest is discarded as it arrives; the connection (or HTTP/2 stream) closes after the reply
      reject(bodyTooLarge(maxBytes));
    });
    // After a refusal or the deadline (body.abandoned) the promise is settled or no longer awaited: what still arrives changes nothing.
    req.on('end', () => resolve(concatBytes(chunks, total)));
    req.on('error', () => reject(new TokenHandlerError('invalid_json', 'The request body could not be read to its end.')));
    req.resume();
  });
}

/**
 * One `writeHead` with every header, the length included (so no chunked encoding): cheaper per
 * reply than a `setHeader` each, and headers set before (Express' `X-Powered-By`) are kept.
 */
function writeReply(res: NodeResponseLike, reply: TokenHandlerReply, close: boolean): void {
  try {
    const { headers } = reply; // built for this request alone
    if (reply.body !== null) headers['Content-Length'] = String(Buffer.byteLength(reply.body));
    if (close) headers.Connection = 'close';
    res.writeHead(reply.status, headers);
    res.end(reply.body ?? undefined);
  } catch {
    // A reply Node refuses to write (a header value it cannot send) still ends the exchange;
    // when the client went away mid-response, this does nothing either.
    try {
      res.statusCode = 500;
      res.end();
    } catch {
      // Nothing left to tell anyone.
    }
  }
}
