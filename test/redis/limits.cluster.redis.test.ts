import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import fc from 'fast-check';
import { createClient, createCluster } from 'redis';
import { createCluster as createClusterOfRedis4 } from 'redis-v4';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, type TokenHandler, type TokenHandlerConfig } from '../../src/server';
import { handlerConfig, tokenRequest } from '../server/handlerConfig';
import { windowKeys } from '../../src/server/limits/windowKeys';
import { readResponse } from '../server/verify';
import { startRedisCluster, type RedisCluster } from './redisServer';
import { propertyRuns } from '../helpers/propertyRuns';

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

type ClusterClient = Cluster | Awaited<ReturnType<RedisCluster['nodeRedis']>>;

const clients: [string, () => Promise<ClusterClient>][] = [
  ['an ioredis Cluster', () => cluster.ioredis()],
  ['a node-redis createCluster client', () => cluster.nodeRedis()],
];

const withAgent = { room_name: 'desk', room_config: { agents: [{ agent_name: 'support-agent' }] } };

const ask = (handler: TokenHandler, identity: string, body: unknown = {}) =>
  handler(tokenRequest(body, { headers: { Authorization: `Bearer ${identity}` } }));

/** The documented key of a caller's window on a cluster: the part after the prefix is a hash tag. */
const clusterWindowKey = (keyPrefix: string, name: string, windowSeconds: number, identity: string) =>
  `${keyPrefix}:{${name}:${windowSeconds}s:${identity}}`;

/** Runs of the property (20); raise them and pick the seed to explore: `REDIS_CLUSTER_PROPERTY_RUNS=200 REDIS_CLUSTER_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('REDIS_CLUSTER_PROPERTY', 20);

/** Runs of the property (300); raise them and pick the seed to explore: `REDIS_CLUSTER_SLOTS_PROPERTY_RUNS=3000 REDIS_CLUSTER_SLOTS_PROPERTY_SEED=<seed>`. */
const { numRuns: SLOTS_RUNS, ...slotsSeed } = propertyRuns('REDIS_CLUSTER_SLOTS_PROPERTY', 300);

