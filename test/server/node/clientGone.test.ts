// @vitest-environment node
import { createServer, type Server } from 'node:http';
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
    // The limit (2) is all there: two tokens now.
    await expect(source.fetch({ roomName: 'standup' })).resolves.toMatchObject({ participantToken: expect.any(String) });
    await expect(source.fetch({ roomName: 'lobby' })).resolves.toMatchObject({ participantToken: expect.any(String) });
  });
});
