import { Agent, createServer, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { AccessToken } from 'livekit-server-sdk';
import { hasRedisServer, startRedisServer } from '../../scripts/redis-server.mjs';

const API_KEY = 'devkey';
const API_SECRET = 'secret';
const SERVER_URL = 'ws://127.0.0.1:7880';
const BODY = JSON.stringify({ room_name: 'bench-room', participant_name: 'Bench' });

/** The baseline a user would write: read the body, mint with `AccessToken.toJwt()`, answer 201. */
function bareListener(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const token = new AccessToken(API_KEY, API_SECRET, { identity: 'bench-user', name: body.participant_name, ttl: '10m' });
    token.addGrant({ room: body.room_name, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
    const json = JSON.stringify({ server_url: SERVER_URL, participant_token: await token.toJwt() });
    res.writeHead(201, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(json);
  });
}

/** Limits high enough that every request gets its token: what is measured is the cost of counting. */
const LIMITS = { tokens: { limit: 1e9, windowSeconds: 3600 }, agentDispatches: { limit: 1e9, windowSeconds: 3600 } };

/** Ours: `createTokenHandler` (schema validation, policy, limits when given) behind `toNodeHandler`, from the build. */
async function oursListener(options = {}) {
  const { createTokenHandler, toNodeHandler } = await import('../../dist/server/index.js');
  const handler = createTokenHandler({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    serverUrl: SERVER_URL,
    ttl: 600,
    authorize: () => ({ identity: 'bench-user' }),
    ...options,
  });
  return toNodeHandler(handler);
}

async function listen(listener) {
  const server = createServer(listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}

function post(port, agent) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/api/token', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

/** `count` requests, `concurrency` at a time, over keep-alive loopback connections. */
async function load(port, count, concurrency) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next += 1;
      const { status, body, ms } = await post(port, agent);
      if (status !== 201 || !JSON.parse(body).participant_token) throw new Error(`token handler answered ${status}: ${body}`);
      latencies.push(ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(runs) {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return { tokensPerSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: latencies.length };
}

/**
 * Row 4: tokens per second and p50 / p99 latency through our handler vs a bare `AccessToken.toJwt()`
 * handler, both in a `node:http` server on 127.0.0.1, and ours again with per-caller limits counted
 * in memory and in a real Redis (Debian's redis-server on loopback; that side is left out, with a
 * note, where it is not installed). The sides take turns (rounds) so drift on a shared machine hits
 * them all; each side is warmed up first.
 */
export async function tokenHandlerRow({ smoke }) {
  const requests = smoke ? 40 : 2_000;
  const concurrency = 8;
  const rounds = smoke ? 1 : 4;
  const redisServer = hasRedisServer() ? await startRedisServer() : undefined;
  const redis = redisServer && new Redis({ host: '127.0.0.1', port: redisServer.port });
  const sides = [
    { name: 'baseline: bare AccessToken.toJwt() in node:http', listener: bareListener },
    { name: 'ours: createTokenHandler + toNodeHandler (no limits)', listener: await oursListener() },
    { name: 'ours + limits, memory store', listener: await oursListener({ limits: LIMITS }) },
    ...(redis ? [{ name: 'ours + limits, Redis store (redis-server on loopback)', listener: await oursListener({ limits: LIMITS, limitStore: { redis } }) }] : []),
  ];
  const running = [];
  try {
    for (const side of sides) running.push({ ...side, ...(await listen(side.listener)), runs: [] });
    for (const side of running) await load(side.port, smoke ? 10 : 200, concurrency);
    for (let round = 0; round < rounds; round++) {
      for (const side of running) side.runs.push(await load(side.port, requests / rounds, concurrency));
    }
  } finally {
    for (const side of running) side.server.close();
    redis?.disconnect();
    await redisServer?.stop();
  }
  const [bare, ours, ...limited] = running.map((side) => ({ name: side.name, ...summarise(side.runs) }));
  const fmt = (value, digits) => value.toFixed(digits);
  const ratio = (name, side, base) => [
    name,
    `${fmt(base.tokensPerSecond / side.tokensPerSecond, 2)}×`,
    `${fmt(side.p50 / base.p50, 2)}×`,
    `${fmt(side.p99 / base.p99, 2)}×`,
  ];
  return {
    id: '4-token-handler',
    title: `4. Token handler over loopback HTTP (${requests} requests per side, concurrency ${concurrency})`,
    baseline: 'a bare `AccessToken.toJwt()` handler in the same kind of `node:http` server',
    columns: ['handler', 'tokens / s', 'p50 ms', 'p99 ms'],
    rows: [
      ...[bare, ours, ...limited].map((s) => [s.name, fmt(s.tokensPerSecond, 0), fmt(s.p50, 2), fmt(s.p99, 2)]),
      ratio('overhead: ours ÷ baseline (time per token, p50, p99)', ours, bare),
      ...limited.map((side) => ratio(`limits cost: ${side.name.replace('ours + limits, ', '')} ÷ no limits`, side, ours)),
    ],
    notes: [
      'Same process for client and server, same keep-alive agent, same JSON body; every response checked for 201 and a token. Sides alternate in rounds after a warm-up.',
      'Limits sides: tokens and agent dispatches per caller per hour, set high enough that every request is issued; one caller, so every request counts against the same key.',
      ...(redis ? [] : ['Redis side not measured: no redis-server on PATH (apt-get install redis-server).']),
    ],
  };
}
