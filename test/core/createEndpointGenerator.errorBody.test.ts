// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { mintToken } from '../helpers/tokens';
import { settled } from '../helpers/settled';

/**
 * An error answer as `fetch` hands it over when the status line and headers arrived but the body
 * stops half-way (a proxy that stalls, a server that hangs after writing its headers): the body's
 * first bytes, then nothing more, ever. Records whether the reader let go of it.
 */
function stalledErrorResponse(status: number, headers: Record<string, string>) {
  const body = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode('{"error":{"code":"rate_')),
    cancel: () => void (body.cancelled = true),
  });
  return { response: new Response(stream, { status, headers: { 'Content-Type': 'application/json', ...headers } }), body };
}

describe('createEndpointGenerator: an error answer whose body never finishes', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('rejects a 401 with the http 401 its status says, not a timeout, and does not retry it', async () => {
    const arrivals: number[] = [];
    const bodies: { cancelled: boolean }[] = [];
    const generator = createEndpointGenerator('https://app.example/api/token', {
      fetch: async () => {
        arrivals.push(Date.now());
        const { response, body } = stalledErrorResponse(401, {});
        bodies.push(body);
        return response;
      },
    });
    const source = createCustomTokenSource(generator);
    const fetched = settled(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetched.result).toEqual({ error: expect.objectContaining({ code: 'http', status: 401 }) });
    expect(arrivals).toHaveLength(1);
    expect(bodies[0]!.cancelled).toBe(true);
  });

  it('calls no sooner than the Retry-After of a 429 whose body never finishes', async () => {
    const arrivals: number[] = [];
    const participantToken = await mintToken({ room: 'A' });
    const generator = createEndpointGenerator('https://app.example/api/token', {
      fetch: async () => {
        arrivals.push(Date.now());
        if (arrivals.length === 1) return stalledErrorResponse(429, { 'Retry-After': '60' }).response;
        return Response.json({ server_url: 'ws://127.0.0.1:7880', participant_token: participantToken }, { status: 201 });
      },
    });
    const source = createCustomTokenSource(generator);
    const fetched = settled(source.fetch({ roomName: 'A' }));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(arrivals).toHaveLength(1);
    expect(fetched.result).toEqual({ error: expect.objectContaining({ code: 'http', status: 429, retryAfterMs: 60_000 }) });
  });
});

describe('createEndpointGenerator: how much of an error answer it reads for its error (docs/any-backend.md)', () => {
  const answer = (bytes: number) => {
    const error = JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.' } });
    const body = error + ' '.repeat(bytes - error.length);
    return createEndpointGenerator('https://app.example/api/token', {
      fetch: async () => new Response(body, { status: 403, headers: { 'Content-Type': 'application/json' } }),
    })(normalizeOptions({}), { signal: new AbortController().signal, attempt: 1 }).catch((error: unknown) => error);
  };

  it('reads the error of an answer of up to 64 KiB', async () => {
    await expect(answer(2 ** 16)).resolves.toMatchObject({ code: 'http', status: 403, serverCode: 'rate_limited' });
  });

  it('reads none of a longer one, not even an error in its first 64 KiB: its status stands alone', async () => {
    await expect(answer(2 ** 16 + 1)).resolves.toMatchObject({ code: 'http', status: 403, serverCode: undefined });
  });
});