describe.each(clients)('limits on a Redis Cluster through %s', (_, connect) => {
  /** A handler counting on `redis` under `keyPrefix`; a store failure fails the test unless `onError` is given. */
  const handlerOn = (redis: ClusterClient, keyPrefix: string, options: Partial<TokenHandlerConfig>) =>
    createTokenHandler(
      handlerConfig({
        agents: ['support-agent'],
        limitStore: { redis, keyPrefix, timeoutMs: 10_000 },
        onError: (error) => {
          throw error;
        },
        ...options,
      }),
    );

  it('holds across two handler instances, each with its own client: exactly 10 tokens of 40 concurrent requests', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const limits = { tokens: { limit: 10, windowSeconds: 60 } };
    const [one, two] = [handlerOn(await connect(), keyPrefix, { limits }), handlerOn(await connect(), keyPrefix, { limits })];
    const burst = await Promise.all(Array.from({ length: 40 }, async (_, i) => readResponse(await ask(i % 2 ? one : two, 'alice'))));
    const issued = burst.filter(({ status }) => status === 201);
    expect([issued.length, burst.length - issued.length]).toEqual([10, 30]);
    expect(burst.every(({ status }) => status === 201 || status === 429)).toBe(true);
    for (const { claims } of issued) expect(claims?.sub).toBe('alice');
  });

  it.each([
    ['alice', 'test:<uuid>'],
    ['}{odd}', 'test:<uuid>'],
    ['{team}bob}', 'test:<uuid>'],
    ['alice', '{test:<uuid>}'],
    ['carol', 'test{<uuid>'],
  ])(
    'gives back what a refused request counted (identity %s, keyPrefix %s): the caller gets the next token and dispatch a higher limit allows',
    async (identity, prefix) => {
      const redis = await connect();
      const keyPrefix = prefix.replace('<uuid>', randomUUID());
      // Two plans of one app, counted in the same windows: a request refused under the strict one gives its points back.
      const strict = handlerOn(redis, keyPrefix, {
        limits: { tokens: { limit: 1, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 60 } },
      });
      const roomy = handlerOn(redis, keyPrefix, {
        limits: { tokens: { limit: 2, windowSeconds: 60 }, agentDispatches: { limit: 2, windowSeconds: 60 } },
      });
      const statuses = [];
      for (const [handler, body] of [
        [strict, withAgent], // dispatches 1, tokens 1
        [strict, withAgent], // over the dispatch limit: its dispatch given back
        [strict, {}], // over the tokens limit: its token point given back
        [roomy, withAgent], // dispatches 2 of 2, tokens 2 of 2 — only if both were given back
        [roomy, {}],
      ] as const) {
        statuses.push((await ask(handler, identity, body)).status);
      }
      expect(statuses).toEqual([201, 429, 429, 201, 429]);
    },
  );

  it('gives back a count that timed out while the cluster hung: the caller gets every token of the window afterwards', async () => {
    const redis = await connect();
    const keyPrefix = `test:${randomUUID()}`;
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 3, windowSeconds: 60 } },
        limitStore: { redis, keyPrefix, timeoutMs: 300 },
        onError: () => {},
      }),
    );
    expect((await ask(handler, 'alice')).status).toBe(201); // 1 of 3
    cluster.freeze();
    try {
      expect([(await ask(handler, 'alice')).status, (await ask(handler, 'alice')).status]).toEqual([503, 503]);
    } finally {
      cluster.thaw();
    }
    // Redis answers in order on the connection to the window's node: the held counts and their refunds ran before these reads.
    const windowKey = clusterWindowKey(keyPrefix, 'tokens', 60, 'alice');
    await redis.get(windowKey);
    expect(await redis.get(windowKey)).toBe('1');
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await ask(handler, 'alice')).status);
    expect(after).toEqual([201, 201, 429]);
  });

  it("fails only the checks of callers whose windows are on a node that hangs, after timeoutMs, and gives their counts back once it answers; the others' are counted", async () => {
    const redis = await connect();
    const keyPrefix = `test:${randomUUID()}`;
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 2, windowSeconds: 60 } },
        limitStore: { redis, keyPrefix, timeoutMs: 300 },
        onError: () => {},
      }),
    );
    const callers = Array.from({ length: 9 }, (_, i) => `caller-${i}`);
    const onHungNode = await Promise.all(
      callers.map(async (id) => (await cluster.masterOf(clusterWindowKey(keyPrefix, 'tokens', 60, id))) === 0),
    );
    expect(new Set(onHungNode)).toEqual(new Set([true, false]));
    await cluster.pause(0, 2_000);
    const started = Date.now();
    expect(await Promise.all(callers.map(async (id) => (await ask(handler, id)).status))).toEqual(
      onHungNode.map((hung) => (hung ? 503 : 201)),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    // Once the node answers (these reads wait for it, on the connection the counts went out on), every count is settled.
    for (const id of callers) await redis.get(clusterWindowKey(keyPrefix, 'tokens', 60, id));
    const after = await Promise.all(callers.map(async (id) => [(await ask(handler, id)).status, (await ask(handler, id)).status]));
    expect(after).toEqual(onHungNode.map((hung) => (hung ? [201, 201] : [201, 429])));
  });

  it("spreads different callers' windows over more than one node by default (no single-slot funnel)", async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const handler = handlerOn(await connect(), keyPrefix, { limits: { tokens: { limit: 5, windowSeconds: 60 } } });
    for (let i = 0; i < 12; i++) expect((await ask(handler, `caller-${i}`)).status).toBe(201);
    const keysPerNode = await Promise.all((await cluster.nodes()).map((node) => node.keys(`${keyPrefix}:*`)));
    expect(keysPerNode.flat()).toHaveLength(12);
    expect(keysPerNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
  });
});

