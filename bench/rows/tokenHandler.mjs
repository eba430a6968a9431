import autocannon from 'autocannon';
import { fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runtimes } from '../../scripts/runtimes.mjs';
import { BODY } from './tokenHandler/sides.mjs';

const child = fileURLToPath(new URL('./tokenHandler/child.mjs', import.meta.url));
const SIDES = { bare: 'baseline: bare `AccessToken.toJwt()`', ours: 'ours: `createTokenHandler`' };

/**
 * Load for `seconds` from `connections` keep-alive connections, one request in flight on each,
 * every reply checked for 201 and a token. autocannon sends pre-built requests over raw sockets and
 * parses replies with http-parser-js: a few µs of CPU per request, where a `node:http` client costs
 * about 50 µs — as much as the servers measured, so on two cores it capped both sides' throughput
 * (a server that did nothing reached only 1.3× the bare handler) and tokens/s measured the client.
 */
async function load(port, seconds, connections) {
  const latencies = [];
  let refused = null;
  const started = performance.now();
  const instance = autocannon({
    url: `http://127.0.0.1:${port}/api/token`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections,
    duration: seconds,
    verifyBody: (body) => typeof JSON.parse(body).participant_token === 'string',
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status === 201) latencies.push(ms);
    else refused ??= status;
  });
  const result = await instance;
  if (refused !== null || result.errors > 0 || result.timeouts > 0 || result.mismatches > 0) {
    throw new Error(
      `token handler: status ${refused}, ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches} replies without a token`,
    );
  }
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
    async round(seconds, connections) {
      const { port } = await ask('start');
      const run = await load(port, seconds, connections);
      const { cpuMicros } = await ask('stop');
      return { ...run, cpuMicros };
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

/** Row 4's HTTP load: seconds per measured round, rounds per side, seconds of warm-up per side. */
const ROUNDS = { seconds: 0.5, rounds: 24, warmUp: 2 };

/** HTTP throughput, Fetch CPU and cold start for both sides on one Node, the sides taking turns. */
async function measure(node, { smoke }) {
  // The JIT needs thousands of requests: a side's CPU per token falls about 2.5× over its first
  // 5 000 (measured: 509 → 186 µs), so a short warm-up measures the compiler, not the handler.
  // Many short rounds in pairs, the side that goes first alternating: the two rounds of a pair share
  // the machine's load of that moment, which on a shared machine moves more between pairs (±40 %)
  // than the sides differ.
  const { seconds, rounds, warmUp } = smoke ? { seconds: 0.2, rounds: 1, warmUp: 0.2 } : ROUNDS;
  const concurrency = 8;
  const servers = { bare: await startServer(node, 'bare'), ours: await startServer(node, 'ours') };
  const http = { bare: [], ours: [] };
  try {
    for (const side of ['bare', 'ours']) await servers[side].round(warmUp, concurrency);
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare'])
        http[side].push(await servers[side].round(seconds, concurrency));
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
  const tokensPerSecond = (run) => run.latencies.length / run.seconds;
  const serverCpu = (run) => run.cpuMicros / run.latencies.length;
  const summary = {
    // Each pair's ours ÷ bare, then the median pair: a burst of load from elsewhere spoils a pair, not the figure.
    ratio: {
      tokensPerSecond: median(http.ours.map((run, i) => tokensPerSecond(run) / tokensPerSecond(http.bare[i]))),
      serverCpu: median(http.ours.map((run, i) => serverCpu(run) / serverCpu(http.bare[i]))),
    },
  };
  for (const side of ['bare', 'ours']) {
    const latencies = http[side].flatMap((run) => run.latencies).sort((a, b) => a - b);
    summary[side] = {
      tokensPerSecond: median(http[side].map(tokensPerSecond)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      serverCpu: median(http[side].map(serverCpu)),
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
    const { bare, ours, ratio } = await measure(node, { smoke });
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
        `**${fmt(ratio.tokensPerSecond, 2)}×**`,
        `${fmt(ours.p50 / bare.p50, 2)}×`,
        `${fmt(ours.p99 / bare.p99, 2)}×`,
        `${fmt(ratio.serverCpu, 2)}×`,
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
    title: `4. Token endpoint on Node: throughput, CPU per request, cold start (HTTP load per side: ${smoke ? '1 round of 0.2 s' : `${ROUNDS.rounds} rounds of ${ROUNDS.seconds} s after ${ROUNDS.warmUp} s to warm up`}, 8 connections)`,
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
      'HTTP: each side’s `node:http` server runs in its own process on the Node under test; the load generator is autocannon in the bench process (8 keep-alive connections with one request in flight on each, the same JSON body, every reply checked for 201 and a token). After the warm-up the sides run in pairs of half-second rounds, the side that goes first alternating. Tokens/s and server CPU per token (that process’s user + system time; tokens/s per core = 1 000 000 ÷ it) are each side’s median round; their ratios are the median over pairs of ours ÷ bare, since the two rounds of a pair share the machine’s load of that moment (on this shared machine it moves a side’s rounds by ±40 %, more than the sides differ); latencies are over all rounds.',
      'Why autocannon: it sends pre-built requests over raw sockets, a few µs of client CPU per request; a `node:http` client costs about 50 µs, as much as the servers measured, so on two cores it bounded both sides’ throughput (with it, a server that did nothing reached only 1.3× the bare handler, and this row read 1.06–1.15× up to commit 410e998 while server CPU per token was already 0.83–0.88×).',
      'Ours does every check the bare handler skips (media type, bounded and timed body, schema, authorize, policies, limits, credentials) and signs the same token livekit-server-sdk would (a property test holds them byte for byte). What it saves in exchange: no Fetch objects for Node requests, no `AccessToken` and jose layers around the HMAC (on Node both sides sign with `node:crypto`: the bare handler through jose’s Node build), and — for the cold start — never loading livekit-server-sdk. Most of a request’s CPU here is `node:http` itself (parsing, `writev`), which both sides pay.',
      'Fetch handler: 3 000 `Request`s handed to the handler in process (median of 3 runs per side); cold start: a fresh process importing the entry and answering one request (median of 9, sides alternating), as wall time and as the process’s CPU time (steadier on a shared machine). Of our cold start, zod’s import is most: the validation library was chosen by this figure (see docs/runtimes.md).',
      ...notes,
    ],
  };
}
