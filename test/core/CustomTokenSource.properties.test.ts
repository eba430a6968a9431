import { decodeTokenPayload } from 'livekit-client';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

const rooms = ['A', 'B', 'C'] as const;

const action = fc.oneof(
  fc.record({ kind: fc.constant('fetch' as const), room: fc.constantFrom(...rooms) }),
  fc.record({ kind: fc.constant('force' as const), room: fc.constantFrom(...rooms) }),
  fc.record({ kind: fc.constant('cancel' as const) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15 * 60_000 }) }),
  fc.record({ kind: fc.constant('toggle-failure' as const) }),
);

/** Runs of the property (40); raise them and pick the seed to explore: `TOKEN_SOURCE_PROPERTY_RUNS=400 TOKEN_SOURCE_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('TOKEN_SOURCE_PROPERTY', 40);

describe('CustomTokenSource under random sequences of fetch, forced fetch, abort, time and failure', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('never answers with a token for other options, never runs two generator calls per key, never rejects unhandled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 25 }), fc.integer({ min: 0, max: 1_500 }), async (actions, latencyMs) => {
        // Signals of the calls in flight per room; an aborted call no longer counts as in flight.
        const inFlight = new Map<string, Set<AbortSignal>>(rooms.map((room) => [room, new Set()]));
        let mostInFlight = 0;
        let failing = false;
        const generator: TokenGenerator = async (request, { signal }) => {
          const room = request.roomName!;
          const calls = inFlight.get(room)!;
          calls.add(signal);
          mostInFlight = Math.max(mostInFlight, [...calls].filter((call) => !call.aborted).length);
          try {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, latencyMs);
              signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
            });
            if (failing) throw Object.assign(new Error('unavailable'), { status: 503 });
            return { serverUrl: SERVER_URL, participantToken: await mintToken({ room }) };
          } finally {
            calls.delete(signal);
          }
        };
        const source = createCustomTokenSource(generator, { timeoutMs: 2_000, retryDelayMs: 100 });
        // What each fetch answered, once it settles: a failed forced fetch whose options the source left stays pending.
        const answers: { force: boolean; asked: string; room?: string; settled: boolean }[] = [];

        for (const step of actions) {
          if (step.kind === 'fetch' || step.kind === 'force') {
            const answer = {
              force: step.kind === 'force',
              asked: step.room as string,
              room: undefined as string | undefined,
              settled: false,
            };
            answers.push(answer);
            void source.fetch({ roomName: answer.asked }, answer.force).then(
              ({ participantToken }) => Object.assign(answer, { settled: true, room: decodeTokenPayload(participantToken).video?.room }),
              () => Object.assign(answer, { settled: true, room: answer.asked }),
            );
          } else if (step.kind === 'cancel') source.cancel();
          else if (step.kind === 'advance') await vi.advanceTimersByTimeAsync(step.ms);
          else failing = !failing;
        }
        failing = false;
        // Forced fetches wait for the next token of their options: make sure each option set gets one.
        for (const roomName of rooms) {
          const next = source.fetch({ roomName }).then(
            () => 'ok',
            (error: unknown) => error,
          );
          await vi.advanceTimersByTimeAsync(60_000);
          expect(await next).toBe('ok');
        }

        for (const { force, asked, room, settled } of answers) {
          if (!force) expect(settled).toBe(true);
          if (settled) expect(room).toBe(asked);
        }
        expect(mostInFlight).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS, ...seed },
    );
  }, 60_000);
});
