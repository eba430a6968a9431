import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import { startRedisServer } from '../../scripts/redis-server.mjs';
import type { RunningRedisServer } from '../../scripts/redis-server.d.mts';
import { credentials, fixture, over, startRuntime, type RuntimeProcess } from './harness';

/**
 * docs/server-security.md's Redis store on the runtimes whose servers reach Redis over TCP with
 * ioredis: Node (20 and 24), Bun and Deno, each a process of its own sharing one redis-server.
 */
describe('limits in Redis (ioredis) on Node 20 and 24, Bun and Deno', () => {
  let redis: RunningRedisServer;
  const servers: Record<string, RuntimeProcess> = {};
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { ...credentials, REDIS_PORT: String(redis.port) };
    // The whole environment: ioredis's `debug` reads every variable when it is imported (docs/runtimes.md, Deno).
    const deno = ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', '--no-prompt'];
    // One after the other, each kept as it starts: one that fails to start leaves none running unstopped.
    const starts: Record<string, () => Promise<RuntimeProcess>> = {
      'Node 20': () => startRuntime(process.execPath, [fixture('redis.node.mjs')], env),
      'Node 24': () => startRuntime(runtimes.node24, [fixture('redis.node.mjs')], env),
      Bun: () => startRuntime(runtimes.bun, [fixture('redis.bun.js')], env),
      Deno: () => startRuntime(runtimes.deno, [...deno, fixture('redis.deno.js')], env),
    };
    for (const [name, start] of Object.entries(starts)) servers[name] = await start();
  });
  afterAll(async () => {
    redis?.thaw();
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await redis?.stop();
  });

  const post = (server: RuntimeProcess, caller: string, path = '/') =>
    over(server.ports[0]!)(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${caller}` },
      body: '{}',
    });

  it('holds a limit of three under a burst of one caller’s twelve requests, each 429 with its Retry-After, on each runtime', async () => {
    const tokens: Record<string, number> = {};
    for (const [name, server] of Object.entries(servers)) {
      const caller = `burst-${crypto.randomUUID()}`;
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          post(server, caller).then((response) => [response.status, response.headers.get('retry-after')] as const),
        ),
      );
      tokens[name] = answers.filter(([status]) => status === 201).length;
      // Each 429 says when to ask again: whole seconds, within the 60 s window.
      const refused = answers.filter(([status]) => status === 429);
      expect(refused).toHaveLength(9);
      for (const [, retryAfter] of refused) expect(retryAfter).toMatch(/^(?:[1-9]|[1-5]\d|60)$/);
    }
    expect(tokens).toEqual({ 'Node 20': 3, 'Node 24': 3, Bun: 3, Deno: 3 });
  });

  it('answers 503 limits_unavailable after timeoutMs when Redis stops answering, and tells onError, on each runtime', async () => {
    redis.freeze();
    try {
      const answers = await Promise.all(
        Object.entries(servers).map(async ([name, server]) => {
          const started = performance.now();
          const response = await post(server, `frozen-${crypto.randomUUID()}`);
          const ms = performance.now() - started;
          return [
            name,
            response.status,
            ((await response.json()) as { error: { code: string } }).error.code,
            response.headers.get('content-type'),
            response.headers.get('cache-control'),
            response.headers.get('retry-after'),
            ms >= 280 && ms < 1_500,
          ];
        }),
      );
      expect(answers).toEqual(
        Object.keys(servers).map((name) => [name, 503, 'limits_unavailable', 'application/json', 'no-store', '2', true]),
      );
      for (const server of Object.values(servers)) await expect.poll(server.output).toMatch(/onError: The limit store timed out/);
    } finally {
      redis.thaw();
    }
  });

  it('answers 503 limits_unavailable at once while Redis is down, and counts again once it is back, on each runtime', async () => {
    await redis.crash();
    await new Promise((resolve) => setTimeout(resolve, 300)); // every client has seen its connection close
    const down = await Promise.all(
      Object.entries(servers).map(async ([name, server]) => {
        const started = performance.now();
        const response = await post(server, `down-${crypto.randomUUID()}`);
        // At once: well before the 300 ms timeoutMs a Redis that does not answer gets.
        const atOnce = performance.now() - started < 200;
        return [name, response.status, ((await response.json()) as { error: { code: string } }).error.code, atOnce];
      }),
    );
    expect(down).toEqual(Object.keys(servers).map((name) => [name, 503, 'limits_unavailable', true]));
    await redis.restart();
    const back: Record<string, number[]> = {};
    for (const [name, server] of Object.entries(servers)) {
      const caller = `back-${crypto.randomUUID()}`;
      // The client reconnects by itself (ioredis's retryStrategy), on every runtime.
      await expect
        .poll(async () => (await post(server, `reconnected-${crypto.randomUUID()}`)).status, { timeout: 10_000, interval: 100 })
        .toBe(201);
      back[name] = [];
      for (let request = 0; request < 4; request += 1) back[name].push((await post(server, caller)).status);
    }
    expect(back).toEqual(Object.fromEntries(Object.keys(servers).map((name) => [name, [201, 201, 201, 429]])));
  });

  it("mints uncounted tokens after timeoutMs with onLimitStoreError 'allow' when Redis stops answering, tells onError, and counts again once it answers, on each runtime", async () => {
    redis.freeze();
    try {
      const answers = await Promise.all(
        Object.entries(servers).map(async ([name, server]) => {
          const before = (server.output().match(/onError: The limit store timed out/g) ?? []).length;
          const caller = `allowed-${crypto.randomUUID()}`;
          // Over the limit of three had they been counted: each gets its token, after the store's timeout.
          const started = performance.now();
          const statuses = await Promise.all(Array.from({ length: 4 }, () => post(server, caller, '/allow').then((r) => r.status)));
          const ms = performance.now() - started;
          await expect.poll(() => (server.output().match(/onError: The limit store timed out/g) ?? []).length).toBeGreaterThan(before);
          return [name, caller, statuses, ms >= 280 && ms < 1_500] as const;
        }),
      );
      expect(answers.map(([name, , statuses, onTime]) => [name, statuses, onTime])).toEqual(
        Object.keys(servers).map((name) => [name, [201, 201, 201, 201], true]),
      );
      redis.thaw();
      // Once Redis answers again, the counts it ran late are given back: the caller has its three tokens, then a 429.
      const after: Record<string, number[]> = {};
      for (const [name, caller] of answers) {
        after[name] = [];
        for (let request = 0; request < 4; request += 1) after[name].push((await post(servers[name]!, caller, '/allow')).status);
      }
      expect(after).toEqual(Object.fromEntries(Object.keys(servers).map((name) => [name, [201, 201, 201, 429]])));
    } finally {
      redis.thaw();
    }
  });
});
