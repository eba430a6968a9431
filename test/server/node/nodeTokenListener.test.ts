// @vitest-environment node
import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server, type ClientHttp2Session, type Http2Server } from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenHandlerConfig } from '../../../src/server';
import { nodeTokenListener } from '../../../src/server/node/nodeTokenListener';
import { resolveTokenHandlerConfig } from '../../../src/server/config/resolveTokenHandlerConfig';
import { handlerConfig } from '../handlerConfig';
import { listen, sendHeadOnly, type Listening } from '../listen';
import { verifyToken } from '../verify';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves the token pipeline straight from node:http; `before` may change the request first (as a middleware would). */
const serve = async (config: Partial<TokenHandlerConfig> = {}, before?: (req: IncomingMessage, res: ServerResponse) => unknown) => {
  const listener = nodeTokenListener(resolveTokenHandlerConfig(handlerConfig(config)));
  server = await listen((req, res) => void Promise.resolve(before?.(req, res)).then(() => listener(req, res)));
  return server;
};

interface Reply {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: { participant_token?: string; error?: { code: string; message: string } };
}

const tokenHeaders = { 'Content-Type': 'application/json', Authorization: 'Bearer alice' };

/** A token request with node:http: `body` as one string, or as pieces written one after the other. */
function post(body: string | Buffer | (string | Buffer)[], headers: Record<string, string> = tokenHeaders) {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(`${server!.origin}/api/token`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Reply['body'] }),
      );
    });
    req.on('error', reject);
    for (const piece of Array.isArray(body) ? body : [body]) req.write(piece);
    req.end();
  });
}

/** `{"room_name":"r"}` padded with spaces (still the same JSON) to exactly `length` bytes. */
const bodyOf = (length: number) => '{"room_name":"r"}'.padEnd(length, ' ');

describe('nodeTokenListener: the body, read from the stream', () => {
  it('issues a token for a body of exactly maxBodyBytes, sent without Content-Length', async () => {
    await serve({ maxBodyBytes: 64 });
    const body = bodyOf(64);
    const reply = await post([body.slice(0, 32), body.slice(32)], { ...tokenHeaders, 'Transfer-Encoding': 'chunked' });
    expect(reply.status).toBe(201);
  });

  it('issues a token for a body of exactly maxBodyBytes', async () => {
    await serve({ maxBodyBytes: 64 });
    const reply = await post(bodyOf(64));
    expect(reply.status).toBe(201);
    expect(await verifyToken(reply.body.participant_token!)).toMatchObject({ sub: 'alice', video: { room: 'r' } });
  });

  it('refuses a body one byte over maxBodyBytes, sent without Content-Length, with 400 body_too_large and closes the connection', async () => {
    await serve({ maxBodyBytes: 64 });
    const reply = await post(bodyOf(65), { ...tokenHeaders, 'Transfer-Encoding': 'chunked' });
    expect([reply.status, reply.body.error?.code]).toEqual([400, 'body_too_large']);
    expect(reply.headers.connection).toBe('close');
  });

  it.each([
    ['a declared Content-Length over maxBodyBytes (400)', 'application/json', '1000000000', /^HTTP\/1\.1 400 /],
    ['a body that is not JSON (415)', 'text/plain', '100', /^HTTP\/1\.1 415 /],
  ])('closes the connection after refusing %s before reading the body, rather than reading the rest', async (_, type, length, status) => {
    await serve({ maxBodyBytes: 64 });
    const head = `POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nAuthorization: Bearer alice\r\nContent-Length: ${length}`;
    const { reply, closed } = await sendHeadOnly(server!.origin, head, '{"room_name":');
    expect(reply).toMatch(status);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(closed).toBe(true);
  });

  it('keeps the connection alive after a reply to a body read to its end', async () => {
    await serve();
    const reply = await post(bodyOf(20));
    expect(reply.status).toBe(201);
    expect(reply.headers.connection).toBe('keep-alive');
  });

  it('reads a body that arrives as strings (a middleware called req.setEncoding) as its UTF-8', async () => {
    await serve({}, (req) => req.setEncoding('utf8'));
    const reply = await post(JSON.stringify({ room_name: 'café ☕' }));
    expect(reply.status).toBe(201);
    expect(await verifyToken(reply.body.participant_token!)).toMatchObject({ video: { room: 'café ☕' } });
  });

  it('refuses a body that is not UTF-8 with 400 invalid_json, rather than reading it with replacement characters', async () => {
    await serve();
    const reply = await post(Buffer.concat([Buffer.from('{"room_name":"'), Buffer.of(0xff), Buffer.from('"}')]));
    expect([reply.status, reply.body.error?.code]).toEqual([400, 'invalid_json']);
    expect(reply.body.error?.message).toMatch(/UTF-8/);
  });

  it('answers 400 invalid_json (the body could not be read to its end) when the client goes away mid-body, without waiting for bodyTimeoutMs', async () => {
    // The client is gone: what the listener answered is seen where it writes it, on the response.
    let answered!: (reply: { status: number; body: string }) => void;
    const reply = new Promise<{ status: number; body: string }>((resolve) => (answered = resolve));
    await serve({ bodyTimeoutMs: 60_000 }, (_, res) => {
      const end = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        answered({ status: res.statusCode, body: String(args[0]) });
        return end(...args);
      }) as typeof res.end;
    });
    const socket = connect(Number(new URL(server!.origin).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      'POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer alice\r\n' +
        'Content-Length: 100\r\n\r\n{"room_name":',
      () => setTimeout(() => socket.destroy(), 10),
    );
    const { status, body } = await reply;
    expect(status).toBe(400);
    expect(JSON.parse(body)).toEqual({ error: { code: 'invalid_json', message: expect.stringMatching(/could not be read to its end/) } });
  });
});

