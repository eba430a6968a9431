// @vitest-environment node
import { createServer, type Server } from 'node:http';
import {
  connect as http2Connect,
  constants,
  createServer as createHttp2Server,
  type ClientHttp2Session,
  type Http2Server,
} from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../../src/core/createEndpointGenerator';
import { createTokenHandler, toNodeHandler } from '../../../src/server';
import { handlerConfig } from '../handlerConfig';
import { listenInTestRange } from '../listen';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/**
 * `toNodeHandler` serves `createTokenHandler` itself from Node's request, and any other Fetch
 * handler (one that wraps it, for logging) through a `Request`: on both, a client that gave up
 * before its limits were counted costs it nothing (docs/server-security.md, "Limits per caller").
 */
describe.each([
  ['createTokenHandler itself', (tokens: (request: Request) => Promise<Response>) => tokens],
  ['a handler that wraps it', (tokens: (request: Request) => Promise<Response>) => (request: Request) => tokens(request)],
])('toNodeHandler serving %s', (_, wrap) => {
  it("counts nothing against the caller's limits for attempts the client gave up on (its timeout) while authorize ran", async () => {
    let slow = true;
    const tokens = createTokenHandler(
      handlerConfig({
        authorize: async () => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 300));
          return { identity: 'alice' };
        },
        limits: { tokens: { limit: 2, windowSeconds: 60 } },
      }),
    );
    server = createServer(toNodeHandler(wrap(tokens)));
    const url = `http://127.0.0.1:${await listenInTestRange(server)}/api/token`;
    const source = createCustomTokenSource(createEndpointGenerator(url), { retries: 1, retryDelayMs: 1, timeoutMs: 100 });
    // Two attempts, both given up on after 100 ms: no token reached the client.
    await expect(source.fetch({ roomName: 'standup' })).rejects.toMatchObject({ code: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 600)); // the server has finished both by now
    slow = false;
    // The limit (2) is all there: two tokens now, asked without the 100 ms timeout (on a loaded
    // machine an answer can take longer, and the retry of an attempt the server counted counts again).
    const patient = createCustomTokenSource(createEndpointGenerator(url), { retries: 0 });
    await expect(patient.fetch({ roomName: 'standup' })).resolves.toMatchObject({ participantToken: expect.any(String) });
    await expect(patient.fetch({ roomName: 'lobby' })).resolves.toMatchObject({ participantToken: expect.any(String) });
  });
});

/**
 * Over `node:http2` a client that gives up resets its stream (what a browser's fetch does when
 * aborted): the response then closes unwritten, as an HTTP/1 one does when its socket closes.
 */
describe.each([
  ['createTokenHandler itself', (tokens: (request: Request) => Promise<Response>) => tokens],
  ['a handler that wraps it', (tokens: (request: Request) => Promise<Response>) => (request: Request) => tokens(request)],
])('toNodeHandler serving %s over HTTP/2', (_, wrap) => {
  let h2: Http2Server | undefined;
  let client: ClientHttp2Session | undefined;
  afterEach(async () => {
    client?.destroy();
    if (h2) await new Promise((resolve) => h2!.close(resolve));
    h2 = client = undefined;
  });

  /** A token request on a new stream; `resetAfterMs` resets it (NGHTTP2_CANCEL) that long after it was sent. */
  function post(room: string, resetAfterMs?: number): Promise<number | 'reset'> {
    const stream = client!.request({
      ':method': 'POST',
      ':path': '/api/token',
      'content-type': 'application/json',
      authorization: 'Bearer alice',
    });
    stream.end(JSON.stringify({ room_name: room }));
    stream.resume();
    if (resetAfterMs !== undefined) setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), resetAfterMs);
    return new Promise((resolve) => {
      stream.on('response', (headers) => resolve(headers[':status']!));
      stream.on('close', () => resolve('reset'));
      stream.on('error', () => resolve('reset'));
    });
  }

  it.each(['after its wait', 'before its wait'])(
    "counts nothing against the caller's limits for streams the client reset while authorize ran, and aborts request.signal (read %s)",
    async (when) => {
      let slow = true;
      const seen: boolean[] = [];
      const tokens = createTokenHandler(
        handlerConfig({
          authorize: async (request) => {
            const signal = when === 'before its wait' ? request.signal : undefined;
            if (slow) {
              await new Promise((resolve) => setTimeout(resolve, 300));
              seen.push((signal ?? request.signal).aborted);
            }
            return { identity: 'alice' };
          },
          limits: { tokens: { limit: 2, windowSeconds: 60 } },
        }),
      );
      h2 = createHttp2Server(toNodeHandler(wrap(tokens)));
      const port = await listenInTestRange(h2);
      client = http2Connect(`http://127.0.0.1:${port}`);
      expect(await Promise.all([post('standup', 100), post('standup', 100)])).toEqual(['reset', 'reset']);
      await new Promise((resolve) => setTimeout(resolve, 600)); // the server has finished both by now
      slow = false;
      // The limit (2) is all there: two tokens now.
      expect(await post('standup')).toBe(201);
      expect(await post('lobby')).toBe(201);
      expect(seen).toEqual([true, true]);
    },
  );
});
