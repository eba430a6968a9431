// @vitest-environment node
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import type { CustomTokenError } from '../../src/core/errors';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { runGenerator } from '../../src/core/runGenerator';
import { propertyRuns } from '../helpers/propertyRuns';

interface Answer {
  status: 201 | 401 | 503;
  /** When the status and headers arrive. */
  headersAt: number;
  /** When the body has all arrived; `null`: it stops half-way, for good. */
  bodyAt: number | null;
}

/**
 * A `fetch` as browsers and Node behave: the answer's status at `headersAt`, the body's first bytes
 * with it and the rest at `bodyAt`; an abort rejects the fetch, or errors the body once it is there.
 */
function fetchAnswering({ status, headersAt, bodyAt }: Answer): typeof fetch {
  const body =
    status === 201 ? JSON.stringify({ server_url: 'wss://lk.example', participant_token: 'not-checked-here' }) : '{"error":{"code":"no"}}';
  return (_input, init) =>
    new Promise((resolve, reject) => {
      const signal = init!.signal!;
      let rest: ReturnType<typeof setTimeout> | undefined;
      const timer = setTimeout(() => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(body.slice(0, 5)));
            const sendRest = () => {
              controller.enqueue(new TextEncoder().encode(body.slice(5)));
              controller.close();
            };
            // A body due with the status comes with it: a timer of 0 ms set while fake timers tick
            // fires 1 ms later (fake-timers' guard against loops), after an abort due then.
            if (bodyAt !== null && bodyAt <= headersAt) sendRest();
            else if (bodyAt !== null) rest = setTimeout(sendRest, bodyAt - headersAt);
            signal.addEventListener('abort', () => {
              clearTimeout(rest);
              controller.error(signal.reason);
            });
          },
          cancel: () => clearTimeout(rest),
        });
        resolve(new Response(stream, { status }));
      }, headersAt);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    });
}

/** When an error answer's status alone decides: its body once read, or a second after its status. */
const ERROR_BODY_WAIT_MS = 1_000;

/** The first of the abort, the timeout and the answer decides (times never tie: see the arbitraries). */
function expected({ status, headersAt, bodyAt }: Answer, abortAt: number | null, timeoutMs: number): string {
  const answered =
    status === 201
      ? bodyAt === null
        ? Infinity
        : Math.max(bodyAt, headersAt)
      : Math.min(Math.max(bodyAt ?? Infinity, headersAt), headersAt + ERROR_BODY_WAIT_MS);
  const aborted = abortAt ?? Infinity;
  const first = Math.min(answered, aborted, timeoutMs);
  if (first === aborted) return 'aborted';
  if (first === timeoutMs) return 'timeout';
  return status === 201 ? 'answer' : 'http';
}

/** Runs of the property (300); raise them and pick the seed to explore: `ENDPOINT_GENERATOR_PROPERTY_RUNS=3000 ENDPOINT_GENERATOR_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('ENDPOINT_GENERATOR_PROPERTY', 300);

describe('createEndpointGenerator under runGenerator: whatever the order of answer, abort and timeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports what came first: the answer (its status, for an error), the timeout, or the abort', async () => {
    // Odd times for the answer, even ones for the abort and timeout: no two events at one moment.
    const odd = fc.integer({ min: 0, max: 1_500 }).map((n) => 2 * n + 1);
    const even = fc.integer({ min: 1, max: 1_500 }).map((n) => 2 * n);
    await fc.assert(
      fc
        .asyncProperty(
          fc.record({ status: fc.constantFrom<Answer['status']>(201, 401, 503), headersAt: odd, bodyAt: fc.option(odd, { nil: null }) }),
          fc.option(even, { nil: null }),
          even,
          async (answer, abortAt, timeoutMs) => {
            fc.pre(
              timeoutMs !== abortAt &&
                answer.headersAt + ERROR_BODY_WAIT_MS !== abortAt &&
                answer.headersAt + ERROR_BODY_WAIT_MS !== timeoutMs,
            );
            const controller = new AbortController();
            if (abortAt !== null) setTimeout(() => controller.abort(), abortAt);
            const generator = createEndpointGenerator('https://app.example/api/token', { fetch: fetchAnswering(answer) });
            const result = runGenerator(generator, normalizeOptions({}), { upstream: controller, attempt: 1, timeoutMs }).then(
              () => 'answer',
              (error: CustomTokenError) => error.code,
            );
            await vi.advanceTimersByTimeAsync(5_000);
            expect(await result).toBe(expected(answer, abortAt, timeoutMs));
          },
        )
        .beforeEach(() => vi.clearAllTimers()),
      { numRuns: RUNS, ...seed },
    );
  });
});
