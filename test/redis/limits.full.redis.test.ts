import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from '../server/handlerConfig';
import { readResponse } from '../server/verify';
import { startRedisServer, type RedisServer } from './redisServer';

// Its own redis-server: the test fills it (maxmemory), which would fail every other file's counts.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/**
 * docs/server-security.md: "Keep the default `noeviction` on the Redis the limits use: full, it
 * refuses the counts (`OOM command not allowed…` to `onError`), and `onLimitStoreError` decides,
 * as for any store failure." A failure that is a reply on a live connection, not a connection that
 * is down or slow.
 */
describe('limits on Redis: a Redis that is full (noeviction)', () => {
  it.each([
    ['deny', 503, 'limits_unavailable'],
    ['allow', 201, undefined],
  ] as const)(
    "with onLimitStoreError '%s', answers %i while Redis refuses the counts, tells onError, and counts nothing for it",
    async (onLimitStoreError, whileFull, code) => {
      const client = await redis.client();
      const admin = await redis.client();
      expect(await admin.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      const keyPrefix = `test:${randomUUID()}`;
      const onError = vi.fn();
      const handler = createTokenHandler(
        handlerConfig({
          agents: ['support-agent'],
          limits: { tokens: { limit: 2, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 60 } },
          limitStore: { redis: client, keyPrefix, timeoutMs: 10_000 },
          onLimitStoreError,
          onError,
        }),
      );
      const withAgent = { room_name: 'desk', room_config: { agents: [{ agent_name: 'support-agent' }] } };
      expect((await handler(tokenRequest({}))).status).toBe(201); // 1 of 2 tokens

      await admin.config('SET', 'maxmemory', '1');
      try {
        const { status, body, claims } = await readResponse(await handler(tokenRequest(withAgent)));
        expect([status, body.error?.code]).toEqual([whileFull, code]);
        // 'allow' issues the token uncounted, its agent with it; 'deny' issues none.
        expect(claims?.roomConfig?.agents?.map((agent) => agent.agentName)).toEqual(whileFull === 201 ? ['support-agent'] : undefined);
        expect(onError).toHaveBeenCalledOnce();
        expect(String(onError.mock.calls[0]![0])).toMatch(/OOM command not allowed/);
      } finally {
        await admin.config('SET', 'maxmemory', '0');
      }

      // Counting goes on where it stood: the refused counts took nothing, neither token nor dispatch.
      expect((await handler(tokenRequest(withAgent))).status).toBe(201); // 2 of 2 tokens, 1 of 1 dispatch
      expect((await handler(tokenRequest({}))).status).toBe(429);
      expect([await admin.get(`${keyPrefix}:tokens:60s:alice`), await admin.get(`${keyPrefix}:agentDispatches:60s:alice`)]).toEqual([
        '2',
        '1',
      ]);
    },
  );
});
