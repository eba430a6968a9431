// @vitest-environment node
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../../src/server';
import { handlerConfig } from '../handlerConfig';
import { listen, type Listening } from '../listen';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The URLs `authorize` (or a plain Fetch handler) saw, one per request. */
const seen: string[] = [];
afterEach(() => void seen.splice(0));

const tokenHandler = () =>
  createTokenHandler(
    handlerConfig({
      authorize: (request) => {
        seen.push(request.url);
        return { identity: 'alice' };
      },
    }),
  );

/** A Fetch handler that is not the package's: served through Request/Response (nodeFetchListener). */
const fetchHandler = (request: Request) => {
  seen.push(request.url);
  return Promise.resolve(new Response(null, { status: 204 }));
};

async function post(path: string): Promise<number> {
  const response = await fetch(`${server!.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"room_name":"standup"}',
  });
  await response.arrayBuffer();
  return response.status;
}

describe.each([
  ['the package’s handler', tokenHandler, 201],
  ['another Fetch handler', () => fetchHandler, 204],
])('toNodeHandler(%s) in Express', (_, handler, status) => {
  it('gives request.url the path the request was sent to when mounted with app.use(path, handler)', async () => {
    const app = express();
    app.use('/api/token', toNodeHandler(handler()));
    server = await listen(app);
    expect(await post('/api/token?from=lobby')).toBe(status);
    expect(seen).toEqual([`${server.origin}/api/token?from=lobby`]);
  });

  it('gives request.url the whole path inside a router mounted on a path, after express.json()', async () => {
    const app = express();
    const router = express.Router();
    router.post('/token', toNodeHandler(handler()));
    app.use(express.json());
    app.use('/api', router);
    server = await listen(app);
    expect(await post('/api/token')).toBe(status);
    expect(seen).toEqual([`${server.origin}/api/token`]);
  });

  it('gives request.url the path as sent when routed with app.post(path, handler)', async () => {
    const app = express();
    app.post('/api/token', toNodeHandler(handler()));
    server = await listen(app);
    expect(await post('/api/token')).toBe(status);
    expect(seen).toEqual([`${server.origin}/api/token`]);
  });
});
