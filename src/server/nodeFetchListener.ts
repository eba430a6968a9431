import { errorReply } from './handleTokenRequest.js';
import { parsedBodyBytes } from './parsedBodyBytes.js';
import { TokenHandlerError } from './TokenHandlerError.js';
import type { NodeRequestLike, NodeResponseLike } from './toNodeHandler.js';

/**
 * Serves any Fetch-API handler on Node: converts the request (body streamed, with
 * back-pressure) and writes the `Response` back. `toNodeHandler` uses it for handlers not made
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
      request = toRequest(req, body.stream);
    } catch {
      // Fetch refuses some methods outright (TRACE, TRACK); they are not ours to handle either.
      void send(res, replyResponse(errorReply(new TokenHandlerError('method_not_allowed', 'Use POST.'), { Allow: 'POST' })), body);
      return;
    }
    handler(request).then(
      (response) => send(res, response, body),
      () => send(res, replyResponse(errorReply(new TokenHandlerError('internal_error', 'The token could not be issued.'))), body),
    );
  };
}

function replyResponse(reply: ReturnType<typeof errorReply>): Response {
  return new Response(reply.body, reply);
}

interface NodeBody {
  stream: ReadableStream<Uint8Array>;
  /** `true` once the handler stopped reading before the end (a body over the limit). */
  abandoned: boolean;
}

function readNodeBody(req: NodeRequestLike): NodeBody {
  if (req.body !== undefined) {
    const bytes = parsedBodyBytes(req.body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes instanceof TokenHandlerError) return controller.error(bytes);
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return { stream, abandoned: false };
  }
  const body: NodeBody = { abandoned: false, stream: null as unknown as ReadableStream<Uint8Array> };
  body.stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause();
      req.on('data', (chunk: Uint8Array | string) => {
        if (body.abandoned) return;
        controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
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

function toRequest(req: NodeRequestLike, stream: ReadableStream<Uint8Array>): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(toUrl(req), { method, headers, ...(hasBody && { body: stream, duplex: 'half' }) });
}

function toUrl(req: NodeRequestLike): string {
  try {
    return new URL(req.url ?? '/', `http://${String(req.headers.host ?? 'localhost')}`).href;
  } catch {
    return 'http://localhost/';
  }
}

async function send(res: NodeResponseLike, response: Response, body: NodeBody): Promise<void> {
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    if (body.abandoned) res.setHeader('Connection', 'close');
    res.end(bytes);
  } catch {
    res.end(); // the client went away mid-response; nothing left to tell it
  }
}
