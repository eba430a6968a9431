import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenHandler, type TokenHandler, type TokenHandlerConfig } from '../../src/server';
import { handlerConfig, tokenRequest } from '../server/handlerConfig';
import { readResponse } from '../server/verify';
import { startRedisServer, type RedisServer } from './redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const withAgent = { room_name: 'desk', room_config: { agents: [{ agent_name: 'support-agent' }] } };

/**
 * Two instances of the endpoint under one key prefix, one counting through ioredis and the other
 * through node-redis (a Next.js app and an Express server of one deployment, say): docs/server-security.md
 * says the counts are shared by every handler given the same Redis and `keyPrefix`, either client.
 */
async function ioredisAndNodeRedis(limits: NonNullable<TokenHandlerConfig['limits']>): Promise<[TokenHandler, TokenHandler, () => void]> {
  const keyPrefix = `test:${randomUUID()}`;
  const nodeRedis = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
  nodeRedis.on('error', () => {});
  await nodeRedis.connect();
  const options = {
    agents: ['support-agent'],
    limits,
    onError: (error: unknown) => {
      throw error;
    },
  };
  const viaIoredis = createTokenHandler(
    handlerConfig({ ...options, limitStore: { redis: await redis.client(), keyPrefix, timeoutMs: 10_000 } }),
  );
  const viaNodeRedis = createTokenHandler(handlerConfig({ ...options, limitStore: { redis: nodeRedis, keyPrefix, timeoutMs: 10_000 } }));
  return [viaIoredis, viaNodeRedis, () => nodeRedis.destroy()];
}

describe('limits on Redis: an ioredis instance and a node-redis instance, one key prefix', () => {
  it('count against each other, both ways: each refuses what the other used up', async () => {
    const [viaIoredis, viaNodeRedis, close] = await ioredisAndNodeRedis({
      tokens: { limit: 4, windowSeconds: 60 },
      agentDispatches: { limit: 2, windowSeconds: 60 },
    });
    try {
      const statuses = [];
      for (const [handler, body] of [
        [viaNodeRedis, withAgent],
        [viaIoredis, withAgent],
        [viaNodeRedis, withAgent], // dispatches: 2 of 2, used up by one of each
        [viaIoredis, withAgent],
        [viaIoredis, {}],
        [viaNodeRedis, {}], // tokens: 4 of 4
        [viaIoredis, {}],
        [viaNodeRedis, {}],
      ] as const) {
        statuses.push((await handler(tokenRequest(body))).status);
      }
      expect(statuses).toEqual([201, 201, 429, 429, 201, 201, 429, 429]);
    } finally {
      close();
    }
  });

  it('hold under a concurrent burst of one caller split across both: exactly `limit` tokens, each for that caller', async () => {
    const [viaIoredis, viaNodeRedis, close] = await ioredisAndNodeRedis({ tokens: { limit: 10, windowSeconds: 60 } });
    try {
      const burst = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => readResponse(await (i % 2 === 0 ? viaIoredis : viaNodeRedis)(tokenRequest({})))),
      );
      const issued = burst.filter(({ status }) => status === 201);
      expect([issued.length, burst.length - issued.length]).toEqual([10, 30]);
      expect(burst.every(({ status }) => status === 201 || status === 429)).toBe(true);
      for (const { claims } of issued) expect(claims?.sub).toBe('alice');
    } finally {
      close();
    }
  });
});
