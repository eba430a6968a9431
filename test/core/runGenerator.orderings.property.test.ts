import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../src/core/errors';
import { runGenerator } from '../../src/core/runGenerator';
import type { TokenGenerator, TokenResponse } from '../../src/core/types';
import { SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

const response: TokenResponse = { serverUrl: SERVER_URL, participantToken: 'jwt' };
type Outcome = 'answer' | 'network failure' | 'typed failure' | 'hang';

/** What the generator does at `settleAt` ms, unless it honours an abort that comes first. */
function generatorOf(outcome: Outcome, settleAt: number, honoursAbort: boolean): TokenGenerator {
  return (_request, context) =>
    new Promise((resolve, reject) => {
      if (honoursAbort) context.signal.addEventListener('abort', () => reject(context.signal.reason as Error));
      if (outcome === 'hang') return;
      setTimeout(() => {
        if (outcome === 'answer') resolve(response);
        else if (outcome === 'network failure') reject(new TypeError('Failed to fetch'));
        else reject(new CustomTokenError('http', 'The token endpoint answered HTTP 503', { status: 503 }));
      }, settleAt);
    });
}

/**
 * What docs/token-source.md promises of one call: the first of the timeout, the generator's
 * settling or an abort decides. Timers due at the same moment run in the order they were set: the
 * abort's, the timeout's, the generator's (a fraction orders them).
 */
function expected(outcome: Outcome, settleAt: number, honoursAbort: boolean, abortAt: number | null, timeoutMs: number): string {
  const aborted = abortAt ?? Infinity;
  const timeout = timeoutMs + 0.1;
  const settles = outcome === 'hang' ? Infinity : settleAt + 0.2;
  const firstOfGenerator = honoursAbort ? Math.min(settles, aborted) : settles;
  if (timeout < firstOfGenerator) return aborted < timeout ? 'aborted' : 'timeout';
  // A CustomTokenError the generator throws passes through as it is (runGenerator.test.ts pins it).
  if (outcome === 'typed failure' && settles === firstOfGenerator) return 'http';
  if (aborted < settles) return 'aborted';
  return outcome === 'answer' ? 'answer' : 'generator_failed';
}

/** Runs of the property (300); raise them and pick the seed to explore: `RUN_GENERATOR_PROPERTY_RUNS=3000 RUN_GENERATOR_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('RUN_GENERATOR_PROPERTY', 300);

describe('runGenerator: whatever the order of answer, abort and timeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports what came first: an answer, the failure, the timeout, or the abort', async () => {
    await fc.assert(
      fc
        .asyncProperty(
          fc.constantFrom<Outcome>('answer', 'network failure', 'typed failure', 'hang'),
          fc.integer({ min: 1, max: 300 }),
          fc.boolean(),
          fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
          fc.integer({ min: 1, max: 300 }),
          async (outcome, settleAt, honoursAbort, abortAt, timeoutMs) => {
            const controller = new AbortController();
            if (abortAt !== null) setTimeout(() => controller.abort(), abortAt);
            const generator = generatorOf(outcome, settleAt, honoursAbort);
            const result = runGenerator(generator, { roomName: 'A' }, { upstream: controller, attempt: 1, timeoutMs }).then(
              () => 'answer',
              (error: CustomTokenError) => error.code,
            );
            await vi.advanceTimersByTimeAsync(1_000);
            expect(await result).toBe(expected(outcome, settleAt, honoursAbort, abortAt, timeoutMs));
          },
        )
        .beforeEach(() => vi.clearAllTimers()),
      { numRuns: RUNS, ...seed },
    );
  });
});