describe('limits on a Redis Cluster: a client the app has just made', () => {
  const limits = { tokens: { limit: 2, windowSeconds: 60 } };
  it.each([
    [
      'an ioredis Cluster',
      () => {
        const redis = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0]! }]);
        redis.on('error', () => {});
        return [redis, () => redis.disconnect()] as const;
      },
    ],
    [
      'an ioredis Cluster made with lazyConnect (connected by the first check)',
      () => {
        const redis = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0]! }], { lazyConnect: true });
        redis.on('error', () => {});
        return [redis, () => redis.disconnect()] as const;
      },
    ],
    [
      'a node-redis createCluster client whose connect() is under way',
      () => {
        const redis = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: cluster.ports[0]! } }] });
        redis.on('error', () => {});
        void redis.connect().catch(() => {});
        return [redis, () => redis.destroy()] as const;
      },
    ],
  ])('counts the first requests of a cold start on %s: 201, 201, 429, no outage reported', async (_, make) => {
    const [redis, close] = make();
    try {
      const onError = vi.fn();
      const handler = createTokenHandler(
        handlerConfig({ limits, limitStore: { redis, keyPrefix: `test:${randomUUID()}`, timeoutMs: 10_000 }, onError }),
      );
      const statuses = await Promise.all([ask(handler, 'alice'), ask(handler, 'alice'), ask(handler, 'alice')]);
      expect(statuses.map(({ status }) => status).sort()).toEqual([201, 201, 429]);
      expect(onError).not.toHaveBeenCalled();
    } finally {
      close();
    }
  });
});

describe('limits on a Redis Cluster: a keyPrefix that cannot work there', () => {
  it.each(clients)(
    "refuses at creation a keyPrefix whose first '{' closes at once ('app{}'), which makes Redis Cluster hash every key whole: %s",
    async (_, connect) => {
      const redis = await connect();
      expect(() =>
        createTokenHandler(
          handlerConfig({ limits: { tokens: { limit: 1, windowSeconds: 60 } }, limitStore: { redis, keyPrefix: 'app{}:' } }),
        ),
      ).toThrow(
        new TypeError(
          "createTokenHandler: `limitStore.keyPrefix` \"app{}:\" starts an empty hash tag ('{}'): on a Redis Cluster every key under it would hash whole, and a caller's window and its refunds would land in different slots. Leave the '{}' out, or put a name between the braces ('app{limits}:') to keep all the limits' keys in one slot.",
        ),
      );
    },
  );
});

describe('limits on a Redis Cluster: property', () => {
  it('for random sequences of callers (braces and all), agents and client kinds, answers exactly as the limits say: every refused request gave its points back', async () => {
    const redis = [await cluster.ioredis(), await cluster.nodeRedis()];
    const limits = { tokens: { limit: 6, windowSeconds: 600 }, agentDispatches: { limit: 2, windowSeconds: 600 } };
    const call = fc.record({
      identity: fc.constantFrom('alice', '}bob', '{carol}', 'x{}y', '{}'),
      agents: fc.integer({ min: 0, max: 2 }),
      client: fc.integer({ min: 0, max: 1 }),
    });
    await fc.assert(
      // A refused dispatch stays counted unless given back, and refuses a later, smaller one the limit allows.
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 16 }), async (calls) => {
        const keyPrefix = `prop:${randomUUID()}`;
        const handlers = redis.map((client) =>
          createTokenHandler(
            handlerConfig({
              limits,
              limitStore: { redis: client, keyPrefix, timeoutMs: 10_000 },
              agents: ['notes', 'support-agent'],
              maxAgentsPerToken: 2,
              onError: (error) => {
                throw error;
              },
            }),
          ),
        );
        const used = new Map<string, { tokens: number; dispatches: number }>();
        for (const { identity, agents, client } of calls) {
          const body = { room_config: { agents: ['notes', 'support-agent'].slice(0, agents).map((agent_name) => ({ agent_name })) } };
          const { status } = await ask(handlers[client]!, identity, body);
          const before = used.get(identity) ?? { tokens: 0, dispatches: 0 };
          const allowed = before.tokens < limits.tokens.limit && before.dispatches + agents <= limits.agentDispatches.limit;
          expect(status).toBe(allowed ? 201 : 429);
          if (allowed) used.set(identity, { tokens: before.tokens + 1, dispatches: before.dispatches + agents });
        }
      }),
      { numRuns: RUNS, ...seed },
    );
  }, 120_000);
});

