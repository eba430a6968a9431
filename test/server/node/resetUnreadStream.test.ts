// @vitest-environment node
import { connect, constants, createServer, type ClientHttp2Session, type Http2Server } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeHandler, type TokenHandlerConfig } from '../../../src/server';
import { handlerConfig } from '../handlerConfig';
import { listenInTestRange } from '../listen';

let h2: Http2Server | undefined;
let client: ClientHttp2Session | undefined;
afterEach(async () => {
  client?.destroy(); // a body still being sent: a graceful close would wait for it
  if (h2) await new Promise((resolve) => h2!.close(resolve));
  h2 = client = undefined;
});

/** Serves `listener` over HTTP/2 on 127.0.0.1 at a free port, and connects a client to it. */
async function serve(listener: ReturnType<typeof toNodeHandler>): Promise<ClientHttp2Session> {
  h2 = createServer(listener);
  const port = await listenInTestRange(h2);
  return (client = connect(`http://127.0.0.1:${port}`));
}

/**
 * Sends `start`, then a kilobyte every 50 ms for as long as the stream is open (at most 10 s: the
 * bound of a test on a loaded machine; how soon it closed is `sentAfterAnswer`); resolves with the
 * answer, and how the stream ended: its RST_STREAM code, and the bytes sent after the answer.
 */
async function trickle(session: ClientHttp2Session, start: string) {
  const stream = session.request({
    ':method': 'POST',
    ':path': '/api/token',
    'content-type': 'application/json',
    authorization: 'Bearer alice',
  });
  stream.on('error', () => {});
  let status: number | undefined;
  let body = '';
  let sentAfterAnswer = 0;
  stream.on('response', (headers) => (status = headers[':status']));
  stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
  stream.write(start);
  const pump = setInterval(() => {
    if (stream.closed) return;
    stream.write('x'.repeat(1024));
    if (status !== undefined) sentAfterAnswer += 1024;
  }, 50);
  const closed = await Promise.race([
    new Promise<boolean>((resolve) => stream.on('close', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
  ]);
  clearInterval(pump);
  return {
    status,
    body: body ? (JSON.parse(body) as { error: { code: string } }) : undefined,
    closed,
    rstCode: stream.rstCode,
    sentAfterAnswer,
  };
}

describe.each([
  ['createTokenHandler itself', (tokens: (request: Request) => Promise<Response>) => tokens],
  ['a handler that wraps it', (tokens: (request: Request) => Promise<Response>) => (request: Request) => tokens(request)],
])('toNodeHandler serving %s over HTTP/2: a body left unread', (_, wrap) => {
  const cases: [string, Partial<TokenHandlerConfig>, string, number, string][] = [
    ['still arriving at bodyTimeoutMs', { bodyTimeoutMs: 300 }, '{"participant_metadata":"', 408, 'request_timeout'],
    ['crossing maxBodyBytes', { maxBodyBytes: 1024 }, `{"participant_metadata":"${'x'.repeat(2048)}`, 400, 'body_too_large'],
  ];
  it.each(cases)(
    'answers a body %s, then resets the stream with NO_ERROR so the client stops sending',
    async (__, config, start, status, code) => {
      const session = await serve(toNodeHandler(wrap(createTokenHandler(handlerConfig(config)))));
      const ended = await trickle(session, start);
      expect([ended.status, ended.body?.error.code]).toEqual([status, code]);
      expect([ended.closed, ended.rstCode]).toEqual([true, constants.NGHTTP2_NO_ERROR]);
      expect(ended.sentAfterAnswer).toBeLessThanOrEqual(1024);
    },
    15_000,
  );
});
