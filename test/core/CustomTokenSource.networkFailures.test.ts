// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import type { CustomTokenError } from '../../src/core/errors';
import type { TokenGenerator } from '../../src/core/types';
import { listen, type Listening } from '../server/listen';
import { mintToken, SERVER_URL } from '../helpers/tokens';

/**
 * README "retries": network errors (`TypeError`) are retried. Browsers word them differently
 * (Chrome "Failed to fetch", Firefox "NetworkError when attempting to fetch resource.", Safari
 * "Load failed", before 17 "Could not connect to the server.", in the user's language on some
 * systems): every one is retried, whatever its words. Run for real where it can be: Node's own
 * `fetch` against a server on 127.0.0.1.
 */
let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Fetches with `generator` (fast retries, so a retry shows in the call count) and returns its calls and error. */
async function failWith(generator: TokenGenerator) {
  let calls = 0;
  const source = createCustomTokenSource(
    async (request, context) => {
      calls += 1;
      return generator(request, context);
    },
    { retries: 2, retryDelayMs: 1, maxRetryDelayMs: 1 },
  );
  const error = await source.fetch({ roomName: 'A' }).then(
    () => expect.unreachable('resolved'),
    (reason: unknown) => reason as CustomTokenError,
  );
  return { calls, error };
}

async function tokenEndpoint() {
  const participantToken = await mintToken({ room: 'A' });
  server = await listen((req, res) => {
    req.resume();
    res.writeHead(201, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ server_url: SERVER_URL, participant_token: participantToken }));
  });
  return `${server.origin}/api/token`;
}

describe('a network failure of a generator of its own', () => {
  it('retries a real network failure: an endpoint that refuses the connection, then answers', async () => {
    const url = await tokenEndpoint();
    const closed = 'http://127.0.0.1:1/api/token';
    let calls = 0;
    const source = createCustomTokenSource(
      async (request, { signal }) => {
        calls += 1;
        const response = await fetch(calls === 1 ? closed : url, { method: 'POST', body: JSON.stringify(request), signal });
        return response.json();
      },
      { retryDelayMs: 1, maxRetryDelayMs: 1 },
    );
    await expect(source.fetch({ roomName: 'A' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(calls).toBe(2);
  });

  it('retries a network failure for good: retryable once the retries ran out', async () => {
    const { calls, error } = await failWith(async (_, { signal }) => (await fetch('http://127.0.0.1:1/api/token', { signal })).json());
    expect(error).toMatchObject({ code: 'generator_failed', retryable: true });
    expect(calls).toBe(3);
  });
});

/**
 * `createEndpointGenerator` checks what makes `fetch` refuse a request (its URL, its headers) before
 * it asks: a `TypeError` its `fetch` rejects with after that, or its answer's body fails with, is
 * the network's, whatever words the browser gives it (Safari before 17 says "Could not connect to
 * the server." or "The network connection was lost.", Firefox fails a body cut off with "Error in
 * body stream"), and its message says so.
 */
describe('createEndpointGenerator: a network failure in any browser’s words is retried', () => {
  it.each([
    'Could not connect to the server.',
    'The network connection was lost.',
    'A server with the specified hostname could not be found.',
  ])('retries a fetch that rejects with TypeError("%s") (Safari before 17), and gets the token', async (words) => {
    const url = await tokenEndpoint();
    let calls = 0;
    const generator = createEndpointGenerator(url, {
      fetch: (input, init) => (++calls === 1 ? Promise.reject(new TypeError(words)) : fetch(input, init)),
    });
    const source = createCustomTokenSource(generator, { retryDelayMs: 1, maxRetryDelayMs: 1 });
    await expect(source.fetch({ roomName: 'A' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(calls).toBe(2);
  });

  it('retries an answer whose body fails half-way with TypeError("Error in body stream") (Firefox), and gets the token', async () => {
    const url = await tokenEndpoint();
    let calls = 0;
    const generator = createEndpointGenerator(url, {
      fetch: async (input, init) => {
        if (++calls > 1) return fetch(input, init);
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            controller.enqueue(new TextEncoder().encode('{"server_url":"'));
            controller.error(new TypeError('Error in body stream'));
          },
        });
        return new Response(body, { status: 201, headers: { 'Content-Type': 'application/json' } });
      },
    });
    const source = createCustomTokenSource(generator, { retryDelayMs: 1, maxRetryDelayMs: 1 });
    await expect(source.fetch({ roomName: 'A' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(calls).toBe(2);
  });
});

/** A generator of the app's own (README "2. The hook") fetches itself: its network failures reach the source as `fetch` gave them. */
describe('a generator of its own: a network failure in any browser’s words is retried', () => {
  it.each([
    'Failed to fetch',
    'Load failed',
    'Could not connect to the server.',
    'The network connection was lost.',
    'Error in body stream',
    'La connexion Internet semble être interrompue.',
  ])('retries TypeError("%s")', async (words) => {
    const url = await tokenEndpoint();
    let calls = 0;
    const source = createCustomTokenSource(
      async (request, { signal }) => {
        if (++calls === 1) throw new TypeError(words);
        return (await fetch(url, { method: 'POST', body: JSON.stringify(request), signal })).json();
      },
      { retryDelayMs: 1, maxRetryDelayMs: 1 },
    );
    await expect(source.fetch({ roomName: 'A' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(calls).toBe(2);
  });
});
