// @vitest-environment node
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { CustomTokenError } from '../../src/core/errors';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import type { TokenGeneratorContext } from '../../src/core/types';
import { mintToken } from '../helpers/tokens';
import { listen, type Listening } from './listen';

interface Recorded {
  method: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A real endpoint on 127.0.0.1 that records each request and answers with `reply`. */
async function endpoint(reply: { status?: number; body?: string; headers?: Record<string, string> } = {}) {
  const requests: Recorded[] = [];
  server = await listen((req, res) => {
    let text = '';
    req.on('data', (data: Buffer) => (text += data.toString()));
    req.on('end', () => {
      requests.push({ method: req.method, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      res.statusCode = reply.status ?? 201;
      res.setHeader('Content-Type', 'application/json');
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.end(reply.body ?? JSON.stringify({ server_url: 'wss://lk.example', participant_token: 'jwt' }));
    });
  });
  return { url: `${server.origin}/api/token`, requests };
}

const context = (overrides: Partial<TokenGeneratorContext> = {}): TokenGeneratorContext => ({
  signal: new AbortController().signal,
  attempt: 1,
  ...overrides,
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('resolved'),
    (error: unknown) => error as CustomTokenError,
  );

describe('createEndpointGenerator', () => {
  it('POSTs the request as LiveKit’s snake_case TokenSourceRequest with room_config', async () => {
    const { url, requests } = await endpoint();
    const request = normalizeOptions({
      roomName: 'support',
      participantName: 'Alice',
      participantIdentity: 'alice',
      participantMetadata: '{}',
      participantAttributes: { planTier: 'pro' },
      agentName: 'support-agent',
      agentMetadata: '{"lang":"en"}',
    });
    await createEndpointGenerator(url)(request, context());
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.body).toEqual({
      room_name: 'support',
      participant_name: 'Alice',
      participant_identity: 'alice',
      participant_metadata: '{}',
      participant_attributes: { planTier: 'pro' },
      room_config: { agents: [{ agent_name: 'support-agent', metadata: '{"lang":"en"}' }] },
    });
  });

  it('returns { serverUrl, participantToken } from a snake_case 201 body', async () => {
    const { url } = await endpoint();
    expect(await createEndpointGenerator(url)(normalizeOptions({}), context())).toEqual({
      serverUrl: 'wss://lk.example',
      participantToken: 'jwt',
    });
  });

  it('accepts a camelCase 200 body', async () => {
    const { url } = await endpoint({ status: 200, body: JSON.stringify({ serverUrl: 'wss://b.example', participantToken: 't' }) });
    expect(await createEndpointGenerator(url)(normalizeOptions({}), context())).toEqual({
      serverUrl: 'wss://b.example',
      participantToken: 't',
    });
  });

  it('calls a headers function on every attempt with the request and context', async () => {
    const { url, requests } = await endpoint();
    let version = 0;
    const headers = vi.fn(async () => ({ Authorization: `Bearer token-${++version}` }));
    const generator = createEndpointGenerator(url, { headers });
    const request = normalizeOptions({ roomName: 'r' });
    await generator(request, context());
    await generator(request, context({ attempt: 2 }));
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(headers).toHaveBeenLastCalledWith(request, expect.objectContaining({ attempt: 2 }));
  });

  it('sends a static headers object', async () => {
    const { url, requests } = await endpoint();
    await createEndpointGenerator(url, { headers: { 'X-App': 'demo' } })(normalizeOptions({}), context());
    expect(requests[0]?.headers['x-app']).toBe('demo');
  });

  it('uses the fetch it is given', async () => {
    const { url, requests } = await endpoint();
    const ownFetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    await createEndpointGenerator(url, { fetch: ownFetch })(normalizeOptions({}), context());
    expect(ownFetch).toHaveBeenCalledOnce();
    expect(requests).toHaveLength(1);
  });

  it('passes the AbortSignal to fetch', async () => {
    const { url } = await endpoint();
    const controller = new AbortController();
    controller.abort(new Error('unmounted'));
    await expect(createEndpointGenerator(url)(normalizeOptions({}), context({ signal: controller.signal }))).rejects.toThrow('unmounted');
  });

  it('rejects a non-2xx answer with an http error carrying status and the server’s code', async () => {
    const { url } = await endpoint({ status: 403, body: JSON.stringify({ error: { code: 'agent_not_allowed', message: 'No.' } }) });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({ code: 'http', status: 403, serverCode: 'agent_not_allowed', retryable: false });
    expect(error.message).toContain('No.');
  });

  it.each([500, 503, 429])('marks HTTP %i as retryable', async (status) => {
    const { url } = await endpoint({ status, body: 'upstream broke' });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'http', status, serverCode: undefined, retryable: true });
  });

  it('rejects a 2xx answer without a token as invalid_response', async () => {
    const { url } = await endpoint({ status: 200, body: '<html>login</html>' });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it.each([429, 503])('reads Retry-After in seconds off an HTTP %i into retryAfterMs', async (status) => {
    const { url } = await endpoint({
      status,
      headers: { 'Retry-After': '3' },
      body: JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.' } }),
    });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'http', status, retryAfterMs: 3_000, retryable: true, serverCode: 'rate_limited' });
    expect(error.message).toContain('retry after 3 s');
  });

  it('reads Retry-After as an HTTP date', async () => {
    const { url } = await endpoint({ status: 503, headers: { 'Retry-After': new Date(Date.now() + 10_000).toUTCString() } });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error.retryAfterMs).toBeGreaterThan(8_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('ignores a Retry-After that is neither seconds nor a date', async () => {
    const { url } = await endpoint({ status: 429, headers: { 'Retry-After': 'soon' } });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ status: 429, retryAfterMs: undefined });
  });
});

describe('a token source on createEndpointGenerator, told to wait by Retry-After', () => {
  /** 429 with `Retry-After` for the first `refusals` requests, then a real token; records when each request came. */
  async function rateLimitedEndpoint(refusals: number, retryAfter: string) {
    const arrivals: number[] = [];
    server = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        arrivals.push(performance.now());
        if (arrivals.length <= refusals) {
          res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': retryAfter }).end('{"error":{"code":"rate_limited"}}');
          return;
        }
        void mintToken({ room: 'A' }).then((participantToken) =>
          res
            .writeHead(201, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ server_url: 'ws://127.0.0.1:7880', participant_token: participantToken })),
        );
      });
    });
    return { url: `${server.origin}/api/token`, arrivals };
  }

  it('waits at least Retry-After before retrying, however short its own backoff', async () => {
    const { url, arrivals } = await rateLimitedEndpoint(1, '1');
    const source = createCustomTokenSource(createEndpointGenerator(url), { retryDelayMs: 10 });
    await source.fetch({ roomName: 'A' });
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1_000 - 5);
  });

  it('waits no longer than maxRetryDelayMs when Retry-After asks for more', async () => {
    const { url, arrivals } = await rateLimitedEndpoint(1, '3600');
    const source = createCustomTokenSource(createEndpointGenerator(url), { retryDelayMs: 10, maxRetryDelayMs: 300 });
    await source.fetch({ roomName: 'A' });
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(300 - 5);
  });

  it('rejects with the typed error carrying status and retryAfterMs once retries run out', async () => {
    const { url } = await rateLimitedEndpoint(10, '1');
    const source = createCustomTokenSource(createEndpointGenerator(url), { retries: 0 });
    await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({ code: 'http', status: 429, retryAfterMs: 1_000 });
    expect(source.getSnapshot().error).toMatchObject({ status: 429, retryAfterMs: 1_000 });
  });
});
