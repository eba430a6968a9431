import { fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runtimes } from '../../scripts/runtimes.mjs';
import { BODY } from './tokenHandler/sides.mjs';

const child = fileURLToPath(new URL('./tokenHandler/child.mjs', import.meta.url));
const SIDES = { bare: 'baseline: bare `AccessToken.toJwt()`', ours: 'ours: `createTokenHandler`' };

function post(port, agent) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/api/token', method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
      },
    );
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
  agent.destroy();
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** A side's `node:http` server in its own process, on the Node under test. */
async function startServer(node, side) {
  const server = fork(child, ['serve', side], { execPath: node, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => server.once('message', resolve));
  await next(); // ready
  const ask = async (message) => {
    const reply = next();
    server.send(message);
    return reply;
  };
  return {
    /** One measured round: tokens/s and latency at the client, the server's CPU per token. */
    async round(count, concurrency) {
      const { port } = await ask('start');
      const { latencies, seconds } = await load(port, count, concurrency);
      const { cpuMicros } = await ask('stop');
      return { latencies, seconds, cpuMicros };
    },
    stop: () => new Promise((resolve) => server.once('exit', resolve).send('exit')),
  };
}

function runChild(node, args) {
  const { stdout, status, stderr } = spawnSync(node, [child, ...args], { encoding: 'utf8' });
  if (status !== 0) throw new Error(`bench child ${args.join(' ')} failed: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (value, digits = 0) => value.toFixed(digits);

/** HTTP throughput, Fetch CPU and cold start for both sides on one Node, the sides taking turns. */
async function measure(node, { smoke }) {
  // The JIT needs thousands of requests: a side's CPU per token falls about 2.5× over its first
  // 5 000 (measured: 509 → 186 µs), so a short warm-up measures the compiler, not the handler.
  // Many short rounds in turn, so that a burst of load from elsewhere on a shared machine falls on both sides alike.
  const requests = smoke ? 40 : 12_000;
  const concurrency = 8;
  const rounds = smoke ? 1 : 12;
  const warmUp = smoke ? 10 : 5_000;
  const servers = { bare: await startServer(node, 'bare'), ours: await startServer(node, 'ours') };
  const http = { bare: [], ours: [] };
  try {
    for (const side of ['bare', 'ours']) await servers[side].round(warmUp, concurrency);
    for (let round = 0; round < rounds; round++) {
      for (const side of ['bare', 'ours']) http[side].push(await servers[side].round(requests / rounds, concurrency));
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
  const fetchCpu = { bare: [], ours: [] };
  const cold = { bare: [], ours: [] };
  const coldCpu = { bare: [], ours: [] };
  for (let round = 0; round < (smoke ? 1 : 3); round++) {
    for (const side of ['bare', 'ours']) fetchCpu[side].push(runChild(node, ['fetch', side, String(smoke ? 50 : 3_000)]).cpuMicros);
  }
  for (let round = 0; round < (smoke ? 1 : 9); round++) {
    for (const side of ['bare', 'ours']) {
      const { ms, cpuMs } = runChild(node, ['cold', side]);
      cold[side].push(ms);
      coldCpu[side].push(cpuMs);
    }
  }
  const summary = {};
  for (const side of ['bare', 'ours']) {
    const latencies = http[side].flatMap((run) => run.latencies).sort((a, b) => a - b);
    const seconds = http[side].reduce((sum, run) => sum + run.seconds, 0);
    const serverCpu = http[side].reduce((sum, run) => sum + run.cpuMicros, 0) / latencies.length;
    summary[side] = {
      tokensPerSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      serverCpu,
      fetchCpu: median(fetchCpu[side]),
      coldMs: median(cold[side]),
      coldCpuMs: median(coldCpu[side]),
      coldRuns: cold[side],
    };
  }
  return summary;
}

/**
 * Row 4: the token endpoint on Node 20 and Node 24 — tokens per second over `node:http` (our
 * `toNodeHandler` vs a bare `AccessToken.toJwt()` listener, each server in its own process),
 * CPU per request of the Fetch handler in process (what Next.js and Workers call), and the cold
 * start: a fresh process importing the entry and answering its first request.
 */
export async function tokenHandlerRow({ smoke }) {
  const nodes = [[`Node ${process.versions.node}`, process.execPath]];
  if (existsSync(runtimes.node24))
    nodes.push([`Node ${spawnSync(runtimes.node24, ['--version'], { encoding: 'utf8' }).stdout.trim().slice(1)}`, runtimes.node24]);
  const rows = [];
  const notes = [];
  for (const [label, node] of nodes) {
    const { bare, ours } = await measure(node, { smoke });
    rows.push(
      [
        label,
        SIDES.bare,
        fmt(bare.tokensPerSecond),
        fmt(bare.p50, 2),
        fmt(bare.p99, 2),
        fmt(bare.serverCpu),
        fmt(bare.fetchCpu),
        fmt(bare.coldMs),
        fmt(bare.coldCpuMs),
      ],
      [
        label,
        `${SIDES.ours} + \`toNodeHandler\` / Fetch handler`,
        fmt(ours.tokensPerSecond),
        fmt(ours.p50, 2),
        fmt(ours.p99, 2),
        fmt(ours.serverCpu),
        fmt(ours.fetchCpu),
        fmt(ours.coldMs),
        fmt(ours.coldCpuMs),
      ],
      [
        label,
        '**ours ÷ baseline** (targets: tokens/s ≥ 1.2×, Fetch CPU ≤ 1.5×, cold start ≤ 1.2×)',
        `**${fmt(ours.tokensPerSecond / bare.tokensPerSecond, 2)}×**`,
        `${fmt(ours.p50 / bare.p50, 2)}×`,
        `${fmt(ours.p99 / bare.p99, 2)}×`,
        `${fmt(ours.serverCpu / bare.serverCpu, 2)}×`,
        `**${fmt(ours.fetchCpu / bare.fetchCpu, 2)}×**`,
        `**${fmt(ours.coldMs / bare.coldMs, 2)}×**`,
        `**${fmt(ours.coldCpuMs / bare.coldCpuMs, 2)}×**`,
      ],
    );
    notes.push(
      `${label} cold start runs (ms) — baseline: ${bare.coldRuns.map((ms) => fmt(ms)).join(' / ')}; ours: ${ours.coldRuns.map((ms) => fmt(ms)).join(' / ')}.`,
    );
  }
  if (nodes.length === 1) notes.push('Node 24 not measured: not installed here (node scripts/runtimes.mjs install).');
  return {
    id: '4-token-handler',
    title: `4. Token endpoint on Node: throughput, CPU per request, cold start (${smoke ? 40 : 12_000} HTTP requests per side in 12 rounds after ${smoke ? 10 : 5_000} to warm up, concurrency 8)`,
    baseline: 'a bare `AccessToken.toJwt()` handler (livekit-server-sdk) in the same kind of server, on the same Node',
    columns: [
      'Node',
      'handler',
      'tokens / s (HTTP)',
      'p50 ms',
      'p99 ms',
      'server CPU µs / token (HTTP)',
      'Fetch handler CPU µs / request',
      'cold start ms (import + first response)',
      'cold start CPU ms',
    ],
    rows,
    notes: [
      'HTTP: each side’s `node:http` server runs in its own process on the Node under test; the load generator (keep-alive, same JSON body, every response checked for 201 and a token) is the bench process. Sides alternate in 12 rounds after the warm-up; server CPU is that process’s user + system time per token. The load generator shares the 2 cores with the servers, so tokens/s is bounded by the client as much as by the server: server CPU per token is the capacity claim (tokens/s per core = 1 000 000 ÷ it).',
      'Ours does every check the bare handler skips (media type, bounded and timed body, schema, authorize, policies, limits, credentials) and signs the same token livekit-server-sdk would (a property test holds them byte for byte). What it saves in exchange: no Fetch objects for Node requests, no `AccessToken` and jose layers around the HMAC (on Node both sides sign with `node:crypto`: the bare handler through jose’s Node build), and — for the cold start — never loading livekit-server-sdk. Most of a request’s CPU here is `node:http` itself (parsing, `writev`), which both sides pay.',
      'Fetch handler: 3 000 `Request`s handed to the handler in process (median of 3 runs per side); cold start: a fresh process importing the entry and answering one request (median of 9, sides alternating), as wall time and as the process’s CPU time (steadier on a shared machine). Of our cold start, zod’s import is most: the validation library was chosen by this figure (see docs/runtimes.md).',
      ...notes,
    ],
  };
}