/**
 * A request as another server's adapter may hand over: a stream with a method and headers, and no
 * `complete` (NodeRequestLike leaves it optional) — so only the listener knows it left the body unread.
 */
function adapterRequest() {
  const body = new PassThrough();
  return Object.assign(body, {
    method: 'POST',
    url: '/api/token',
    headers: { 'content-type': 'application/json', authorization: 'Bearer alice' },
  });
}

/** A response-like that records the one reply written to it. */
function recordedResponse() {
  let written!: (reply: { status: number; headers: Record<string, string>; body: string }) => void;
  const reply = new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve) => (written = resolve));
  let head = { status: 0, headers: {} as Record<string, string> };
  const res = {
    statusCode: 200,
    setHeader: () => undefined,
    writeHead: (status: number, headers: Record<string, string>) => void (head = { status, headers }),
    end: (chunk?: string | Uint8Array) => written({ ...head, body: chunk === undefined ? '' : String(chunk) }),
  };
  return { res, reply };
}

describe('nodeTokenListener: a request that does not say whether its body was read (no `complete`)', () => {
  it('closes the connection after refusing a body over maxBodyBytes', async () => {
    const req = adapterRequest();
    const { res, reply } = recordedResponse();
    nodeTokenListener(resolveTokenHandlerConfig(handlerConfig({ maxBodyBytes: 64 })))(req, res);
    req.write(bodyOf(65)); // and more still to come

    const { status, headers, body } = await reply;
    expect([status, (JSON.parse(body) as Reply['body']).error?.code]).toEqual([400, 'body_too_large']);
    expect(headers.Connection).toBe('close');
  });

  it('closes the connection after answering a body still arriving at bodyTimeoutMs with 408', async () => {
    const req = adapterRequest();
    const { res, reply } = recordedResponse();
    nodeTokenListener(resolveTokenHandlerConfig(handlerConfig({ bodyTimeoutMs: 50 })))(req, res);
    req.write('{"room_name":');

    const { status, headers, body } = await reply;
    expect([status, (JSON.parse(body) as Reply['body']).error?.code]).toEqual([408, 'request_timeout']);
    expect(headers.Connection).toBe('close');
  });

  it('still ends the response, as a 500, when writing the reply throws (as Node does once a middleware sent the headers)', async () => {
    const req = adapterRequest();
    const { res, reply } = recordedResponse();
    res.writeHead = () => {
      throw Object.assign(new Error('Cannot write headers after they are sent to the client'), { code: 'ERR_HTTP_HEADERS_SENT' });
    };
    nodeTokenListener(resolveTokenHandlerConfig(handlerConfig()))(req, res);
    req.end(bodyOf(20));

    expect((await reply).body).toBe('');
    expect(res.statusCode).toBe(500);
  });

  it('still answers, with no unhandled rejection, when an HTTP/2 adapter’s stream cannot be reset', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const stream = {
        close: () => {
          throw new Error('stream already destroyed');
        },
      };
      const req = Object.assign(adapterRequest(), { httpVersionMajor: 2, complete: false, stream });
      const { res, reply } = recordedResponse();
      nodeTokenListener(resolveTokenHandlerConfig(handlerConfig({ maxBodyBytes: 64 })))(req, res);
      req.write(bodyOf(65));

      const { status, body } = await reply;
      expect([status, (JSON.parse(body) as Reply['body']).error?.code]).toEqual([400, 'body_too_large']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('keeps the connection alive after a body read to its end', async () => {
    const req = adapterRequest();
    const { res, reply } = recordedResponse();
    nodeTokenListener(resolveTokenHandlerConfig(handlerConfig()))(req, res);
    req.end(bodyOf(20));

    const { status, headers } = await reply;
    expect(status).toBe(201);
    expect(headers.Connection).toBeUndefined();
  });
});

describe('nodeTokenListener: a body a parser already read (req.body)', () => {
  /** What a body parser does: reads the stream to its end, then leaves its result on req.body. */
  const parsed = (body: unknown) => async (req: IncomingMessage) => {
    req.resume();
    await once(req, 'end');
    Object.assign(req, { body });
  };

  it('reads the stream when req.body is set but nobody read the stream (Express 4 express.json() skipping a media type)', async () => {
    await serve({}, (req) => Object.assign(req, { body: {} }));
    const reply = await post(JSON.stringify({ room_name: 'from-the-stream' }));
    expect(reply.status).toBe(201);
    expect(await verifyToken(reply.body.participant_token!)).toMatchObject({ video: { room: 'from-the-stream' } });
  });

  it('issues a token for a parsed body of exactly maxBodyBytes as JSON', async () => {
    await serve({ maxBodyBytes: 64 }, parsed(bodyOf(64)));
    expect((await post('ignored')).status).toBe(201);
  });

  it('refuses a parsed body one byte over maxBodyBytes with 400 body_too_large', async () => {
    await serve({ maxBodyBytes: 64 }, parsed(bodyOf(65)));
    const reply = await post('{}');
    expect([reply.status, reply.body.error?.code]).toEqual([400, 'body_too_large']);
  });

  it('refuses a parsed body JSON cannot hold with 400 invalid_json naming req.body', async () => {
    await serve({}, parsed({ room_name: 'r', count: 10n }));
    const reply = await post('{}');
    expect([reply.status, reply.body.error?.code]).toEqual([400, 'invalid_json']);
    expect(reply.body.error?.message).toMatch(/req\.body/);
  });
});

describe('nodeTokenListener: the request the pipeline reads', () => {
  it('reads a header given as several values as Fetch’s Headers would: joined with ", "', async () => {
    // A Content-Length of ["100", "0"] reads "100, 0": no number, so no declared length to refuse (and not 1000, which would be).
    await serve({ maxBodyBytes: 64 }, (req) => Object.assign(req.headers, { 'content-length': ['100', '0'] }));
    expect((await post(bodyOf(20))).status).toBe(201);
  });
});

describe('nodeTokenListener: the reply', () => {
  it('declares its length (no chunked encoding), its JSON type and no-store', async () => {
    await serve();
    const reply = await post('{"room_name":"r"}');
    expect(reply.status).toBe(201);
    expect(reply.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(reply.headers['transfer-encoding']).toBeUndefined();
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(reply.body)));
  });

  it('keeps a header a middleware set before it (Express’ X-Powered-By) and replaces one it writes itself', async () => {
    await serve({}, (_req, res) => {
      res.setHeader('X-Powered-By', 'Express');
      res.setHeader('Content-Type', 'text/html');
    });
    const reply = await post('{"room_name":"r"}');
    expect(reply.headers).toMatchObject({ 'x-powered-by': 'Express', 'content-type': 'application/json' });
    expect(reply.body.participant_token).toEqual(expect.any(String));
  });

  it('answers a CORS preflight with 204 and no Content-Length (RFC 9110 forbids it there)', async () => {
    await serve({ cors: { origin: ['https://app.example'] } });
    const reply = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${server!.origin}/api/token`, { method: 'OPTIONS', headers: { Origin: 'https://app.example' } }, resolve);
      req.on('error', reject);
      req.end();
    });
    reply.resume();
    expect(reply.statusCode).toBe(204);
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('nodeTokenListener: HTTP/2 (node:http2’s compatibility API)', () => {
  let h2: Http2Server | undefined;
  let client: ClientHttp2Session | undefined;
  afterEach(async () => {
    client?.destroy(); // a body still being sent: a graceful close would wait for it
    if (h2) await new Promise((resolve) => h2!.close(resolve));
    h2 = client = undefined;
  });

  /** Serves the token pipeline over HTTP/2 and opens a POST stream to it, with the status it is answered with. */
  async function openTokenStream(config: Partial<TokenHandlerConfig> = {}) {
    h2 = createHttp2Server(nodeTokenListener(resolveTokenHandlerConfig(handlerConfig(config))));
    await new Promise<void>((resolve) => h2!.listen(0, '127.0.0.1', resolve));
    client = http2Connect(`http://127.0.0.1:${(h2.address() as AddressInfo).port}`);
    const stream = client.request({
      ':method': 'POST',
      ':path': '/api/token',
      'content-type': 'application/json',
      authorization: 'Bearer alice',
    });
    const headers = new Promise<IncomingHttpHeaders>((resolve, reject) => {
      stream.on('response', resolve);
      stream.on('error', reject);
    });
    return { stream, headers };
  }

  it('issues a token', async () => {
    const { stream, headers } = await openTokenStream();
    stream.end('{"room_name":"standup"}');
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(stream, 'end');
    expect((await headers)[':status']).toBe(201);
    const { participant_token } = JSON.parse(Buffer.concat(chunks).toString()) as { participant_token: string };
    expect((await verifyToken(participant_token)).video?.room).toBe('standup');
  });

  it('answers a body crossing maxBodyBytes with 400 while the client is still sending, with no Connection header and no warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { stream, headers } = await openTokenStream({ maxBodyBytes: 1024 });
      stream.write(`{"participant_metadata":"${'x'.repeat(4096)}`); // never finished
      const answer = await headers;
      expect([answer[':status'], answer.connection]).toEqual([400, undefined]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
