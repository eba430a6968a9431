import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./tokenCacheWorker.mjs', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Row 6: N `fetch`es of distinct rooms through one source — total time, cost per fetch at the
 * start and at the end (flat = independent of how many tokens the source has seen), and heap
 * growth after a full collection — ours beside LiveKit's `TokenSource.custom`, with the same
 * pre-minted real tokens. Measured in a `node --expose-gc` child process; sides take turns in
 * rounds after a warm-up, and each cell is the median of the rounds.
 */
export function tokenCacheRow({ smoke }) {
  const count = smoke ? 200 : 10_000;
  const rounds = smoke ? 1 : 3;
  const run = spawnSync(process.execPath, ['--expose-gc', worker, String(count), String(rounds)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`bench row 6 failed:\n${run.stderr}`);
  const sides = JSON.parse(run.stdout.trim().split('\n').pop());
  const summary = sides.map(({ name, runs }) => ({
    name,
    totalMs: median(runs.map((r) => r.totalMs)),
    firstUs: median(runs.map((r) => r.firstUs)),
    lastUs: median(runs.map((r) => r.lastUs)),
    heapKb: median(runs.map((r) => r.heapGrowth / 1024)),
  }));
  const livekit = summary[0];
  return {
    id: '6-token-cache',
    title: `6. ${count.toLocaleString('en-US')} fetches of distinct rooms through one token source (Node, real tokens)`,
    baseline: "LiveKit's `TokenSource.custom` with the same generator and tokens",
    columns: ['source', 'total ms', 'µs per fetch, first 10 %', 'µs per fetch, last 10 %', 'heap growth kB', 'time ÷ LiveKit'],
    rows: summary.map((side) => [
      side.name,
      side.totalMs.toFixed(0),
      side.firstUs.toFixed(0),
      side.lastUs.toFixed(0),
      side.heapKb.toFixed(0),
      side === livekit ? 'baseline' : `${(side.totalMs / livekit.totalMs).toFixed(2)}×`,
    ]),
    notes: [
      `Median of ${rounds} round(s); the sides take turns after two warm-up passes. Tokens are minted before timing; the generator only looks them up.`,
      'Heap growth: `heapUsed` after a full GC, before the source is made and after its last fetch, the source still alive. Ours keeps at most `cacheSize` (8) tokens and drops expired ones; LiveKit keeps one.',
      "The third side shares an app's `QueryClient` that holds 1 000 queries of its own: the cost per fetch does not depend on them.",
    ],
  };
}
