// @vitest-environment node
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator, MAX_BODY_BYTES } from '../../src/core/createEndpointGenerator';
import { CustomTokenError } from '../../src/core/errors';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import type { TokenGeneratorContext, TokenRequest } from '../../src/core/types';
import { mintToken } from '../helpers/tokens';
import { listen, type Listening } from '../server/listen';
import { settled } from '../helpers/settled';

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

  it('rejects headers that are not valid HTTP headers at once, saying so, without a request and without a retry', async () => {
    const { url, requests } = await endpoint();
    // A token read with a stray newline, and one pasted with a non-Latin-1 character: fetch's Headers refuses both.
    for (const authorization of ['Bearer abc\ndef', 'Bearer …']) {
      const headers = vi.fn(() => ({ Authorization: authorization }));
      const source = createCustomTokenSource(createEndpointGenerator(url, { headers }), { retries: 3, retryDelayMs: 1 });
      const error = await failure(source.fetch({ roomName: 'r' }));
      expect(error).toMatchObject({ code: 'generator_failed', retryable: false });
      expect(error.message).toMatch(/headers .*not valid HTTP headers/);
      // What Headers refused, kept as the cause.
      expect(error.cause).toBeInstanceOf(TypeError);
      expect(headers).toHaveBeenCalledTimes(1);
    }
    expect(requests).toEqual([]);
  });

  it('does not repeat a refused header value, a bearer token say, in the message that ErrorNotice shows and onEvent sends', async () => {
    const generator = createEndpointGenerator('https://app.example/api/token', {
      headers: () => ({ Authorization: 'Bearer secret-part\nrest-of-secret' }),
      fetch: async () => new Response(null, { status: 500 }),
    });
    const error = await failure(generator(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'generator_failed', retryable: false });
    expect(error.message).toContain('The headers for the token endpoint https://app.example/api/token are not valid HTTP headers');
    expect(error.message).not.toMatch(/secret/);
  });

  it('retries a headers function that fails as the network does (a TypeError from its own fetch)', async () => {
    const token = await mintToken({ room: 'r' });
    const { url, requests } = await endpoint({ body: JSON.stringify({ server_url: 'wss://lk.example', participant_token: token }) });
    const headers = vi
      .fn<() => Promise<HeadersInit>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValue({ Authorization: 'Bearer fresh' });
    const source = createCustomTokenSource(createEndpointGenerator(url, { headers }), { retries: 2, retryDelayMs: 1 });
    await expect(source.fetch({ roomName: 'r' })).resolves.toEqual({ serverUrl: 'wss://lk.example', participantToken: token });
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer fresh']);
  });

  it('uses the fetch it is given', async () => {
    const { url, requests } = await endpoint();
    const ownFetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    await createEndpointGenerator(url, { fetch: ownFetch })(normalizeOptions({}), context());
    expect(ownFetch).toHaveBeenCalledOnce();
    expect(requests).toHaveLength(1);
  });

  it('makes a generator for a relative URL where there is no page location (server rendering), leaving the URL to its fetch', async () => {
    expect(globalThis.location).toBeUndefined();
    const asked: unknown[] = [];
    const generator = createEndpointGenerator('/api/token', {
      fetch: async (input) => {
        asked.push(input);
        return Response.json({ server_url: 'wss://lk.example', participant_token: 'jwt' }, { status: 201 });
      },
    });
    await expect(generator(normalizeOptions({}), context())).resolves.toEqual({ serverUrl: 'wss://lk.example', participantToken: 'jwt' });
    expect(asked).toEqual(['/api/token']);
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

  it.each([202, 204])('rejects HTTP %i (neither 200 nor 201) with an http error carrying the status, not retried', async (status) => {
    const { url } = await endpoint({ status, body: status === 204 ? '' : JSON.stringify({ queued: true }) });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'http', status, retryable: false });
  });

  it('rejects a 201 whose body the connection drops half-way as a network failure (fetch’s TypeError its cause), retryable, not invalid_response', async () => {
    server = await listen((req, res) => {
      req.resume();
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '500' });
      res.write('{"server_url":"wss://lk.example","participant_token":"');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error: unknown = await createEndpointGenerator(`${server.origin}/api/token`)(normalizeOptions({}), context()).catch(
      (rejection: unknown) => rejection,
    );
    expect(error).toMatchObject({ code: 'generator_failed', retryable: true, cause: expect.any(TypeError) });
    expect((error as Error).message).toMatch(
      /^The request to the token endpoint http:\/\/127\.0\.0\.1:\d+\/api\/token failed on the network: /,
    );
  });

  it('gets a token through the source when the first 201’s body is cut off and the retry is whole', async () => {
    let calls = 0;
    server = await listen((req, res) => {
      req.resume();
      calls += 1;
      res.writeHead(201, { 'Content-Type': 'application/json', ...(calls === 1 && { 'Content-Length': '500' }) });
      if (calls > 1) return void res.end(JSON.stringify({ server_url: 'wss://lk.example', participant_token: token }));
      res.write('{"server_url":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const token = await mintToken({ room: 'standup' });
    const source = createCustomTokenSource(createEndpointGenerator(`${server.origin}/api/token`), { retryDelayMs: 1, maxRetryDelayMs: 1 });
    await expect(source.fetch({ roomName: 'standup' })).resolves.toEqual({ serverUrl: 'wss://lk.example', participantToken: token });
    expect(calls).toBe(2);
  });

  it('gets a token through the source when the first answer is a 408 (the request body came too slowly) and the retry is whole', async () => {
    let calls = 0;
    server = await listen((req, res) => {
      req.resume();
      calls += 1;
      res.writeHead(calls === 1 ? 408 : 201, { 'Content-Type': 'application/json' });
      res.end(
        calls === 1 ? '{"error":{"code":"request_timeout"}}' : JSON.stringify({ server_url: 'wss://lk.example', participant_token: token }),
      );
    });
    const token = await mintToken({ room: 'standup' });
    const source = createCustomTokenSource(createEndpointGenerator(`${server.origin}/api/token`), { retryDelayMs: 1, maxRetryDelayMs: 1 });
    await expect(source.fetch({ roomName: 'standup' })).resolves.toEqual({ serverUrl: 'wss://lk.example', participantToken: token });
    expect(calls).toBe(2);
  });

  it('rejects a 2xx answer without a token as invalid_response', async () => {
    const { url } = await endpoint({ status: 200, body: '<html>login</html>' });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  /** An endpoint that streams `status` with a body of `megabytes` MiB of spaces, with or without a Content-Length; counts the bytes it got out. */
  async function hugeEndpoint(status: number, megabytes: number, withLength: boolean) {
    const sent = { bytes: 0, calls: 0 };
    const chunk = Buffer.alloc(64 * 1024, ' ');
    server = await listen((req, res) => {
      req.resume();
      sent.calls += 1;
      res.writeHead(status, { 'Content-Type': 'application/json', ...(withLength && { 'Content-Length': String(megabytes * 2 ** 20) }) });
      let left = megabytes * 16;
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          left -= 1;
          sent.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    return { url: `${server.origin}/api/token`, sent };
  }

  it.each([true, false])(
    'refuses a 2xx body longer than LiveKit reads of a join (1 MiB + 4 KiB) as invalid_response, not retried, without reading the rest (Content-Length sent: %s)',
    async (withLength) => {
      const { url, sent } = await hugeEndpoint(201, 64, withLength);
      const source = createCustomTokenSource(createEndpointGenerator(url), { retryDelayMs: 1, maxRetryDelayMs: 1 });
      const error = await failure(source.fetch({ roomName: 'standup' }));
      expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
      expect(error.message).toContain(`larger than ${MAX_BODY_BYTES} bytes, more than LiveKit's server reads of a join`);
      expect(sent.calls).toBe(1);
      expect(sent.bytes).toBeLessThan(16 * 2 ** 20);
    },
  );

  it('reads an answer of exactly as many bytes as LiveKit reads of a join, and refuses one byte more', async () => {
    const participantToken = await mintToken({ room: 'standup' });
    const answer = JSON.stringify({ server_url: 'wss://lk.example', participant_token: participantToken });
    const padded = (bytes: number) => answer + ' '.repeat(bytes - answer.length);
    const answering = (body: string) =>
      createEndpointGenerator('https://app.example/api/token', { fetch: async () => new Response(body, { status: 201 }) });
    await expect(answering(padded(MAX_BODY_BYTES))(normalizeOptions({}), context())).resolves.toEqual({
      serverUrl: 'wss://lk.example',
      participantToken,
    });
    await expect(answering(padded(MAX_BODY_BYTES + 1))(normalizeOptions({}), context())).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  /** A `fetch` whose answers have no body stream, as React Native's and other polyfilled fetches give: only `text()`. */
  const fetchWithoutStreams =
    (status: number, text: string): typeof fetch =>
    async () => {
      const response = new Response(text, { status, headers: { 'Content-Type': 'application/json' } });
      Object.defineProperty(response, 'body', { value: undefined });
      return response;
    };

  it('reads the token off a fetch whose answers have no body stream (React Native’s), and bounds it all the same', async () => {
    const participantToken = await mintToken({ room: 'standup' });
    const answer = JSON.stringify({ server_url: 'wss://lk.example', participant_token: participantToken });
    const generator = createEndpointGenerator('https://app.example/api/token', { fetch: fetchWithoutStreams(201, answer) });
    await expect(generator(normalizeOptions({}), context())).resolves.toEqual({ serverUrl: 'wss://lk.example', participantToken });

    const huge = createEndpointGenerator('https://app.example/api/token', {
      fetch: fetchWithoutStreams(201, ' '.repeat(MAX_BODY_BYTES + 1)),
    });
    await expect(huge(normalizeOptions({}), context())).rejects.toMatchObject({ code: 'invalid_response' });
    const refused = createEndpointGenerator('https://app.example/api/token', {
      fetch: fetchWithoutStreams(403, '{"error":{"code":"agent_not_allowed"}}'),
    });
    await expect(refused(normalizeOptions({}), context())).rejects.toMatchObject({
      code: 'http',
      status: 403,
      serverCode: 'agent_not_allowed',
    });
  });

  it('bounds an answer without a body stream by its bytes, as one with a stream: a multi-byte answer over the bound is refused', async () => {
    const participantToken = await mintToken({ room: 'standup' });
    const answer = (note: string) => JSON.stringify({ server_url: 'wss://lk.example', participant_token: participantToken, note });
    // Two bytes in UTF-8 each: fewer characters than the bound, more bytes.
    const note = 'é'.repeat((MAX_BODY_BYTES - answer('').length) / 2 + 1);
    const text = answer(note);
    expect(text.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(new TextEncoder().encode(text).byteLength).toBeGreaterThan(MAX_BODY_BYTES);
    const withStreams = createEndpointGenerator('https://app.example/api/token', {
      fetch: async () => new Response(text, { status: 201 }),
    });
    await expect(withStreams(normalizeOptions({}), context())).rejects.toMatchObject({ code: 'invalid_response' });
    const withoutStreams = createEndpointGenerator('https://app.example/api/token', { fetch: fetchWithoutStreams(201, text) });
    await expect(withoutStreams(normalizeOptions({}), context())).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('reads an error status off a huge error body without reading the body', async () => {
    const { url, sent } = await hugeEndpoint(500, 64, false);
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'http', status: 500, retryable: true });
    expect(sent.bytes).toBeLessThan(16 * 2 ** 20);
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

  it.each([500, 502, 401, 413])('ignores a Retry-After on an HTTP %i: it means "wait" only on 429 and 503', async (status) => {
    const { url } = await endpoint({ status, headers: { 'Retry-After': '3' } });
    const error = await failure(createEndpointGenerator(url)(normalizeOptions({}), context()));
    expect(error).toMatchObject({ code: 'http', status, retryAfterMs: undefined });
    expect(error.message).not.toContain('retry after');
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

describe('createEndpointGenerator: what it hands its fetch, and reads back', () => {
  afterEach(() => vi.useRealTimers());

  /** The generator's `fetch` option, answering `response` and recording each call's init. */
  function standIn(response: () => Response = () => Response.json({ server_url: 'wss://lk.example', participant_token: 'jwt' })) {
    const calls: RequestInit[] = [];
    const endpointFetch: typeof fetch = async (_input, init) => {
      calls.push(init ?? {});
      return response();
    };
    return { endpointFetch, calls };
  }

  const generate = (endpointFetch: typeof fetch, options: { credentials?: RequestCredentials } = {}) =>
    createEndpointGenerator('https://auth.example/api/token', { fetch: endpointFetch, ...options })(normalizeOptions({}), context());

  it('sends the credentials it is given', async () => {
    const { endpointFetch, calls } = standIn();
    await generate(endpointFetch, { credentials: 'include' });
    expect(calls[0]?.credentials).toBe('include');
  });

  it('sets no credentials of its own when none is given, so a wrapped fetch’s own default stands', async () => {
    const { endpointFetch, calls } = standIn();
    await generate(endpointFetch);
    expect(calls[0]).not.toHaveProperty('credentials');
  });

  it('keeps a null in a hand-built roomConfig (protobuf JSON for a field not set) as null', async () => {
    const { url, requests } = await endpoint();
    const request = { roomConfig: { agents: [{ agentName: 'helper', metadata: null }] } } as unknown as TokenRequest;
    await createEndpointGenerator(url)(request, context());
    expect(requests[0]?.body).toEqual({ room_config: { agents: [{ agent_name: 'helper', metadata: null }] } });
  });

  it('names the status and its text when the error body says nothing it shows (an HTML page without words)', async () => {
    const { endpointFetch } = standIn(
      () =>
        new Response('<html><head><title> </title></head><body><img src="down.png"></body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' },
        }),
    );
    const error = await failure(generate(endpointFetch));
    expect(error.message).toBe('The token endpoint https://auth.example/api/token answered HTTP 502 Bad Gateway');
  });

  it.each([
    [
      'plain text (Go’s http.Error)',
      () => new Response('invalid request: proto: syntax error\n', { status: 400, statusText: 'Bad Request' }),
    ],
    [
      '{ error: "…" } (LiveKit’s Python SDK endpoints)',
      () => Response.json({ error: 'invalid request: proto: syntax error' }, { status: 400 }),
    ],
  ])('shows the endpoint’s own words when they come as %s', async (_, answer) => {
    const { endpointFetch } = standIn(answer);
    expect((await failure(generate(endpointFetch))).message).toBe(
      'The token endpoint https://auth.example/api/token answered HTTP 400: invalid request: proto: syntax error',
    );
  });

  it('shows the endpoint’s words on one line, without controls or direction overrides, and at most 300 characters of them', async () => {
    const words = `bad\r\n\u001b[31mred\u001b[0m\t\u202eevil ${'x'.repeat(400)}`;
    const { endpointFetch } = standIn(() => new Response(words, { status: 400 }));
    const { message } = await failure(generate(endpointFetch));
    const said = message.slice(message.indexOf(': ') + 2);
    expect(said.startsWith('bad [31mred [0m evil xxx')).toBe(true);
    expect(said).toHaveLength(301);
    expect(said.endsWith('x…')).toBe(true);
  });

  it('never cuts an emoji in half at the bound', async () => {
    const { endpointFetch } = standIn(() => Response.json({ error: `${'x'.repeat(299)}😀 more` }, { status: 400 }));
    const { message } = await failure(generate(endpointFetch));
    expect(message.endsWith(`${'x'.repeat(299)}…`)).toBe(true);
    expect(message.isWellFormed()).toBe(true);
  });

  it('names only the status when there is no status text either', async () => {
    const { endpointFetch } = standIn(() => new Response(null, { status: 500 }));
    expect((await failure(generate(endpointFetch))).message).toMatch(/answered HTTP 500$/);
  });

  it('prefers the server’s own error message to the status text', async () => {
    const { endpointFetch } = standIn(() =>
      Response.json({ error: { message: 'Sign in again.' } }, { status: 401, statusText: 'Unauthorized' }),
    );
    const error = await failure(generate(endpointFetch));
    expect(error.message).toMatch(/answered HTTP 401: Sign in again\.$/);
    expect(error).toMatchObject({ status: 401, serverCode: undefined });
  });

  it.each([
    ['10', 10_000],
    ['0', 0],
    ['x3', undefined],
    ['3x', undefined],
    ['2026', 2_026_000],
    // Neither delay-seconds (digits only) nor an HTTP date, though `Date.parse` reads each as some date.
    ['-5', undefined],
    ['1.5', undefined],
    ['12/1/2026', undefined],
    ['2026-12-01T12:00:00Z', undefined],
  ])('reads Retry-After %j as %s ms', async (header, retryAfterMs) => {
    const { endpointFetch } = standIn(() => new Response(null, { status: 503, headers: { 'Retry-After': header } }));
    expect((await failure(generate(endpointFetch))).retryAfterMs).toBe(retryAfterMs);
  });

  it('reads a Retry-After date as the time left until it, and a past date as no wait', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    const at = (date: string) => standIn(() => new Response(null, { status: 503, headers: { 'Retry-After': date } })).endpointFetch;
    const future = await failure(generate(at('Sat, 28 Nov 2026 12:00:10 GMT')));
    expect(future.retryAfterMs).toBe(10_000);
    expect(future.message).toMatch(/\(retry after 10 s\)$/);
    expect((await failure(generate(at('Sat, 28 Nov 2026 11:59:00 GMT')))).retryAfterMs).toBe(0);
    // The obsolete RFC 850 form, which recipients must still read.
    expect((await failure(generate(at('Saturday, 28-Nov-26 12:00:10 GMT')))).retryAfterMs).toBe(10_000);
  });

  it('reads the obsolete asctime form of a Retry-After date as GMT, whatever the time zone here', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    const zone = process.env.TZ;
    // Date.parse reads a date without a zone in local time: five hours off in New York.
    process.env.TZ = 'America/New_York';
    try {
      const asctime = standIn(() => new Response(null, { status: 503, headers: { 'Retry-After': 'Sat Nov 28 12:00:10 2026' } }));
      expect((await failure(generate(asctime.endpointFetch))).retryAfterMs).toBe(10_000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it.each([
    ['a server_url without a token', { server_url: 'wss://lk.example' }],
    ['a token without a server_url', { participant_token: 'jwt' }],
    ['a server_url that is not a string', { server_url: 7, participant_token: 'jwt' }],
    ['JSON null', null],
  ])('rejects a 2xx answer with %s as invalid_response, naming the endpoint and the shape it wants', async (_, body) => {
    const { endpointFetch } = standIn(() => Response.json(body));
    const error = await failure(generate(endpointFetch));
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(error.message).toContain('https://auth.example/api/token');
    expect(error.message).toContain('{ server_url, participant_token }');
  });
});

describe('a token source on createEndpointGenerator, told to wait by Retry-After', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  /**
   * The endpoint as the generator's `fetch` sees it: 429 with `Retry-After` for the first `refusals`
   * requests, then a real token; records the (fake) time each request came.
   */
  async function rateLimitedFetch(refusals: number, retryAfter: string) {
    const arrivals: number[] = [];
    const participantToken = await mintToken({ room: 'A' });
    const endpointFetch: typeof fetch = async () => {
      arrivals.push(Date.now());
      if (arrivals.length <= refusals) {
        return new Response('{"error":{"code":"rate_limited"}}', {
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': retryAfter },
        });
      }
      return Response.json({ server_url: 'ws://127.0.0.1:7880', participant_token: participantToken }, { status: 201 });
    };
    return { generator: createEndpointGenerator('https://app.example/api/token', { fetch: endpointFetch }), arrivals };
  }

  it('waits at least Retry-After before retrying, however short its own backoff', async () => {
    const { generator, arrivals } = await rateLimitedFetch(1, '1');
    const source = createCustomTokenSource(generator, { retryDelayMs: 10 });
    const fetched = settled(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(999);
    expect(arrivals).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBe(1_000);
    expect(fetched.result).toEqual({ value: expect.objectContaining({ serverUrl: 'ws://127.0.0.1:7880' }) });
  });

  it('calls no sooner than a Retry-After longer than maxRetryDelayMs: no retry, the error carries it', async () => {
    const { generator, arrivals } = await rateLimitedFetch(1, '3600');
    const source = createCustomTokenSource(generator, { retryDelayMs: 10, maxRetryDelayMs: 300 });
    const fetched = settled(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(arrivals).toHaveLength(1);
    expect(fetched.result).toEqual({ error: expect.objectContaining({ code: 'http', status: 429, retryAfterMs: 3_600_000 }) });
  });

  it('rejects with the typed error carrying status and retryAfterMs once retries run out', async () => {
    const { generator } = await rateLimitedFetch(10, '1');
    const source = createCustomTokenSource(generator, { retries: 0 });
    await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({ code: 'http', status: 429, retryAfterMs: 1_000 });
    expect(source.getSnapshot().error).toMatchObject({ status: 429, retryAfterMs: 1_000 });
  });
});
