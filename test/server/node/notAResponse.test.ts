// @vitest-environment node
import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../../../src/server';
import { listenInTestRange } from '../listen';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** POSTs to `port` with node:http; the status and body it answers. */
function post(port: number) {
  return new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/token' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('toNodeHandler with a Fetch handler that resolves to something other than a Response', () => {
  it.each([
    ['undefined (a wrapper that forgot its return)', undefined],
    ['a plain object', { status: 201, body: '{}' }],
    // A Response of another fetch library (node-fetch's Headers have no getSetCookie): readable, but not a Fetch Response.
    [
      'a Response-like whose headers lack getSetCookie',
      { status: 200, headers: new Map([['content-type', 'application/json']]), arrayBuffer: () => Promise.resolve(new ArrayBuffer(2)) },
    ],
  ])('answers 500 internal_error for %s, and keeps serving', async (_, value) => {
    server = createServer(toNodeHandler((() => Promise.resolve(value)) as unknown as (request: Request) => Promise<Response>));
    const port = await listenInTestRange(server);
    const first = await post(port);
    expect(first.status).toBe(500);
    expect(JSON.parse(first.body)).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
    expect((await post(port)).status).toBe(500);
  });
});
