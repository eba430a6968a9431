// @vitest-environment node
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { mintToken } from '../helpers/tokens';
import { listen, type Listening } from '../server/listen';

const servers: Listening[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** Two real endpoints on 127.0.0.1, on two ports — two origins: the first redirects (307, the POST kept) to the second, which answers a token. */
async function redirectToAnotherOrigin() {
  const token = await mintToken({ room: 'standup' });
  const arrivals = { first: 0, other: [] as IncomingHttpHeaders[] };
  const other = await listen((req, res) => {
    req.resume();
    arrivals.other.push(req.headers);
    res
      .writeHead(201, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ server_url: 'wss://other.example', participant_token: token }));
  });
  const first = await listen((req, res) => {
    req.resume();
    arrivals.first += 1;
    res.writeHead(307, { Location: `${other.origin}/api/token` }).end();
  });
  servers.push(first, other);
  return { url: `${first.origin}/api/token`, token, arrivals };
}

const headers = { Authorization: 'Bearer alice', 'X-Api-Key': 'key-1' };

describe('createEndpointGenerator on an endpoint that redirects to another origin (docs/any-backend.md)', () => {
  it('is followed as fetch follows it: Authorization dropped, any other header forwarded, and the token that origin answers used', async () => {
    const { url, token, arrivals } = await redirectToAnotherOrigin();
    const source = createCustomTokenSource(createEndpointGenerator(url, { headers }));
    await expect(source.fetch({ roomName: 'standup' })).resolves.toEqual({ serverUrl: 'wss://other.example', participantToken: token });
    expect(arrivals.other).toHaveLength(1);
    expect(arrivals.other[0]).not.toHaveProperty('authorization');
    expect(arrivals.other[0]).toMatchObject({ 'x-api-key': 'key-1' });
  });

  it('is refused with the doc’s fetch wrapper (redirect: error) as a network failure, retried like one, and never reaches the other origin', async () => {
    const { url, arrivals } = await redirectToAnotherOrigin();
    const generator = createEndpointGenerator(url, { headers, fetch: (input, init) => fetch(input, { ...init, redirect: 'error' }) });
    const source = createCustomTokenSource(generator, { retries: 2, retryDelayMs: 1, maxRetryDelayMs: 1 });
    const error = await source.fetch({ roomName: 'standup' }).catch((rejection: unknown) => rejection);
    expect(error).toMatchObject({ code: 'generator_failed', retryable: true, cause: expect.any(TypeError) }); // fetch's network failure
    expect(arrivals.first).toBe(3);
    expect(arrivals.other).toHaveLength(0);
  });
});
