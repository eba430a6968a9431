import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { hasRedisServer, startRedisServer } from '../../scripts/redis-server.mjs';

const CALLERS = 100;
const BODY = JSON.stringify({ room_name: 'bench-room', room_config: { agents: [{ agent_name: 'support-agent' }] } });
/** High enough that every request gets its token: what is measured is the cost of counting. */
const LIMITS = { tokens: { limit: 1e9, windowSeconds: 3600 }, agentDispatches: { limit: 1e9, windowSeconds: 3600 } };

async function handlerWith(options) {
  const { createTokenHandler } = await import('../../dist/server/index.js');
  return createTokenHandler({
    apiKey: 'devkey',
    apiSecret: 'secret',
    serverUrl: 'ws://127.0.0.1:7880',
    agents: ['support-agent'],
    authorize: (request) => ({ identity: request.headers.get('x-caller') }),
    ...options,
  });
}

/** redis-server's own CPU seconds (user + system), from INFO. */
async function redisCpuSeconds(redis) {
  if (!redis) return 0;
  const info = await redis.info('cpu');
  const read = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
}

/** `count` requests from `CALLERS` callers, `concurrency` at a time, straight into the Fetch handler. */
async function load(handler, count, concurrency, redis) {
  const latencies = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const redisBefore = await redisCpuSeconds(redis);
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const caller = `caller-${next % CALLERS}`;
      next += 1;
      const sent = performance.now();
      const response = await handler(
        new Request('http://127.0.0.1/api/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-caller': caller },
          body: BODY,
        }),
      );
      if (response.status !== 201) throw new Error(`token handler answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = (await redisCpuSeconds(redis)) - redisBefore;
  return { latencies, seconds, cpuMicros: cpu.user + cpu.system, redisCpuMicros: redisCpu * 1e6 };
}

function summarise(runs) {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
  return {
    tokensPerSecond: latencies.length / sum('seconds'),
    p50: at(50),
    p99: at(99),
    cpuPerToken: sum('cpuMicros') / latencies.length,
    redisCpuPerToken: sum('redisCpuMicros') / latencies.length,
  };
}

/**
 * Row 4b: what per-caller limits cost — the Fetch handler in this process with limits off, counted
 * in memory, and counted in a real Redis (Debian's redis-server on loopback; left out, with a
 * note, where it is not installed). Each request dispatches one agent, so both counters are
 * touched; 100 callers take turns. Sides alternate in rounds after a warm-up; CPU per token is
 * this process's (plus redis-server's own, from its INFO, for the Redis side), steadier than wall
 * time on a shared machine.
 */
export async function tokenLimitsRow({ smoke }) {
  const requests = smoke ? 40 : 3_000;
  const concurrency = 8;
  const rounds = smoke ? 1 : 5;
  const redisServer = hasRedisServer() ? await startRedisServer() : undefined;
  const redis = redisServer && new Redis({ host: '127.0.0.1', port: redisServer.port });
  try {
    const sides = [
      { name: 'limits off', handler: await handlerWith({}), runs: [] },
      { name: 'limits on, memory store', handler: await handlerWith({ limits: LIMITS }), runs: [] },
      ...(redis
        ? [
            {
              name: 'limits on, Redis store (redis-server on loopback)',
              handler: await handlerWith({ limits: LIMITS, limitStore: { redis } }),
              redis,
              runs: [],
            },
          ]
        : []),
    ];
    for (const side of sides) await load(side.handler, smoke ? 10 : 300, concurrency, side.redis);
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) side.runs.push(await load(side.handler, requests / rounds, concurrency, side.redis));
    }
    const [off, ...on] = sides.map((side) => ({ name: side.name, redis: Boolean(side.redis), ...summarise(side.runs) }));
    const fmt = (value, digits) => value.toFixed(digits);
    const cpu = (side) =>
      side.redis ? `${fmt(side.cpuPerToken, 0)} + ${fmt(side.redisCpuPerToken, 0)} in Redis` : fmt(side.cpuPerToken, 0);
    return {
      id: '4b-token-limits',
      title: `4b. Per-caller limits: cost per token (Fetch handler in process, ${requests} requests per side, concurrency ${concurrency})`,
      baseline: 'the same handler with limits off',
      columns: ['handler', 'tokens / s', 'p50 ms', 'p99 ms', 'CPU µs / token', 'CPU ÷ limits off'],
      rows: [off, ...on].map((side) => [
        side.name,
        fmt(side.tokensPerSecond, 0),
        fmt(side.p50, 2),
        fmt(side.p99, 2),
        cpu(side),
        `${fmt((side.cpuPerToken + side.redisCpuPerToken) / off.cpuPerToken, 2)}×`,
      ]),
      notes: [
        `Every request asks for one agent, so a limited request touches both counters (tokens, agent dispatches); ${CALLERS} callers take turns, each limit high enough that every request gets its 201. Sides alternate in ${rounds} rounds after a warm-up.`,
        'CPU per token is this process’s user + system time; for Redis, redis-server’s own (from INFO cpu) is added in the ratio. Wall-time columns move with the machine’s load; the CPU ratio is the claim.',
        ...(redis ? [] : ['Redis side not measured: no redis-server on PATH (apt-get install redis-server).']),
      ],
    };
  } finally {
    redis?.disconnect();
    await redisServer?.stop();
  }
}
