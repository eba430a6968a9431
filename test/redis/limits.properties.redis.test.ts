import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from '../server/handlerConfig';
import { readResponse } from '../server/verify';
import { startRedisServer, type RedisServer } from './redisServer';
import { propertyRuns } from '../helpers/propertyRuns';

const TOKENS = { limit: 5, windowSeconds: 600 };
const DISPATCHES = { limit: 4, windowSeconds: 600 };
const AGENTS = ['notes', 'support-agent'];
const INSTANCES = 3;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

interface Call {
  identity: string;
  agents: number;
  instance: number;
}

const call: fc.Arbitrary<Call> = fc.record({
  identity: fc.constantFrom('alice', 'bob', 'carol'),
  agents: fc.integer({ min: 0, max: 2 }),
  instance: fc.integer({ min: 0, max: INSTANCES - 1 }),
});

/** Runs of the property (25); raise them and pick the seed to explore: `REDIS_LIMITS_PROPERTY_RUNS=250 REDIS_LIMITS_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('REDIS_LIMITS_PROPERTY', 25);

describe('limits on Redis: property', () => {
  it('for random interleavings of callers, agents and instances, never issues more than the limits, and never answers 500', async () => {
    const clients = await Promise.all(Array.from({ length: INSTANCES }, () => redis.client()));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(call, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), async (batches) => {
        // Fresh counters per run; one handler per instance, each with its own Redis connection.
        const keyPrefix = `prop:${randomUUID()}`;
        const handlers = clients.map((client) =>
          createTokenHandler(
            handlerConfig({
              limits: { tokens: TOKENS, agentDispatches: DISPATCHES },
              limitStore: { redis: client, keyPrefix, timeoutMs: 10_000 }, // generous: a loaded machine delays replies
              agents: AGENTS,
              maxAgentsPerToken: 2,
              onError: () => {},
            }),
          ),
        );
        const issued = new Map<string, { tokens: number; dispatches: number }>();
        for (const batch of batches) {
          // A batch runs concurrently: its requests interleave across instances as the event loop and Redis order them.
          const responses = await Promise.all(
            batch.map(async ({ identity, agents, instance }) => {
              const body = { room_config: { agents: AGENTS.slice(0, agents).map((agent_name) => ({ agent_name })) } };
              const response = await handlers[instance]!(tokenRequest(body, { headers: { Authorization: `Bearer ${identity}` } }));
              return { identity, retryAfter: response.headers.get('retry-after'), ...(await readResponse(response)) };
            }),
          );
          for (const { identity, status, claims, body, retryAfter } of responses) {
            expect([201, 429]).toContain(status);
            if (status === 429) {
              expect(body.error?.code).toBe('rate_limited');
              expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
              continue;
            }
            const counts = issued.get(identity) ?? { tokens: 0, dispatches: 0 };
            counts.tokens += 1;
            counts.dispatches += claims?.roomConfig?.agents?.length ?? 0;
            issued.set(identity, counts);
          }
        }
        for (const counts of issued.values()) {
          expect(counts.tokens).toBeLessThanOrEqual(TOKENS.limit);
          expect(counts.dispatches).toBeLessThanOrEqual(DISPATCHES.limit);
        }
      }),
      { numRuns: RUNS, ...seed },
    );
  }, 120_000);
});
