import { errorResponse } from './errorResponse.js';
import { TokenHandlerError } from './TokenHandlerError.js';

/**
 * The part of Node's `IncomingMessage` (and Express' / Connect's request) the adapter reads.
 *
 * @example
 * ```ts
 * const listener = (req: NodeRequestLike, res: NodeResponseLike) => tokens(req, res);
 * ```
 */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by a body parser (`express.json()`) that already read the stream. */
  body?: unknown;
  // As Node's own `IncomingMessage.on` declares it, so that an `IncomingMessage` (Buffer or string chunks) fits this interface.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: 'data' | 'end' | 'error', listener: (chunk?: any) => void): unknown;
  pause(): unknown;
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
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk?: Uint8Array): unknown;
}

/**
 * Mounts a Fetch-API handler (`createTokenHandler(…)`) on Node's `http` server, Express,
 * Connect or Vite's dev server. The body streams through as it arrives, so the handler's size
 * limit holds without trusting `Content-Length`; a body a parser already read (`req.body`) is
 * passed on as JSON.
 *
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
  return (req, res) => {
    const body = readNodeBody(req);
    let request: Request;
    try {
      request = toRequest(req, body.stream);
    } catch {
      // Fetch refuses some methods outright (TRACE, TRACK); they are not ours to handle either.
      void send(res, errorResponse(new TokenHandlerError('method_not_allowed', 'Use POST.'), { Allow: 'POST' }), body);
      return;
    }
    handler(request).then(
      (response) => send(res, response, body),
      () => send(res, errorResponse(new TokenHandlerError('internal_error', 'The token could not be issued.')), body),
    );
  };
}

interface NodeBody {
  stream: ReadableStream<Uint8Array>;
  /** `true` once the handler stopped reading before the end (a body over the limit). */
  abandoned: boolean;
}

function readNodeBody(req: NodeRequestLike): NodeBody {
  if (req.body !== undefined) {
    const parsed = req.body;
    const bytes = parsed instanceof Uint8Array ? parsed : new TextEncoder().encode(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
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
