// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { createTokenHandler, TokenHandlerError } from '../../src/server';
import { handlerConfig } from './handlerConfig';

/**
 * `authorize` with a rate limit of the app's own (a quota kept in milliseconds, say), refusing with
 * the `Retry-After` it computed: `retryAfterSeconds` is "sent as the `Retry-After` header (whole
 * seconds)". The handler is called in-process, through createEndpointGenerator's `fetch`.
 */
function throttledEndpoint(retryAfterSeconds: number) {
  const handler = createTokenHandler(
    handlerConfig({
      authorize: () => {
        throw new TokenHandlerError('rate_limited', 'Slow down.', { retryAfterSeconds });
      },
    }),
  );
  const replies: Response[] = [];
  const endpointFetch: typeof fetch = async (input, init) => {
    const reply = await handler(new Request(input, init));
    replies.push(reply.clone());
    return reply;
  };
  return { generator: createEndpointGenerator('http://127.0.0.1/api/token', { fetch: endpointFetch }), replies };
}

describe('TokenHandlerError: retryAfterSeconds on the wire', () => {
  it.each([
    [2.5, '3'],
    [0.2, '1'],
    [59.001, '60'],
  ])('sends %s s as a whole-second Retry-After (%s), which createEndpointGenerator reads', async (seconds, header) => {
    const { generator, replies } = throttledEndpoint(seconds);
    const error = await generator(normalizeOptions({ roomName: 'A' }), { signal: new AbortController().signal, attempt: 1 }).then(
      () => expect.unreachable('resolved'),
      (caught: unknown) => caught,
    );
    expect(replies[0]!.status).toBe(429);
    expect(replies[0]!.headers.get('Retry-After')).toBe(header);
    expect(error).toMatchObject({ code: 'http', status: 429, serverCode: 'rate_limited', retryAfterMs: Number(header) * 1000 });
  });
});
