import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import type { CustomTokenError } from '../../src/core/errors';
import { createTokenHandler, toNodeHandler, type TokenHandlerConfig } from '../../src/server';
import { handlerConfig, tokenRequest } from '../server/handlerConfig';
import { listen, type Listening } from '../server/listen';
import { verifyToken } from '../server/verify';
import { startRedisServer, whenDisconnected, whenReady, type RedisServer } from './redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/** One instance of the endpoint as a deployment runs it: its own process-level ioredis client, its own port. */
interface Instance {
  client: Redis;
  server: Listening;
}

/**
 * `count` instances sharing the test's Redis under a fresh key prefix. The store's timeout is long
 * (a loaded test machine delays Redis replies behind token signing) unless a test sets its own.
 */
async function instances(count: number, options: Partial<TokenHandlerConfig> = {}, timeoutMs = 10_000): Promise<Instance[]> {
  const keyPrefix = `test:${randomUUID()}`;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = await redis.client();
      const handler = createTokenHandler(handlerConfig({ limitStore: { redis: client, keyPrefix, timeoutMs }, ...options }));
      return { client, server: await listen(toNodeHandler(handler)) };
    }),
  );
}

async function close(all: Instance[]): Promise<void> {
  await Promise.all(all.map(({ server }) => server.close()));
}

const post = (instance: Instance, identity: string, body: unknown = {}) =>
  fetch(`${instance.server.origin}/api/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${identity}` },
    body: JSON.stringify(body),
  });

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, status) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {});

describe('limits on Redis: a client the app has just made', () => {
  /** The Fetch handler on `client`, asked for a token as soon as it is made (a serverless cold start). */
  const handlerOn = (client: Redis, onError: () => void) =>
    createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 5, windowSeconds: 60 } },
        // Long enough for a loaded machine: the wait for a connecting client is bounded by it.
        limitStore: { redis: client, keyPrefix: `test:${randomUUID()}`, timeoutMs: 10_000 },
        onError,
      }),
    );
  const ask = (handler: (request: Request) => Promise<Response>) =>
    handler(
      new Request('http://127.0.0.1/api/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
        body: '{}',
      }),
    );

  it('counts the first request of a cold start, made while the client is still connecting: 201, no outage reported', async () => {
    // Redis a second away (a new connection's first round trips in a cold start): the request comes before it is ready.
    const slow = await delayingProxy(redis.port, 1_000);
    const client = new Redis({ host: '127.0.0.1', port: slow.port });
    client.on('error', () => {});
    try {
      const onError = vi.fn();
      const closeListeners = client.listenerCount('close');
      const listeners = () => ['ready', 'close', 'end'].map((event) => client.listenerCount(event));
      const handler = handlerOn(client, onError);
      const responses = Array.from({ length: 20 }, () => ask(handler));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.status).not.toBe('ready');
      // The twenty requests share one wait, not a listener each (ioredis may hold one of its own while connecting).
      expect(client.listenerCount('close') - closeListeners).toBeLessThanOrEqual(2);
      expect((await Promise.all(responses)).map((response) => response.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i < 5 ? 201 : 429)),
      );
      expect(onError).not.toHaveBeenCalled();
      // The wait is over: none of its listeners stays on the client (a flapping Redis would pile them up).
      expect(listeners()).toEqual([0, 0, 0]);
    } finally {
      client.disconnect();
      await slow.close();
    }
  });

  it('connects a lazyConnect client on first use, as ioredis does on its first command', async () => {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    client.on('error', () => {});
    try {
      const onError = vi.fn();
      const handler = handlerOn(client, onError);
      expect([(await ask(handler)).status, (await ask(handler)).status]).toEqual([201, 201]);
      expect(onError).not.toHaveBeenCalled();
    } finally {
      client.disconnect();
    }
  });
});

