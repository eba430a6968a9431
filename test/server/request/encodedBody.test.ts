// @vitest-environment node
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../../src/server';
import { handlerConfig } from '../handlerConfig';
import { listen, type Listening } from '../listen';
import { verifyToken } from '../verify';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = JSON.stringify({ room_name: 'standup' });
/** 64 MiB of JSON whitespace inflates from about 64 KiB of gzip: what no reader of this body may inflate unbounded. */
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 32), { level: 9 });
/** [what is sent, its Content-Encoding, the body] */
const encodings: [string, string, Uint8Array][] = [
  ['gzip', 'gzip', gzipSync(json)],
  ['deflate', 'deflate', deflateSync(json)],
  ['br', 'br', brotliCompressSync(json)],
  ['GZIP (codings are case-insensitive)', 'GZIP', gzipSync(json)],
  ['two codings, identity then gzip', 'identity, gzip', gzipSync(json)],
  ['gzip, on a body that is plain JSON', 'gzip', Buffer.from(json)],
  ['gzip, on the first 16 000 bytes of a bomb (64 MiB once inflated)', 'gzip', bomb.subarray(0, 16_000)],
];

/** What the answer says: status, code, Accept-Encoding and message. */
async function answer(response: Response | { status: number; headers: Record<string, string | string[] | undefined>; text: string }) {
  const [text, accept] =
    response instanceof Response
      ? [await response.text(), response.headers.get('accept-encoding')]
      : [response.text, response.headers['accept-encoding'] ?? null];
  const body = JSON.parse(text) as { error?: { code: string; message: string } };
  return { status: response.status, code: body.error?.code, accept, message: body.error?.message };
}

/** POSTs exactly these bytes, with a Content-Length, over node:http. */
function postOverHttp(origin: string, body: Uint8Array, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = httpRequest(`${origin}/api/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', 'Content-Length': String(body.byteLength), ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (data: Buffer) => (text += data.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `body` as one chunk under `Transfer-Encoding: <coding>` on a raw socket; resolves with the whole reply. */
function sendChunked(origin: string, coding: string, body: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    let reply = '';
    socket.on('data', (data: Buffer) => (reply += data.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
    socket.write(
      `POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer alice\r\n` +
        `Transfer-Encoding: ${coding}\r\nConnection: close\r\n\r\n${body.byteLength.toString(16)}\r\n`,
    );
    socket.write(body);
    socket.write('\r\n0\r\n\r\n');
  });
}

describe('createTokenHandler: a body sent with a Content-Encoding', () => {
  it.each(encodings)(
    'answers a body sent with Content-Encoding %s with 415 unsupported_media_type naming the coding, and Accept-Encoding: identity',
    async (_, encoding, body) => {
      const request = new Request('http://127.0.0.1/api/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', 'Content-Encoding': encoding },
        body: new Uint8Array(body),
      });
      const { message, ...rest } = await answer(await createTokenHandler(handlerConfig())(request));
      expect(rest).toEqual({ status: 415, code: 'unsupported_media_type', accept: 'identity' });
      expect(message).toContain(`Content-Encoding: ${encoding}`);
    },
  );

  it.each(encodings)('answers it the same way over HTTP through toNodeHandler (%s)', async (_, encoding, body) => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const { message, ...rest } = await answer(await postOverHttp(server.origin, body, { 'Content-Encoding': encoding }));
    expect(rest).toEqual({ status: 415, code: 'unsupported_media_type', accept: 'identity' });
    expect(message).toContain(`Content-Encoding: ${encoding}`);
  });

  // Node's parser, Deno and edge-runtime pass a transfer coding before `chunked` on to the handler as it came (Bun and workerd refuse it themselves).
  it.each([
    ['gzip, chunked', gzipSync(json)],
    ['deflate, chunked', Buffer.from(json)],
  ])('answers a body sent with Transfer-Encoding: %s over HTTP through toNodeHandler with 415 naming the coding', async (coding, body) => {
    server = await listen(toNodeHandler(createTokenHandler(handlerConfig())));
    const reply = await sendChunked(server.origin, coding, body);
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 415 Unsupported Media Type');
    expect(reply).toMatch(/^accept-encoding: identity$/im);
    const { error } = JSON.parse(reply.slice(reply.indexOf('{'))) as { error: { code: string; message: string } };
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain(`Transfer-Encoding: ${coding}`);
  });

  it('answers a Request whose Transfer-Encoding names a coding before chunked with 415', async () => {
    const request = new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', 'Transfer-Encoding': 'gzip, chunked' },
      body: new Uint8Array(gzipSync(json)),
    });
    const { message, ...rest } = await answer(await createTokenHandler(handlerConfig())(request));
    expect(rest).toEqual({ status: 415, code: 'unsupported_media_type', accept: 'identity' });
    expect(message).toContain('Transfer-Encoding: gzip, chunked');
  });

  it.each(['identity', ''])('reads a body sent as Content-Encoding: "%s" as it is, not encoded', async (encoding) => {
    const request = new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', 'Content-Encoding': encoding },
      body: json,
    });
    const response = await createTokenHandler(handlerConfig())(request);
    expect(response.status).toBe(201);
  });

  it.each([
    ['the package’s handler', (handler: ReturnType<typeof createTokenHandler>) => handler],
    [
      'a wrapper around it (served through Request and Response)',
      (handler: ReturnType<typeof createTokenHandler>) => (request: Request) => handler(request),
    ],
  ])('issues a token for a gzip body express.json() inflated before %s', async (_, wrap) => {
    const app = express();
    app.use(express.json());
    app.post('/api/token', toNodeHandler(wrap(createTokenHandler(handlerConfig()))));
    server = await listen(app);
    const reply = await postOverHttp(server.origin, gzipSync(json), { 'Content-Encoding': 'gzip' });
    expect(reply.status).toBe(201);
    const { participant_token } = JSON.parse(reply.text) as { participant_token: string };
    expect((await verifyToken(participant_token)).video?.room).toBe('standup');
  });
});
