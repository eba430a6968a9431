// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { errorReply, handleTokenRequest, type TokenHandlerReply, type TokenRequestInput } from '../../src/server/handleTokenRequest';
import { resolveTokenHandlerConfig } from '../../src/server/config/resolveTokenHandlerConfig';
import { TokenHandlerError } from '../../src/server/TokenHandlerError';
import type { TokenHandlerConfig } from '../../src/server/types';
import { SERVER_URL } from '../helpers/tokens';
import { handlerConfig } from './handlerConfig';
import { verifyToken } from './verify';

interface InputOptions {
  method?: string;
  /** Request headers by lower-case name; `content-type` defaults to JSON. */
  headers?: Record<string, string | undefined>;
  /** The body as sent, or a promise of its bytes (never settling: a stalled body). */
  body?: string | Promise<Uint8Array>;
}

/**
 * A request as the pipeline reads it, the way a runtime adapter hands it over; records how the
 * body was read: the limits asked for and whether it was let go.
 */
function input({ method = 'POST', headers = {}, body = '{}' }: InputOptions = {}) {
  const all: Record<string, string | undefined> = { 'content-type': 'application/json', authorization: 'Bearer alice', ...headers };
  const reads: number[] = [];
  const stop = vi.fn();
  const request = new Request('http://127.0.0.1/api/token', {
    method,
    headers: Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  const tokenInput: TokenRequestInput = {
    method,
    header: (name) => all[name] ?? null,
    readBody: (maxBytes) => {
      reads.push(maxBytes);
      return { bytes: typeof body === 'string' ? Promise.resolve(new TextEncoder().encode(body)) : body, stop };
    },
    request: () => request,
  };
  return { input: tokenInput, reads, stop, request };
}

const config = (overrides: Partial<TokenHandlerConfig> = {}) => resolveTokenHandlerConfig(handlerConfig(overrides));
const json = (reply: TokenHandlerReply) => JSON.parse(reply.body!) as Record<string, any>;
const errorOf = (reply: TokenHandlerReply) => json(reply).error as { code: string; message: string };
const cors = { origin: ['https://app.example'] };

describe('handleTokenRequest: a token', () => {
  it('answers 201 with JSON server_url and participant_token, never cached', async () => {
    const reply = await handleTokenRequest(input({ body: '{"room_name":"standup"}' }).input, config());
    expect(reply.status).toBe(201);
    expect(reply.headers).toEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    const { server_url, participant_token } = json(reply) as { server_url: string; participant_token: string };
    expect(server_url).toBe(SERVER_URL);
    expect(await verifyToken(participant_token)).toMatchObject({ sub: 'alice', video: { room: 'standup' } });
  });

  it('writes a server URL with characters JSON escapes (quote, backslash, a line break) so that the reply still parses to it', async () => {
    const serverUrl = 'wss://lk.example/a"b\\c\u2028d';
    const reply = await handleTokenRequest(input().input, config({ serverUrl }));
    expect(json(reply)).toEqual({ server_url: serverUrl, participant_token: expect.any(String) });
  });

  it('reads the body with maxBodyBytes as its limit', async () => {
    const { input: request, reads } = input();
    await handleTokenRequest(request, config({ maxBodyBytes: 2048 }));
    expect(reads).toEqual([2048]);
  });

  it('adds the CORS headers for an allowed origin', async () => {
    const reply = await handleTokenRequest(input({ headers: { origin: 'https://app.example' } }).input, config({ cors }));
    expect(reply.status).toBe(201);
    expect(reply.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://app.example', 'Content-Type': 'application/json' });
  });
});

describe('handleTokenRequest: methods', () => {
  it('answers a method other than POST with 405, Allow: POST and a message saying so', async () => {
    const reply = await handleTokenRequest(input({ method: 'GET' }).input, config());
    expect(reply.status).toBe(405);
    expect(reply.headers.Allow).toBe('POST');
    expect(errorOf(reply)).toEqual({ code: 'method_not_allowed', message: 'Use POST (allowed: POST).' });
  });

  it('allows POST and OPTIONS when CORS is configured, with the CORS headers', async () => {
    const reply = await handleTokenRequest(input({ method: 'PUT', headers: { origin: 'https://app.example' } }).input, config({ cors }));
    expect(reply.status).toBe(405);
    expect(reply.headers).toMatchObject({ Allow: 'POST, OPTIONS', 'Access-Control-Allow-Origin': 'https://app.example' });
    expect(errorOf(reply).message).toBe('Use POST (allowed: POST, OPTIONS).');
  });

  it('answers a preflight with 204, no body and the preflight headers, without reading a body', async () => {
    const { input: preflight, reads } = input({
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-headers': 'content-type' },
    });
    const reply = await handleTokenRequest(preflight, config({ cors }));
    expect(reply).toEqual({
      status: 204,
      body: null,
      headers: expect.objectContaining({ 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': 'content-type' }),
    });
    expect(reads).toEqual([]);
  });

  // Methods are case-sensitive (RFC 9110 §9.1): Deno.serve hands a request line's `post` over as it
  // came (Node's parser answers it 400 itself, Bun closes the connection); fetch never sends one.
  it.each(['post', 'Post', 'options'])('answers a method sent as %s, which is not POST, with 405 and Allow naming POST', async (method) => {
    const reply = await handleTokenRequest(input({ method, headers: { origin: 'https://app.example' } }).input, config({ cors }));
    expect(reply.status).toBe(405);
    expect(reply.headers.Allow).toBe('POST, OPTIONS');
    expect(errorOf(reply).code).toBe('method_not_allowed');
  });

  it('answers OPTIONS with 405 when CORS is not configured', async () => {
    expect((await handleTokenRequest(input({ method: 'OPTIONS' }).input, config())).status).toBe(405);
  });
});

describe('handleTokenRequest: media type', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json ;charset=utf-8',
    'Application/JSON',
    'application/ld+json',
    'application/vnd.api+json',
  ])('accepts Content-Type %s', async (contentType) => {
    expect((await handleTokenRequest(input({ headers: { 'content-type': contentType } }).input, config())).status).toBe(201);
  });

  it.each([
    'text/plain',
    'text/json',
    'application/jsonp',
    'application/json-patch',
    'application/+json',
    'application/ld+jsonp',
    'multipart/application/x+json',
    'application/a/b+json',
    'x-application/ld+json',
    '',
    // A browser's CORS check reads the whole value as one type — text/plain, safelisted, so no
    // preflight — where Fetch's extraction keeps the last of the comma-separated ones (JSON).
    'text/plain;,application/json',
    'text/plain; charset=utf-8, application/json',
    'application/x-www-form-urlencoded;,application/json',
    'multipart/form-data; boundary=x;,application/json',
  ])('answers Content-Type "%s" with 415, saying to send JSON, without reading the body', async (contentType) => {
    const { input: request, reads } = input({ headers: { 'content-type': contentType } });
    const reply = await handleTokenRequest(request, config());
    expect(reply.status).toBe(415);
    expect(errorOf(reply)).toEqual({
      code: 'unsupported_media_type',
      message: 'Send the token request as JSON (Content-Type: application/json).',
    });
    expect(reads).toEqual([]);
  });

  it('answers a request without Content-Type with 415', async () => {
    const reply = await handleTokenRequest(input({ headers: { 'content-type': undefined } }).input, config());
    expect([reply.status, errorOf(reply).code]).toEqual([415, 'unsupported_media_type']);
  });
});

describe('handleTokenRequest: body size', () => {
  it('refuses a declared Content-Length over maxBodyBytes with 400 body_too_large, without reading the body', async () => {
    const { input: request, reads } = input({ headers: { 'content-length': '1025' } });
    const reply = await handleTokenRequest(request, config({ maxBodyBytes: 1024 }));
    expect(errorOf(reply)).toEqual({ code: 'body_too_large', message: 'The request body is larger than 1024 bytes.' });
    expect(reply.status).toBe(400);
    expect(reads).toEqual([]);
  });

  it('reads a body whose declared Content-Length is exactly maxBodyBytes', async () => {
    const { input: request, reads } = input({ headers: { 'content-length': '2' } });
    expect((await handleTokenRequest(request, config({ maxBodyBytes: 2 }))).status).toBe(201);
    expect(reads).toEqual([2]);
  });
});

describe('handleTokenRequest: invalid bodies', () => {
  it('answers 400 invalid_json for a body that is not JSON', async () => {
    expect(errorOf(await handleTokenRequest(input({ body: '{"room_name":' }).input, config())).code).toBe('invalid_json');
  });

  it('names the body itself when it is not an object', async () => {
    const reply = await handleTokenRequest(input({ body: '"hello"' }).input, config());
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toEqual({
      code: 'invalid_body',
      message: 'The token request is invalid — body: Invalid input: expected object, received string.',
    });
  });

  it('names a nested field by its dotted path', async () => {
    const reply = await handleTokenRequest(input({ body: '{"room_config":{"agents":[{"agent_name":5}]}}' }).input, config());
    expect(errorOf(reply).message).toMatch(/^The token request is invalid — room_config\.agents\.0\.agent_name: /);
  });

  it('lists the first five problems, separated by semicolons', async () => {
    const body = JSON.stringify({
      room_name: 1,
      participant_name: 2,
      participant_identity: 3,
      participant_metadata: 4,
      participant_attributes: 5,
      room_config: 6,
    });
    const { message } = errorOf(await handleTokenRequest(input({ body }).input, config()));
    expect(message.match(/(\w+): Invalid input/g)).toEqual([
      'room_name: Invalid input',
      'participant_name: Invalid input',
      'participant_identity: Invalid input',
      'participant_metadata: Invalid input',
      'participant_attributes: Invalid input',
    ]);
    expect(message.split('; ')).toHaveLength(5);
    expect(message).toMatch(/\.$/);
  });
});

describe('handleTokenRequest: slow bodies', () => {
  it('answers 408 request_timeout when the body is not there after bodyTimeoutMs, and lets go of it', async () => {
    vi.useFakeTimers();
    const { input: stalled, stop } = input({ body: new Promise<Uint8Array>(() => {}) });
    let reply: TokenHandlerReply | undefined;
    void handleTokenRequest(stalled, config({ bodyTimeoutMs: 500 })).then((settled) => (reply = settled));
    await vi.advanceTimersByTimeAsync(499);
    expect(reply).toBeUndefined();
    expect(stop).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(reply?.status).toBe(408);
    expect(errorOf(reply!)).toEqual({ code: 'request_timeout', message: 'The request body did not arrive within 500 ms.' });
    expect(stop).toHaveBeenCalledOnce();
  });

  it('never lets go of a body that arrived in time, however long the token takes', async () => {
    vi.useFakeTimers();
    let release: () => void = () => {};
    const authorize = () => new Promise<{ identity: string }>((resolve) => (release = () => resolve({ identity: 'alice' })));
    const { input: request, stop } = input();
    const reply = handleTokenRequest(request, config({ bodyTimeoutMs: 500, authorize }));
    await vi.advanceTimersByTimeAsync(1_000);
    release();
    expect((await reply).status).toBe(201);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stop).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers with the reader’s refusal when the body breaks off', async () => {
    const broken = Promise.reject(new TokenHandlerError('invalid_json', 'The request body could not be read to its end.'));
    const reply = await handleTokenRequest(input({ body: broken }).input, config());
    expect([reply.status, errorOf(reply).code]).toEqual([400, 'invalid_json']);
  });
});

describe('handleTokenRequest: failures', () => {
  it('answers 500 internal_error without details and reports the error with the request to onError', async () => {
    const failure = new Error('policy store down');
    const onError = vi.fn();
    const { input: request, request: fetchRequest } = input({ body: '{"room_name":"r"}' });
    const reply = await handleTokenRequest(
      request,
      config({
        rooms: () => {
          throw failure;
        },
        onError,
      }),
    );
    expect(reply.status).toBe(500);
    expect(errorOf(reply)).toEqual({ code: 'internal_error', message: 'The token could not be issued.' });
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure, fetchRequest);
  });

  it('reports the cause of a refusal that has one (authorize threw), and not a refusal the handler chose', async () => {
    const failure = new Error('session store down');
    const onError = vi.fn();
    const failing = config({ authorize: () => Promise.reject(failure), onError });
    expect((await handleTokenRequest(input().input, failing)).status).toBe(401);
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure, expect.any(Request));
    onError.mockClear();
    const refusing = config({ authorize: () => null, onError });
    expect((await handleTokenRequest(input().input, refusing)).status).toBe(401);
    expect((await handleTokenRequest(input({ method: 'GET' }).input, refusing)).status).toBe(405);
    expect(onError).not.toHaveBeenCalled();
  });

  it('answers the same when onError itself throws', async () => {
    const reply = await handleTokenRequest(
      input({ body: '{"room_name":"r"}' }).input,
      config({
        rooms: () => Promise.reject(new Error('down')),
        onError: () => {
          throw new Error('logger down');
        },
      }),
    );
    expect([reply.status, errorOf(reply).code]).toEqual([500, 'internal_error']);
  });

  it('keeps the CORS headers on an error', async () => {
    const reply = await handleTokenRequest(
      input({ headers: { origin: 'https://app.example', authorization: '' } }).input,
      config({ cors }),
    );
    expect(reply.status).toBe(401);
    expect(reply.headers['Access-Control-Allow-Origin']).toBe('https://app.example');
  });
});

describe('errorReply', () => {
  it('answers the error’s status with { error: { code, message } }, as JSON, never cached', () => {
    expect(errorReply(new TokenHandlerError('forbidden', 'Members only.'))).toEqual({
      status: 403,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      body: '{"error":{"code":"forbidden","message":"Members only."}}',
    });
  });

  it('sends Retry-After in whole seconds when the error carries it', () => {
    expect(errorReply(new TokenHandlerError('rate_limited', 'Slow down.', { retryAfterSeconds: 30 })).headers).toEqual({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Retry-After': '30',
    });
  });

  it('adds the headers given', () => {
    expect(errorReply(new TokenHandlerError('method_not_allowed', 'Use POST.'), { Allow: 'POST' }).headers).toMatchObject({
      Allow: 'POST',
    });
  });
});
