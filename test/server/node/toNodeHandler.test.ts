// @vitest-environment node
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../../src/server';

type TokenHandler = (request: Request) => Promise<Response>;

/** Sends `text` as it is on a new connection and resolves with everything the server wrote back. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (data: Buffer) => (reply += data.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
    socket.write(text);
  });
}
import { handlerConfig } from '../handlerConfig';
import { listen, postEndlessBody, type Listening } from '../listen';
import { verifyToken } from '../verify';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${server!.origin}/api/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', ...headers },
    body,
  });

describe('toNodeHandler', () => {
  it('serves the token handler on a node:http server', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const response = await post(JSON.stringify({ room_name: 'standup' }));
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { participant_token } = (await response.json()) as { participant_token: string };
    expect(await verifyToken(participant_token)).toMatchObject({ sub: 'alice', video: { room: 'standup' } });
  });

  it('passes the error status, headers and JSON body through', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const response = await fetch(`${server.origin}/api/token`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({ error: { code: 'method_not_allowed', message: 'Use POST (allowed: POST).' } });
  });

  it('reads a Content-Type sent twice (Node keeps the first line; both are JSON here), as the Fetch runtimes do', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const { port } = new URL(server.origin);
    const statusFor = async (types: string[]) => {
      const lines = types.map((type) => `Content-Type: ${type}\r\n`).join('');
      const reply = await rawRequest(
        Number(port),
        `POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer alice\r\n${lines}Content-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      return Number(reply.split(' ')[1]);
    };
    expect(await statusFor(['application/json', 'application/json'])).toBe(201);
    expect(await statusFor(['application/json', 'application/json; charset=utf-8'])).toBe(201);
  });

  it('answers a method Fetch cannot represent (TRACE) with 405', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest(`${server!.origin}/api/token`, { method: 'TRACE' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(405);
  });

  it('stops reading a chunked body without Content-Length once it crosses maxBodyBytes', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig({ maxBodyBytes: 16 * 1024 }))));
    const { response, body, written } = await postEndlessBody(`${server.origin}/api/token`, {
      'Content-Type': 'application/json',
      Authorization: 'Bearer alice',
    });
    expect(response.headers['content-length']).toBeDefined();
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(body).error.code).toBe('body_too_large');
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over maxBodyBytes before reading the body', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig({ maxBodyBytes: 100 }))));
    const response = await post(JSON.stringify({ participant_metadata: 'x'.repeat(500) }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('uses a body a parser already read into req.body', async () => {
    const handler = toNodeHandler(createTokenHandler(handlerConfig()));
    server = await listen((req, res) => {
      // What express.json() does: read the stream, parse it, leave the result on req.body.
      let text = '';
      req.on('data', (data: Buffer) => (text += data.toString()));
      req.on('end', () => handler(Object.assign(req, { body: JSON.parse(text) as unknown }), res));
    });
    const response = await post(JSON.stringify({ room_name: 'parsed-first' }));
    const { participant_token } = (await response.json()) as { participant_token: string };
    expect(await verifyToken(participant_token)).toMatchObject({ video: { room: 'parsed-first' } });
  });

  it('answers a body that stops arriving with 408 request_timeout after bodyTimeoutMs, and closes the connection', async () => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig({ bodyTimeoutMs: 300 }))));
    const { port } = new URL(server.origin);
    const started = Date.now();
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (data: Buffer) => (text += data.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      // Promises 100 bytes, sends 13, then waits: the server must not wait with it.
      socket.write(
        'POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer alice\r\n' +
          'Content-Length: 100\r\n\r\n{"room_name":',
      );
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error.code).toBe('request_timeout');
  });

  it('answers 400 for a parsed req.body JSON cannot hold (a BigInt), without throwing out of the listener', async () => {
    const handler = toNodeHandler(createTokenHandler(handlerConfig()));
    const thrown: unknown[] = [];
    server = await listen((req, res) => {
      // A parser that read the stream and produced a value JSON cannot hold.
      req.resume();
      req.on('end', () => {
        try {
          handler(Object.assign(req, { body: { room_name: 'r', count: 10n } }), res);
        } catch (error) {
          thrown.push(error);
          res.statusCode = 599;
          res.end();
        }
      });
    });
    const response = await post('{}');
    expect(thrown).toEqual([]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_json' });
  });
});

describe('toNodeHandler: a body express.json({ strict: false }) parsed', () => {
  /** What body-parser's json({ strict: false }) leaves on req.body: any JSON value, `{}` for an empty body. */
  const jsonNotStrict = (handler: ReturnType<typeof toNodeHandler>) => (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => handler(Object.assign(req, { body: text === '' ? {} : (JSON.parse(text) as unknown) }), res));
  };
  const answer = async (response: Response) => [response.status, ((await response.json()) as { error?: { code: string } }).error?.code];

  const values = ['"lobby"', '"not json"', '"{\\"room_name\\":\\"lobby\\"}"', '""', '42', 'null', 'true', '[]'];
  it.each([
    ...values.map((json) => ['createTokenHandler', json] as const),
    ...values.map((json) => ['another Fetch handler', json] as const),
  ])('answers the top-level JSON value as the Fetch handler answers the same body (%s, %s)', async (path, json) => {
    const handler = createTokenHandler(handlerConfig());
    const served: TokenHandler = path === 'createTokenHandler' ? handler : (request) => handler(request);
    server = await listen(jsonNotStrict(toNodeHandler(served)));
    const fetched = await handler(
      new Request('http://127.0.0.1/api/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
        body: json,
      }),
    );
    expect(await answer(await post(json))).toEqual(await answer(fetched));
  });
});