describe('limits on Redis: a node-redis client', () => {
  it('answers 503 at once while a client that was ready reconnects, without waiting for its next attempt', async () => {
    const proxy = await delayingProxy(redis.port, 0);
    // Reconnect attempts 5 s apart: a check that waited for the client's next event would wait that long.
    const client = createClient({ socket: { host: '127.0.0.1', port: proxy.port, reconnectStrategy: () => 5_000 } });
    const events: string[] = [];
    client.on('error', () => events.push('error'));
    await client.connect();
    try {
      const onError = vi.fn();
      const handler = createTokenHandler(
        handlerConfig({
          limits: { tokens: { limit: 5, windowSeconds: 60 } },
          limitStore: { redis: client, keyPrefix: `test:${randomUUID()}`, timeoutMs: 10_000 },
          onError,
        }),
      );
      const ask = () =>
        handler(
          new Request('http://127.0.0.1/api/token', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
            body: '{}',
          }),
        );
      expect((await ask()).status).toBe(201);
      await proxy.close();
      await vi.waitFor(() => expect(client.isReady).toBe(false));
      events.length = 0;

      const response = await ask();

      expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([503, 'limits_unavailable']);
      expect(events).toEqual([]);
      expect(client.isOpen).toBe(true);
      expect(['ready', 'end', 'error'].map((event) => client.listenerCount(event))).toEqual([0, 0, 1]);
    } finally {
      client.destroy();
    }
  });

  it('counts on a node-redis (redis package) client as on ioredis: limit tokens, then 429, refunds included', async () => {
    const client = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
    client.on('error', () => {});
    await client.connect();
    try {
      const keyPrefix = `test:${randomUUID()}`;
      const handler = createTokenHandler(
        handlerConfig({
          limits: { tokens: { limit: 2, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 60 } },
          agents: ['support-agent'],
          limitStore: { redis: client, keyPrefix },
          onError: (error) => {
            throw error;
          },
        }),
      );
      const ask = (body: unknown = {}) =>
        handler(
          new Request('http://127.0.0.1/api/token', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
            body: JSON.stringify(body),
          }),
        );
      const withAgent = { room_config: { agents: [{ agent_name: 'support-agent' }] } };
      expect((await ask(withAgent)).status).toBe(201);
      // Over the agent limit: refused, and its dispatch points given back by the refund script.
      expect((await ask(withAgent)).status).toBe(429);
      expect(await client.get(`${keyPrefix}:agentDispatches:60s:alice`)).toBe('1');
      expect((await ask()).status).toBe(201);
      expect((await ask()).status).toBe(429);
      expect(await client.get(`${keyPrefix}:tokens:60s:alice`)).toBe('2');
    } finally {
      client.destroy();
    }
  });
});

describe('limits on Redis: what the counts leave in Redis', () => {
  it("keeps a caller's counts under lkctr:tokens:<window>s:<identity> and lkctr:agentDispatches:…, each expiring with its window, and leaves the client open", async () => {
    const client = await redis.client();
    const identity = `caller-${randomUUID()}`;
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 5, windowSeconds: 60 }, agentDispatches: { limit: 5, windowSeconds: 3600 } },
        agents: ['support-agent'],
        limitStore: { redis: client, timeoutMs: 10_000 },
      }),
    );
    const withAgent = { room_config: { agents: [{ agent_name: 'support-agent' }] } };
    expect((await handler(tokenRequest(withAgent, { headers: { Authorization: `Bearer ${identity}` } }))).status).toBe(201);
    expect((await client.keys(`*${identity}`)).sort()).toEqual([`lkctr:agentDispatches:3600s:${identity}`, `lkctr:tokens:60s:${identity}`]);
    const tokensLeft = await client.pttl(`lkctr:tokens:60s:${identity}`);
    const dispatchesLeft = await client.pttl(`lkctr:agentDispatches:3600s:${identity}`);
    expect(tokensLeft).toBeGreaterThan(50_000);
    expect(tokensLeft).toBeLessThanOrEqual(60_000);
    expect(dispatchesLeft).toBeGreaterThan(3_590_000);
    expect(dispatchesLeft).toBeLessThanOrEqual(3_600_000);
    expect(client.status).toBe('ready');
  });
});

