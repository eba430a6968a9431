// @vitest-environment node
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { CustomTokenError } from '../../src/core/errors';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import type { TokenGeneratorContext } from '../../src/core/types';
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
async function endpoint(reply: { status?: number; body?: string } = {}) {
  const requests: Recorded[] = [];
  server = await listen((req, res) => {
    let text = '';
    req.on('data', (data: Buffer) => (text += data.toString()));
    req.on('end', () => {
      requests.push({ method: req.method, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      res.statusCode = reply.status ?? 201;
      res.setHeader('Content-Type', 'application/json');
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

const failure = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('resolved'), (error: unknown) => error as CustomTokenError);

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
    expect(await createEndpointGenerator(url)(normalizeOptions({}), context())).toEqual({ serverUrl: 'wss://lk.example', participantToken: 'jwt' });
  });

  it('accepts a camelCase 200 body', async () => {
    const { url } = await endpoint({ status: 200, body: JSON.stringify({ serverUrl: 'wss://b.example', participantToken: 't' }) });
    expect(await createEndpointGenerator(url)(normalizeOptions({}), context())).toEqual({ serverUrl: 'wss://b.example', participantToken: 't' });
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
});