describe('toNodeHandler: what a framework left on the request', () => {
  // Express 4's express.json() sets req.body = {} for every request, also one whose media type it
  // does not parse (application/merge-patch+json, application/vnd.api+json), leaving the stream unread.
  const express4Json = (handler: ReturnType<typeof toNodeHandler>) => (req: IncomingMessage, res: ServerResponse) =>
    handler(Object.assign(req, { body: {} }), res);

  for (const [path, wrap] of [
    ['createTokenHandler', (handler: TokenHandler) => handler],
    ['another Fetch handler', (handler: TokenHandler) => (request: Request) => handler(request)],
  ] as const) {
    it(`reads the stream when req.body is a placeholder a parser left without reading it (${path})`, async () => {
      server = await listen(express4Json(toNodeHandler(wrap(createTokenHandler(handlerConfig())))));
      const response = await post(JSON.stringify({ room_name: 'standup', participant_name: 'Alice' }), {
        'Content-Type': 'application/vnd.api+json',
      });
      expect(response.status).toBe(201);
      const { participant_token } = (await response.json()) as { participant_token: string };
      expect(await verifyToken(participant_token)).toMatchObject({ name: 'Alice', video: { room: 'standup' } });
    });

    it(`answers 500 at once, telling onError why, when something before it read the body and left no req.body (${path})`, async () => {
      const onError = vi.fn();
      const handler = toNodeHandler(wrap(createTokenHandler(handlerConfig({ onError }))));
      // A middleware that reads the stream itself (a logger, a raw-body capture) and keeps what it read.
      server = await listen((req, res) => {
        req.resume();
        req.on('end', () => void handler(req, res));
      });
      const response = await post(JSON.stringify({ room_name: 'standup' }));
      expect(response.status).toBe(500);
      expect(onError).toHaveBeenCalledExactlyOnceWith(
        expect.objectContaining({
          name: 'BodyReadBeforeError',
          message: expect.stringMatching(/already read to its end before the token handler/),
        }),
        expect.any(Request),
      );
    });

    it(`gives authorize the Host's URL for a request-target that starts with // (${path})`, async () => {
      const urls: string[] = [];
      const config = handlerConfig({
        authorize: (request: Request) => {
          urls.push(request.url);
          return { identity: 'alice' };
        },
      });
      server = await listen(toNodeHandler(wrap(createTokenHandler(config))));
      const { port } = new URL(server.origin);
      const reply = await rawRequest(
        Number(port),
        'POST //evil.example/api/token HTTP/1.1\r\nHost: app.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      );
      expect(reply).toMatch(/^HTTP\/1\.1 201 /);
      expect(urls).toEqual(['http://app.example//evil.example/api/token']);
    });

    it(`never gives authorize a path the Host header chose: a Host holding /, ?, # or \\ is no host (${path})`, async () => {
      const paths: string[] = [];
      const config = handlerConfig({
        authorize: (request: Request) => {
          paths.push(new URL(request.url).pathname);
          return { identity: 'alice' };
        },
      });
      server = await listen(toNodeHandler(wrap(createTokenHandler(config))));
      const { port } = new URL(server.origin);
      for (const host of ['app.example/admin?', 'app.example/admin#', 'app.example\\admin?', 'app.example/']) {
        const reply = await rawRequest(
          Number(port),
          `POST /api/token HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        );
        expect(reply).toMatch(/^HTTP\/1\.1 201 /);
      }
      // Node accepts each of these Host lines; a URL built on them would put the request-target in the query or fragment, or after the Host's own path.
      expect(paths).not.toContain('/admin');
      expect(paths.every((pathname) => pathname === '/' || pathname === '/api/token')).toBe(true);
    });
  }
});

describe('toNodeHandler: the Request that authorize and the policies get', () => {
  it('is a Request with the Node request’s method, URL and headers, whose other members work too', async () => {
    const seen: Record<string, unknown>[] = [];
    const handler = createTokenHandler(
      handlerConfig({
        authorize: (request) => {
          seen.push({
            isRequest: request instanceof Request,
            method: request.method,
            url: request.url,
            authorization: request.headers.get('authorization'),
            custom: request.headers.get('x-custom'),
            cloneUrl: request.clone().url,
            aborted: request.signal.aborted,
          });
          return { identity: 'alice' };
        },
      }),
    );
    server = await listen(toNodeHandler(handler));
    const response = await post(JSON.stringify({ room_name: 'r' }), { 'X-Custom': 'yes' });
    expect(response.status).toBe(201);
    expect(seen).toEqual([
      {
        isRequest: true,
        method: 'POST',
        url: `${server.origin}/api/token`,
        authorization: 'Bearer alice',
        custom: 'yes',
        cloneUrl: `${server.origin}/api/token`,
        aborted: false,
      },
    ]);
  });

  it('gives a Request the runtime itself takes from clone(): new Request() and fetch copy its method, URL and headers', async () => {
    const copies: Request[] = [];
    const handler = createTokenHandler(
      handlerConfig({
        authorize: (request) => {
          copies.push(new Request(request.clone()));
          return { identity: 'alice' };
        },
      }),
    );
    server = await listen(toNodeHandler(handler));
    expect((await post('{}', { 'X-Custom': 'yes' })).status).toBe(201);
    expect(copies.map(({ method, url, headers }) => ({ method, url, custom: headers.get('x-custom') }))).toEqual([
      { method: 'POST', url: `${server.origin}/api/token`, custom: 'yes' },
    ]);
  });
});