describe('limits on Redis: two instances, one Redis', () => {
  it('50 concurrent requests of one caller split across both → exactly 10 tokens and 40 × 429 with Retry-After; another caller unaffected', async () => {
    const [first, second] = await instances(2, { limits: { tokens: { limit: 10, windowSeconds: 60 } } });
    try {
      const burst = await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => post(i % 2 === 0 ? first! : second!, 'alice')),
        ...Array.from({ length: 6 }, (_, i) => post(i % 2 === 0 ? first! : second!, 'bob')),
      ]);
      const alice = burst.slice(0, 50);
      const bob = burst.slice(50);
      expect(tally(alice.map(({ status }) => status))).toEqual({ 201: 10, 429: 40 });
      expect(bob.map(({ status }) => status)).toEqual([201, 201, 201, 201, 201, 201]);
      for (const refused of alice.filter(({ status }) => status === 429)) {
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      }
      // Ten in all from 25 requests per instance: counted per instance, each would have issued ten (20).
      // Which instance issued them is up to the race (under load one may reach Redis first every time).
      for (const response of alice.filter(({ status }) => status === 201)) {
        const { participant_token } = (await response.json()) as { participant_token: string };
        expect((await verifyToken(participant_token)).sub).toBe('alice');
      }
    } finally {
      await close([first!, second!]);
    }
  });

  it('with both limits, refuses no token-only request while the tokens count is under its limit, though the agent limit refuses many others', async () => {
    const limits = { tokens: { limit: 20, windowSeconds: 60 }, agentDispatches: { limit: 7, windowSeconds: 60 } };
    const agents = ['a1', 'a2', 'a3'];
    const [first, second] = await instances(2, { limits, agents, maxAgentsPerToken: 3 });
    // A quarter without an agent, the rest dispatching one to three.
    const agentsOf = (i: number) => agents.slice(0, i % 4);
    const body = (i: number) => (i % 4 === 0 ? {} : { room_config: { agents: agentsOf(i).map((agent_name) => ({ agent_name })) } });
    try {
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => post(i % 2 === 0 ? first! : second!, 'alice', body(i))));
      const statuses = burst.map(({ status }) => status);
      // At most 7 dispatches' tokens and the 10 without an agent: under the tokens limit of 20. A
      // request the agent limit refuses must hold no token meanwhile, so none of the ten is refused.
      expect(statuses.filter((_, i) => i % 4 === 0)).toEqual(Array.from({ length: 10 }, () => 201));
      expect(statuses.reduce((sum, status, i) => sum + (status === 201 ? agentsOf(i).length : 0), 0)).toBeLessThanOrEqual(7);
    } finally {
      await close([first!, second!]);
    }
  });

  it('allows the caller again on either instance once the window has passed (a 2 s window: Redis keeps real time)', async () => {
    const [first, second] = await instances(2, { limits: { tokens: { limit: 1, windowSeconds: 2 } } });
    try {
      expect((await post(first!, 'alice')).status).toBe(201);
      const refused = await post(second!, 'alice');
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect([1, 2]).toContain(retryAfter);
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
      expect((await post(second!, 'alice')).status).toBe(201);
    } finally {
      await close([first!, second!]);
    }
  });

  it('shares agent dispatch counts across instances', async () => {
    const [first, second] = await instances(2, { limits: { agentDispatches: { limit: 2, windowSeconds: 60 } }, agents: ['support-agent'] });
    const withAgent = { room_config: { agents: [{ agent_name: 'support-agent' }] } };
    try {
      expect((await post(first!, 'alice', withAgent)).status).toBe(201);
      expect((await post(second!, 'alice', withAgent)).status).toBe(201);
      expect((await post(first!, 'alice', withAgent)).status).toBe(429);
      expect((await post(second!, 'alice', { room_name: 'chat' })).status).toBe(201);
    } finally {
      await close([first!, second!]);
    }
  });
});

