// @vitest-environment node
import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../../src/server';
import { nodeFetchListener } from '../../../src/server/node/nodeFetchListener';
import { TokenHandlerError } from '../../../src/server/TokenHandlerError';
import type { NodeRequestLike, NodeResponseLike } from '../../../src/server/node/toNodeHandler';
import { handlerConfig } from '../handlerConfig';
import { listen, postEndlessBody, sendHeadOnly, type Listening } from '../listen';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves a Fetch handler (not one from createTokenHandler) through toNodeHandler. */
const serve = async (handler: (request: Request) => Promise<Response>, before?: (req: IncomingMessage) => unknown) => {
  const listener = toNodeHandler(handler);
  server = await listen((req, res) => void Promise.resolve(before?.(req)).then(() => listener(req, res)));
  return server;
};

interface Reply {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with node:http (which, unlike fetch, sends any method and shows every response header). */
function send(path: string, init: { method?: string; headers?: Record<string, string | string[]>; body?: string | Uint8Array } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(`${server!.origin}${path}`, { method: init.method ?? 'POST', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A raw HTTP exchange on a socket: what the server wrote back, once it closes the connection. */
function sendRaw(text: string) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(new URL(server!.origin).port), '127.0.0.1');
    let reply = '';
    socket.on('data', (data: Buffer) => (reply += data.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
    socket.write(text);
  });
}

/** A handler that answers with what it saw of the request. */
const echo = async (request: Request) =>
  Response.json({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    body: request.body ? await request.text() : null,
  });

const errorOf = (reply: Reply) => (JSON.parse(reply.body) as { error: { code: string; message: string } }).error;

describe('nodeFetchListener: the response', () => {
  it('writes the handler’s status, headers and body back', async () => {
    await serve(async () => new Response('short and stout', { status: 418, headers: { 'Content-Type': 'text/plain', 'X-Pot': 'tea' } }));
    const reply = await send('/');
    expect(reply.status).toBe(418);
    expect(reply.headers['content-type']).toBe('text/plain');
    expect(reply.headers['x-pot']).toBe('tea');
    expect(reply.body).toBe('short and stout');
  });

  it('writes every Set-Cookie of the response, each as its own header line', async () => {
    await serve(async () => {
      const headers = new Headers({ 'Content-Type': 'text/plain' });
      headers.append('Set-Cookie', 'a=1; Path=/');
      headers.append('Set-Cookie', 'b=2; Path=/; HttpOnly');
      return new Response('ok', { headers });
    });
    const reply = await send('/');
    expect(reply.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(reply.headers['content-type']).toBe('text/plain');
  });

  it('answers over HTTP/2 a handler that passes on a fetched answer: its Keep-Alive and Transfer-Encoding, which HTTP/2 refuses, left out', async () => {
    // The token endpoint behind a wrapper that forwards to it with fetch: undici's Response keeps
    // the upstream's Keep-Alive (and Transfer-Encoding when chunked), which node:http2 refuses to send.
    const upstream = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const proxy = async (request: Request) =>
      fetch(`${upstream.origin}/api/token`, { method: 'POST', headers: request.headers, body: await request.text() });
    const h2 = createHttp2Server(toNodeHandler(proxy));
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    const client = http2Connect(`http://127.0.0.1:${(h2.address() as AddressInfo).port}`);
    try {
      const reply = await new Promise<{ status: unknown; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const stream = client.request({
          ':method': 'POST',
          ':path': '/api/token',
          'content-type': 'application/json',
          authorization: 'Bearer alice',
        });
        let headers: Record<string, unknown> = {};
        let body = '';
        stream.on('response', (received) => (headers = received));
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('end', () => resolve({ status: headers[':status'], headers, body }));
        stream.on('error', reject);
        stream.end('{"room_name":"standup"}');
      });
      expect(reply.status).toBe(201);
      expect(reply.headers['keep-alive']).toBeUndefined();
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(reply.body)).toHaveProperty('participant_token');
    } finally {
      client.close();
      await new Promise((resolve) => h2.close(resolve));
      await upstream.close();
    }
  });

  it('answers 500 internal_error, rather than not at all, when a header value is one Fetch allows and Node refuses to send (a control character)', async () => {
    // Fetch refuses only NUL, CR and LF in a value; Node also every other control character (ERR_INVALID_CHAR).
    await serve(async () => new Response('ok', { headers: { 'Content-Type': 'text/plain', 'X-Caller': 'Al\u0007ice' } }));
    const reply = await send('/');
    expect(reply.status).toBe(500);
    expect(errorOf(reply).code).toBe('internal_error');
    expect([reply.headers['cache-control'], reply.headers['x-caller']]).toEqual(['no-store', undefined]);
  });

  it('keeps the connection open after a request whose body was read to its end', async () => {
    await serve(echo);
    const reply = await send('/', { body: '{}' });
    expect(reply.headers.connection).toBe('keep-alive');
  });

  it('answers 500 internal_error in JSON, never cached, when the handler rejects', async () => {
    await serve(() => Promise.reject(new Error('database down')));
    const reply = await send('/');
    expect(reply.status).toBe(500);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(errorOf(reply)).toEqual({ code: 'internal_error', message: expect.stringMatching(/could not be issued/) });
    expect(reply.body).not.toContain('database down');
  });

  it('answers 500 internal_error when the handler throws instead of returning a promise, and keeps serving', async () => {
    await serve((request) => {
      if (request.method === 'POST') throw new Error('not async');
      return Promise.resolve(new Response('ok'));
    });
    const reply = await send('/');
    expect(reply.status).toBe(500);
    expect(errorOf(reply).code).toBe('internal_error');
    expect((await send('/', { method: 'GET' })).body).toBe('ok');
  });

  it('answers 500 internal_error, not an empty 200, when the response’s body fails before it is sent', async () => {
    await serve(async () => new Response(new ReadableStream({ start: (controller) => controller.error(new Error('upstream went away')) })));
    const reply = await send('/');
    expect(reply.status).toBe(500);
    expect(errorOf(reply).code).toBe('internal_error');
  });

  it('answers a method Fetch refuses (TRACE) with 405 method_not_allowed and Allow: POST, without calling the handler', async () => {
    const seen: string[] = [];
    await serve(async (request) => (seen.push(request.method), new Response('ok')));
    const reply = await send('/', { method: 'TRACE' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
    expect(reply.headers['content-type']).toBe('application/json');
    expect(errorOf(reply)).toEqual({ code: 'method_not_allowed', message: expect.stringMatching(/POST/) });
    expect(seen).toEqual([]);
  });
});

describe('nodeFetchListener: the Request the handler gets', () => {
  it('has the method, the URL from Host and the path, the headers and the body', async () => {
    await serve(echo);
    const reply = await send('/api/token?room=r', {
      method: 'PUT',
      headers: { 'X-Custom': 'yes', 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(JSON.parse(reply.body)).toMatchObject({
      method: 'PUT',
      url: `${server!.origin}/api/token?room=r`,
      headers: { 'x-custom': 'yes', 'content-type': 'text/plain' },
      body: 'hello',
    });
  });

  it('has every value of a header sent several times', async () => {
    await serve(async (request) => Response.json(request.headers.getSetCookie()));
    const reply = await send('/', { headers: { 'Set-Cookie': ['a=1', 'b=2'] } });
    expect(JSON.parse(reply.body)).toEqual(['a=1', 'b=2']);
  });

  it('leaves out a header whose value is undefined', async () => {
    await serve(echo, (req) => (req.headers['x-unset'] = undefined));
    const reply = await send('/', { body: '' });
    expect(Object.keys((JSON.parse(reply.body) as { headers: object }).headers)).not.toContain('x-unset');
  });

  it('serves HTTP/2 (node:http2’s compatibility API): the URL from :authority, its pseudo-headers (:method, :path, …) left out', async () => {
    const h2 = createHttp2Server(toNodeHandler(echo));
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    const client = http2Connect(`http://127.0.0.1:${(h2.address() as AddressInfo).port}`);
    try {
      const reply = await new Promise<{ status: unknown; body: string }>((resolve, reject) => {
        const stream = client.request({ ':method': 'POST', ':path': '/api/token', 'x-custom': 'yes' });
        let status: unknown;
        let body = '';
        stream.on('response', (headers) => (status = headers[':status']));
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
        stream.end('{}');
      });
      expect(reply.status).toBe(200);
      const seen = JSON.parse(reply.body) as { method: string; url: string; headers: Record<string, string>; body: string };
      expect([seen.method, seen.headers['x-custom'], seen.body]).toEqual(['POST', 'yes', '{}']);
      expect(seen.url).toBe(`http://127.0.0.1:${(h2.address() as AddressInfo).port}/api/token`);
      expect(Object.keys(seen.headers).filter((name) => name.startsWith(':'))).toEqual([]);
    } finally {
      client.close();
      await new Promise((resolve) => h2.close(resolve));
    }
  });

  it.each(['GET', 'HEAD'])('serves %s, which has no body', async (method) => {
    await serve(
      async (request) => new Response(null, { headers: { 'X-Method': request.method, 'X-Has-Body': String(request.body !== null) } }),
    );
    const reply = await send('/', { method });
    expect(reply.status).toBe(200);
    expect([reply.headers['x-method'], reply.headers['x-has-body']]).toEqual([method, 'false']);
  });

  it('takes a request without Host (HTTP/1.0) to be for localhost', async () => {
    await serve(echo);
    const reply = await sendRaw('GET /path?q=1 HTTP/1.0\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('"url":"http://localhost/path?q=1"');
  });

  it('takes a request whose Host makes no URL to be for its own path on http://localhost', async () => {
    await serve(echo);
    const reply = await sendRaw('GET /path HTTP/1.1\r\nHost: not a host\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('"url":"http://localhost/path"');
  });

  it('reads a request object without method or URL (both optional in NodeRequestLike) as GET /', async () => {
    await serve(echo, (req) => Object.assign(req, { method: undefined, url: undefined }));
    const reply = await send('/ignored', { method: 'GET' });
    expect(JSON.parse(reply.body)).toMatchObject({ method: 'GET', url: `${server!.origin}/` });
  });

  it('passes a binary body through byte for byte', async () => {
    const bytes = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7) % 256);
    await serve(async (request) => new Response(await request.arrayBuffer()));
    const response = await fetch(`${server!.origin}/`, { method: 'POST', body: bytes });
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('reads a body that arrives as strings (a middleware called req.setEncoding) as its UTF-8', async () => {
    await serve(echo, (req) => req.setEncoding('utf8'));
    const reply = await send('/', { body: '{"room_name":"café ☕"}' });
    expect((JSON.parse(reply.body) as { body: string }).body).toBe('{"room_name":"café ☕"}');
  });

  it('gives the body a parser already read (req.body) as JSON', async () => {
    const listener = toNodeHandler(echo);
    // As express.json() does: the stream read to its end, then its result in req.body.
    server = await listen((req, res) => {
      req.resume();
      req.on('end', () => listener(Object.assign(req, { body: { room_name: 'parsed' } }), res));
    });
    const reply = await send('/', { body: 'ignored' });
    expect((JSON.parse(reply.body) as { body: string }).body).toBe('{"room_name":"parsed"}');
    expect(reply.headers.connection).toBe('keep-alive');
  });

  it('fails reading a body something read before it (leaving no req.body), and keeps the connection alive: nothing is left to discard', async () => {
    const listener = toNodeHandler(async (request) =>
      request.text().then(
        () => new Response('read'),
        (error: unknown) => new Response((error as Error).message, { status: 500 }),
      ),
    );
    // A middleware that reads the stream itself (a logger, a raw-body capture) and keeps what it read.
    server = await listen((req, res) => {
      req.resume();
      req.on('end', () => listener(req, res));
    });
    const reply = await send('/', { body: '{"room_name":"r"}' });
    expect([reply.status, reply.body]).toEqual([500, expect.stringMatching(/already read to its end before the token handler/)]);
    expect(reply.headers.connection).toBe('keep-alive');
  });

  it('makes reading a parsed req.body that JSON cannot hold fail with invalid_json', async () => {
    await serve(
      async (request) =>
        request.text().then(
          () => new Response('read'),
          (error: unknown) =>
            Response.json({ isTokenHandlerError: error instanceof TokenHandlerError, code: (error as TokenHandlerError).code }),
        ),
      // A parser that read the stream to its end and made something JSON cannot hold of it.
      async (req) => {
        req.resume();
        await once(req, 'end');
        Object.assign(req, { body: { count: 10n } });
      },
    );
    const reply = await send('/', { body: '{}' });
    expect(JSON.parse(reply.body)).toEqual({ isTokenHandlerError: true, code: 'invalid_json' });
  });

  it('makes the handler’s body read fail when the client goes away mid-body, and keeps serving', async () => {
    let failed!: (reason: unknown) => void;
    const readFailure = new Promise((resolve) => (failed = resolve));
    await serve(async (request) =>
      request.text().then(
        () => new Response('read'),
        (error: unknown) => (failed(error), new Response('failed')),
      ),
    );
    const socket = connect(Number(new URL(server!.origin).port), '127.0.0.1');
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"room_name":');
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), 20);
    expect(await readFailure).toBeInstanceOf(Error);
    expect((await send('/', { method: 'GET' })).status).toBe(200);
  });
});

describe('nodeFetchListener: a body over the limit (createTokenHandler behind a wrapper)', () => {
  const wrapped = (maxBodyBytes: number) => {
    const tokens = createTokenHandler(handlerConfig({ maxBodyBytes }));
    return (request: Request) => tokens(request); // a wrapper (logging, say): served through Request/Response
  };
  const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer alice', 'Transfer-Encoding': 'chunked' };

  it('answers 400 body_too_large and closes the connection when a chunked body crosses maxBodyBytes, reading no further', async () => {
    await serve(wrapped(16 * 1024));
    const { response, body, written } = await postEndlessBody(`${server!.origin}/api/token`, headers);
    expect(response.statusCode).toBe(400);
    expect(response.headers.connection).toBe('close');
    expect((JSON.parse(body) as { error: { code: string } }).error.code).toBe('body_too_large');
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });

  it.each([
    ['a declared Content-Length over maxBodyBytes (400)', 'application/json', '1000000000', /^HTTP\/1\.1 400 /],
    ['a body that is not JSON (415)', 'text/plain', '100', /^HTTP\/1\.1 415 /],
  ])('closes the connection after refusing %s before reading the body, rather than reading the rest', async (_, type, length, status) => {
    await serve(wrapped(1024));
    const head = `POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nAuthorization: Bearer alice\r\nContent-Length: ${length}`;
    const { reply, closed } = await sendHeadOnly(server!.origin, head, '{"room_name":');
    expect(reply).toMatch(status);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(closed).toBe(true);
  });

  it.each([
    ['', {}],
    [', with a Content-Length (the handler asks for Connection: close, which HTTP/2 drops)', { 'content-length': '5000' }],
  ])(
    'refuses an HTTP/2 body over the limit without a Connection header%s (HTTP/2 has none, and Node warns about one)',
    async (_, length) => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      const h2 = createHttp2Server(toNodeHandler(wrapped(100)));
      await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
      const client = http2Connect(`http://127.0.0.1:${(h2.address() as AddressInfo).port}`);
      try {
        const status = await new Promise<unknown>((resolve, reject) => {
          const stream = client.request({
            ':method': 'POST',
            ':path': '/api/token',
            'content-type': 'application/json',
            authorization: 'Bearer alice',
            ...length,
          });
          stream.on('response', (headers) => resolve([headers[':status'], headers.connection]));
          stream.on('error', reject);
          stream.end('x'.repeat(5_000));
        });
        expect(status).toEqual([400, undefined]);
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings.map((warning) => warning.message)).toEqual([]);
      } finally {
        process.off('warning', onWarning);
        client.destroy(); // the rest of the body is still unsent: a graceful close would wait for it
        await new Promise((resolve) => h2.close(resolve));
      }
    },
  );

  it('answers 400 body_too_large for a finite chunked body over the limit that finishes arriving after the refusal', async () => {
    await serve(wrapped(1024));
    const reply = await send('/api/token', { headers, body: JSON.stringify({ participant_metadata: 'x'.repeat(256 * 1024) }) });
    expect(reply.status).toBe(400);
    expect(errorOf(reply).code).toBe('body_too_large');
    expect((await send('/api/token', { method: 'GET' })).status).toBe(405);
  });
});

describe('nodeFetchListener: back-pressure', () => {
  /** A Node request whose body is written by the test: `write()` says false once the listener stops taking data. */
  function streamedRequest(): NodeRequestLike & PassThrough {
    return Object.assign(new PassThrough(), { method: 'POST', url: '/', headers: { host: 'localhost' } });
  }
  function recordedResponse() {
    let ended!: (value: { status: number; body: string }) => void;
    const done = new Promise<{ status: number; body: string }>((resolve) => (ended = resolve));
    const res: NodeResponseLike = {
      statusCode: 200,
      setHeader: () => undefined,
      writeHead: () => undefined,
      end: (chunk) => ended({ status: res.statusCode, body: chunk === undefined ? '' : Buffer.from(chunk).toString() }),
    };
    return { res, done };
  }

  /** Writes `chunk` until the request stops taking it (no 'drain' within a few event-loop turns) or `limit` bytes. */
  async function writeUntilStalled(req: PassThrough, chunk: Buffer, limit: number): Promise<number> {
    let written = 0;
    while (written < limit) {
      const accepted = req.write(chunk);
      written += chunk.length;
      if (accepted) continue;
      const drained = await new Promise<boolean>((resolve) => {
        req.once('drain', () => resolve(true));
        let turns = 0;
        const wait = () => (++turns > 10 ? resolve(false) : setImmediate(wait));
        wait();
      });
      if (!drained) return written;
    }
    return written;
  }

  it('takes no more of the body than the handler reads, then delivers all of it', async () => {
    let startReading!: () => void;
    const gate = new Promise<void>((resolve) => (startReading = resolve));
    const req = streamedRequest();
    const { res, done } = recordedResponse();
    nodeFetchListener(async (request) => {
      await gate;
      return new Response(String((await request.arrayBuffer()).byteLength));
    })(req, res);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const written = await writeUntilStalled(req, chunk, 16 * 1024 * 1024);
    // Unread, the body is taken one chunk ahead of the handler, and one more waits in Node's buffer: not the 16 MiB on offer.
    expect(written).toBeLessThanOrEqual(2 * chunk.length);
    startReading();
    const rest = 1024 * 1024;
    req.end(Buffer.alloc(rest, 0x62));
    expect(await done).toEqual({ status: 200, body: String(written + rest) });
  });
});