describe('limits on a Redis Cluster: a node-redis cluster client from before redis 6.2', () => {
  it('is refused at creation with a TypeError naming what to pass instead: it cannot say whether it is ready (no isReady)', async () => {
    // Its type lacks `isReady` too, so TypeScript refuses it already: this is what JavaScript, or a cast, reaches.
    const redis = createClusterOfRedis4({ rootNodes: [{ socket: { host: '127.0.0.1', port: cluster.ports[0]! } }] });
    redis.on('error', () => {});
    await redis.connect();
    try {
      expect(() =>
        createTokenHandler(handlerConfig({ limits: { tokens: { limit: 1, windowSeconds: 60 } }, limitStore: { redis: redis as never } })),
      ).toThrow(
        new TypeError(
          'createTokenHandler: `limitStore.redis` is a node-redis cluster client without `isReady` (the `redis` package before 6.2), so the limits cannot tell a ready cluster from one still connecting: upgrade `redis` to 6.2 or later, or pass an ioredis `Cluster` (new Cluster([{ host, port }])).',
        ),
      );
    } finally {
      await redis.disconnect();
    }
  });
});

describe('limits on a Redis Cluster: a client of one of its nodes', () => {
  it.each([
    ['an ioredis Redis', 'ioredis'],
    ['a node-redis createClient client', 'node-redis'],
  ] as const)(
    '%s: a caller whose window another node holds is answered 503, and onError says to pass a cluster client (not just MOVED)',
    async (_, kind) => {
      const port = cluster.ports[0]!;
      // A caller whose window the node the client knows does not hold: that node answers MOVED.
      const keyPrefix = `test:${randomUUID()}`;
      let identity = 'caller-0';
      for (let i = 1; (await cluster.masterOf(windowKeys(keyPrefix, 'tokens:60s', identity, false).window)) === 0; i++)
        identity = `caller-${i}`;
      const redis =
        kind === 'ioredis' ? new Redis({ host: '127.0.0.1', port }) : await createClient({ socket: { host: '127.0.0.1', port } }).connect();
      const reported: unknown[] = [];
      try {
        const handler = createTokenHandler(
          handlerConfig({
            limits: { tokens: { limit: 5, windowSeconds: 60 } },
            limitStore: { redis, keyPrefix, timeoutMs: 5_000 },
            onError: (error) => void reported.push(error),
          }),
        );
        const response = await ask(handler, identity);
        expect(response.status).toBe(503);
        expect(reported).toHaveLength(1);
        // onError hears the store's failure itself, which the 503's error carries as its cause.
        expect((reported[0] as Error).message).toMatch(
          /^The limit store is a Redis Cluster reached through a client of one of its nodes \(it answered "MOVED \d+ 127\.0\.0\.1:\d+"\): pass an ioredis `Cluster` or a node-redis `createCluster` client as `limitStore\.redis` \(docs\/server-security\.md, "Redis Cluster"\)\.$/,
        );
      } finally {
        if (redis instanceof Redis) redis.disconnect();
        else await redis.close();
      }
    },
  );
});

describe("limits on a Redis Cluster: the slots Redis itself gives a caller's keys", () => {
  /** Text rich in what decides a hash tag: braces, the separator, and any other character. */
  const text = fc.oneof(fc.string({ unit: fc.constantFrom('{', '}', ':', 'a') }), fc.string({ unit: 'grapheme' }));
  const slotOf = async (node: Awaited<ReturnType<RedisCluster['nodes']>>[number], key: string) =>
    Number(await node.call('CLUSTER', 'KEYSLOT', key));

  it('one slot for a window and its refunds, for any identity and any keyPrefix not refused (CLUSTER KEYSLOT)', async () => {
    const [node] = await cluster.nodes();
    await fc.assert(
      fc.asyncProperty(
        text.filter((prefix) => !/^[^{]*\{\}/.test(prefix)),
        text,
        async (keyPrefix, identity) => {
          const { window, refunds } = windowKeys(keyPrefix, 'tokens:60s', identity, true);
          expect(await slotOf(node!, refunds)).toBe(await slotOf(node!, window));
        },
      ),
      { numRuns: SLOTS_RUNS, ...slotsSeed },
    );
  });

  it("two slots after a prefix whose first '{' closes at once: why createTokenHandler refuses it", async () => {
    const [node] = await cluster.nodes();
    const { window, refunds } = windowKeys('app{}', 'tokens:60s', 'alice', true);
    expect(await slotOf(node!, refunds)).not.toBe(await slotOf(node!, window));
  });
});