describe('limits on Redis: when Redis fails', () => {
  const limits = { tokens: { limit: 100, windowSeconds: 60 } };

  it("with onLimitStoreError 'deny', answers 503 limits_unavailable while Redis is down, reports it to onError, and recovers", async () => {
    const onError = vi.fn();
    const [instance] = await instances(1, { limits, onLimitStoreError: 'deny', onError });
    try {
      expect((await post(instance!, 'alice')).status).toBe(201);
      await redis.crash();
      await whenDisconnected(instance!.client);
      const response = await post(instance!, 'alice');
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: { code: 'limits_unavailable', message: 'Limits cannot be checked right now; try again shortly.' },
      });
      expect(text).not.toMatch(/redis|127\.0\.0\.1|eyJ/i);
      expect(onError).toHaveBeenCalledOnce();
      await redis.restart();
      await whenReady(instance!.client);
      expect((await post(instance!, 'alice')).status).toBe(201);
    } finally {
      await close([instance!]);
    }
  });

  it('says when to ask again (Retry-After) on the 503 while Redis is down, so clients pace their retries: createEndpointGenerator reads it', async () => {
    const [instance] = await instances(1, { limits, onLimitStoreError: 'deny', onError: () => {} });
    try {
      await redis.crash();
      await whenDisconnected(instance!.client);
      const generator = createEndpointGenerator(`${instance!.server.origin}/api/token`, { headers: { Authorization: 'Bearer alice' } });
      const failure = await generator({}, { signal: new AbortController().signal, attempt: 1 }).then(
        () => undefined,
        (error: unknown) => error as CustomTokenError,
      );
      expect([failure?.code, failure?.status, failure?.serverCode, failure?.retryAfterMs]).toEqual([
        'http',
        503,
        'limits_unavailable',
        2_000,
      ]);
    } finally {
      await redis.restart();
      await whenReady(instance!.client);
      await close([instance!]);
    }
  });

  it('says when to ask again (Retry-After) on the 503 when nothing listens at the Redis address', async () => {
    // A port on 127.0.0.1 that was just free: the client's every connection attempt is refused.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const client = new Redis({ host: '127.0.0.1', port: closed, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    const handler = createTokenHandler(
      handlerConfig({ limits, limitStore: { redis: client, keyPrefix: `test:${randomUUID()}`, timeoutMs: 300 }, onError: () => {} }),
    );
    try {
      const response = await handler(tokenRequest({}));
      expect([
        response.status,
        response.headers.get('retry-after'),
        ((await response.json()) as { error: { code: string } }).error.code,
      ]).toEqual([503, '2', 'limits_unavailable']);
    } finally {
      client.disconnect();
    }
  });

  it("with onLimitStoreError 'allow', issues tokens while Redis is down, reports it to onError, and counts again once it is back", async () => {
    const onError = vi.fn();
    const [instance] = await instances(1, { limits: { tokens: { limit: 1, windowSeconds: 60 } }, onLimitStoreError: 'allow', onError });
    try {
      await redis.crash();
      await whenDisconnected(instance!.client);
      expect([(await post(instance!, 'alice')).status, (await post(instance!, 'alice')).status]).toEqual([201, 201]);
      expect(onError).toHaveBeenCalledTimes(2);
      await redis.restart();
      await whenReady(instance!.client);
      expect([(await post(instance!, 'alice')).status, (await post(instance!, 'alice')).status]).toEqual([201, 429]);
    } finally {
      await close([instance!]);
    }
  });

  it.each([
    ['deny', 503],
    ['allow', 201],
  ] as const)(
    "with onLimitStoreError '%s', counts nothing for requests answered (%i) while Redis hung, once it answers again",
    async (onLimitStoreError, whileHung) => {
      const [instance] = await instances(
        1,
        { limits: { tokens: { limit: 3, windowSeconds: 60 } }, onLimitStoreError, onError: () => {} },
        300,
      );
      try {
        expect((await post(instance!, 'alice')).status).toBe(201); // 1 of 3
        redis.freeze();
        try {
          expect([(await post(instance!, 'alice')).status, (await post(instance!, 'alice')).status]).toEqual([whileHung, whileHung]);
        } finally {
          redis.thaw();
        }
        // Redis answers in order: the counts it held, and their refunds, have run before this ping's answer.
        await instance!.client.ping();
        await instance!.client.ping();
        const after = [];
        for (let i = 0; i < 3; i++) after.push((await post(instance!, 'alice')).status);
        expect(after).toEqual([201, 201, 429]);
      } finally {
        await close([instance!]);
      }
    },
  );

  it.each([
    ['before', 150],
    ['after', 600],
  ])(
    "counts nothing for requests answered 503 while Redis hung, when the app's ioredis client gives up on commands (its commandTimeout) %s timeoutMs",
    async (_, commandTimeout) => {
      // ioredis rejects a command it waited commandTimeout for, but the command is out: Redis runs it when it answers again.
      const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, commandTimeout, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      await client.connect();
      const keyPrefix = `test:${randomUUID()}`;
      const handler = createTokenHandler(
        handlerConfig({
          limits: { tokens: { limit: 3, windowSeconds: 60 } },
          limitStore: { redis: client, keyPrefix, timeoutMs: 300 },
          onLimitStoreError: 'deny',
          onError: () => {},
        }),
      );
      try {
        expect((await handler(tokenRequest({}))).status).toBe(201); // 1 of 3
        redis.freeze();
        try {
          expect([(await handler(tokenRequest({}))).status, (await handler(tokenRequest({}))).status]).toEqual([503, 503]);
          // Hung longer than the client waits: it has given up on both counts.
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        } finally {
          redis.thaw();
        }
        // Redis answers in order: the counts it held, and what was sent after them, have run before this ping's answer.
        await client.ping();
        await client.ping();
        expect(await client.get(`${keyPrefix}:tokens:60s:alice`)).toBe('1');
        const after = [];
        for (let i = 0; i < 3; i++) after.push((await handler(tokenRequest({}))).status);
        expect(after).toEqual([201, 201, 429]);
      } finally {
        redis.thaw();
        client.disconnect();
      }
    },
  );

  it("with onLimitStoreError 'deny', gives back the agent dispatch of a request whose tokens count failed as the connection dropped, once Redis is back", async () => {
    // The connection drops as the tokens count goes out, after the agent dispatch was counted.
    const proxy = await cuttingProxy(redis.port, ':tokens:', 1_000);
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    await client.connect();
    const keyPrefix = `test:${randomUUID()}`;
    const handler = createTokenHandler(
      handlerConfig({
        agents: ['helper'],
        limits: { tokens: { limit: 10, windowSeconds: 60 }, agentDispatches: { limit: 3, windowSeconds: 60 } },
        limitStore: { redis: client, keyPrefix, timeoutMs: 300 },
        onLimitStoreError: 'deny',
        onError: () => {},
      }),
    );
    const direct = await redis.client();
    try {
      const response = await handler(tokenRequest({ room_name: 'desk', room_config: { agents: [{ agent_name: 'helper' }] } }));
      expect(response.status).toBe(503);
      expect(await direct.get(`${keyPrefix}:agentDispatches:60s:alice`)).toBe('1');
      await whenReady(client);
      // Redis answers in order: a refund sent on reconnecting has run before this ping's answer.
      await client.ping();
      await client.ping();
      expect(Number(await direct.get(`${keyPrefix}:agentDispatches:60s:alice`))).toBe(0);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it('gives back nothing to a window opened since on a restarted Redis, when a refund held back while the connection was down is sent', async () => {
    // Instance A's connection drops as its tokens count goes out (its agent dispatch counted), and
    // comes back 1.5 s later; meanwhile Redis restarts empty and instance B opens a fresh window.
    const proxy = await cuttingProxy(redis.port, ':tokens:', 1_500);
    const slow = new Redis({ host: '127.0.0.1', port: proxy.port, lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    slow.on('error', () => {});
    await slow.connect();
    const keyPrefix = `test:${randomUUID()}`;
    const options = {
      agents: ['helper'],
      limits: { tokens: { limit: 10, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 60 } },
      onLimitStoreError: 'deny' as const,
      onError: () => {},
    };
    const first = createTokenHandler(handlerConfig({ ...options, limitStore: { redis: slow, keyPrefix, timeoutMs: 300 } }));
    const fast = await redis.client();
    const second = createTokenHandler(handlerConfig({ ...options, limitStore: { redis: fast, keyPrefix, timeoutMs: 10_000 } }));
    const withAgent = { room_name: 'desk', room_config: { agents: [{ agent_name: 'helper' }] } };
    try {
      expect((await first(tokenRequest(withAgent))).status).toBe(503);
      await redis.restart(); // without persistence: every window starts afresh
      await whenReady(fast);
      expect((await second(tokenRequest(withAgent))).status).toBe(201); // the one dispatch of the new window
      await whenReady(slow);
      // Redis answers in order: a refund sent on reconnecting has run before this ping's answer.
      await slow.ping();
      await slow.ping();
      expect((await second(tokenRequest(withAgent))).status).toBe(429); // the new window's one dispatch is still counted
      expect(await fast.get(`${keyPrefix}:agentDispatches:60s:alice`)).toBe('1');
    } finally {
      slow.disconnect();
      await proxy.close();
    }
  });

  it('treats a Redis that stops answering as failed after timeoutMs, instead of hanging the request', async () => {
    const [instance] = await instances(1, { limits, onLimitStoreError: 'deny', onError: () => {} }, 300);
    try {
      expect((await post(instance!, 'alice')).status).toBe(201);
      redis.freeze();
      const started = performance.now();
      const response = await post(instance!, 'alice');
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      redis.thaw();
      await close([instance!]);
    }
  });

  it("with onLimitStoreError 'deny', answers 503 after timeoutMs when Redis hangs between a request's two counts, not after a second wait for the refund", async () => {
    // Redis answers the agent dispatch count, then nothing: the tokens count goes unanswered.
    const proxy = await stallingProxy(redis.port, ':tokens:');
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    await client.connect();
    const handler = createTokenHandler(
      handlerConfig({
        agents: ['helper'],
        limits: { tokens: { limit: 10, windowSeconds: 60 }, agentDispatches: { limit: 3, windowSeconds: 60 } },
        limitStore: { redis: client, keyPrefix: `test:${randomUUID()}`, timeoutMs: 1_000 },
        onLimitStoreError: 'deny',
        onError: () => {},
      }),
    );
    try {
      const started = performance.now();
      const response = await handler(tokenRequest({ room_name: 'desk', room_config: { agents: [{ agent_name: 'helper' }] } }));
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(elapsed).toBeGreaterThanOrEqual(990);
      expect(elapsed).toBeLessThan(1_500);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });
});

/**
 * A loopback TCP proxy to `port` that stops passing on what the client sends — Redis hung, the
 * connection still up — from the first time it sends `stallOn` (that command included).
 */
function stallingProxy(port: number, stallOn: string): Promise<LoopbackProxy> {
  let stalled = false;
  return loopbackProxy((client, track) => {
    const upstream = track(connect(port, '127.0.0.1'));
    for (const socket of [client, upstream]) socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
    upstream.pipe(client);
    client.on('data', (data: Buffer) => {
      if (!stalled && data.toString('latin1').includes(stallOn)) stalled = true;
      if (!stalled) upstream.write(data);
    });
  });
}

/** A loopback TCP proxy to `port` that waits `delayMs` before it connects each client through. */
function delayingProxy(port: number, delayMs: number): Promise<LoopbackProxy> {
  return loopbackProxy((client, track) => {
    setTimeout(() => {
      const upstream = track(connect(port, '127.0.0.1'));
      client.pipe(upstream).pipe(client);
      for (const socket of [client, upstream]) socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
    }, delayMs);
  });
}

/**
 * A loopback TCP proxy to `port` that drops the connection the first time the client sends
 * `cutOn`, before passing it on, and refuses new connections for `downMs` after that.
 */
function cuttingProxy(port: number, cutOn: string, downMs: number): Promise<LoopbackProxy> {
  let downUntil = 0;
  let armed = true;
  return loopbackProxy((client, track) => {
    client.on('error', () => {});
    if (Date.now() < downUntil) return void client.destroy();
    const upstream = track(connect(port, '127.0.0.1'));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    client.on('data', (data: Buffer) => {
      if (armed && data.toString('latin1').includes(cutOn)) {
        armed = false;
        downUntil = Date.now() + downMs;
        client.destroy();
        return;
      }
      upstream.write(data);
    });
  });
}

interface LoopbackProxy {
  port: number;
  /** Stops listening and ends every connection it made. */
  close: () => Promise<void>;
}

/** A TCP server on 127.0.0.1 at a free port whose clients `onClient` connects through; `track` a socket for `close()` to end. */
async function loopbackProxy(onClient: (client: Socket, track: (socket: Socket) => Socket) => void): Promise<LoopbackProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => (sockets.add(socket), socket);
  const server = createServer((client) => onClient(track(client), track));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
