// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { createTokenHandler, TokenHandlerError } from '../../src/server';
import { errorReply } from '../../src/server/handleTokenRequest';
import { handlerConfig } from './handlerConfig';
import { propertyRuns } from '../helpers/propertyRuns';

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

/** Runs of the property (30); raise them and pick the seed to explore: `RETRY_AFTER_PROPERTY_RUNS=300 RETRY_AFTER_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('RETRY_AFTER_PROPERTY', 30);

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

  /** RFC 9111's largest delta-seconds (§1.2.2): about 68 years, where every reader stops counting. */
  const MOST_SECONDS = 2 ** 31;

  it('writes every Retry-After as whole seconds of plain digits, never "1e+21", at most 2^31 (RFC 9111 delta-seconds)', () => {
    const retryAfter = (seconds: number) =>
      errorReply(new TokenHandlerError('rate_limited', 'Slow down.', { retryAfterSeconds: seconds })).headers['Retry-After'];
    expect(retryAfter(1e21)).toBe(String(MOST_SECONDS));
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1e30, max: 1e300 }), (seconds) => {
        const header = retryAfter(seconds);
        expect(header).toMatch(/^\d+$/);
        expect(Number(header)).toBe(Math.min(MOST_SECONDS, Math.max(0, Math.ceil(seconds))));
      }),
    );
  });

  it("sends a limit's Retry-After as whole seconds within its window, for any limit and window", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2_147_483 }), async (limit, windowSeconds) => {
        const handler = createTokenHandler(handlerConfig({ limits: { tokens: { limit, windowSeconds } } }));
        const ask = () =>
          handler(
            new Request('http://127.0.0.1/api/token', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
              body: '{"room_name":"standup"}',
            }),
          );
        for (let issued = 0; issued < limit; issued += 1) expect((await ask()).status).toBe(201);
        const refused = await ask();
        expect(refused.status).toBe(429);
        const header = refused.headers.get('Retry-After')!;
        expect(header).toMatch(/^\d+$/);
        expect(Number(header)).toBeGreaterThanOrEqual(1);
        expect(Number(header)).toBeLessThanOrEqual(windowSeconds);
      }),
      { numRuns: RUNS, ...seed },
    );
  });
});
