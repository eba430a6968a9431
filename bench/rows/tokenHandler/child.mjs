/**
 * One side of row 4 in its own Node process (the Node under test: 20 or 24), so that neither
 * side shares a heap, a JIT or an event loop with the other or with the load generator.
 *
 *   node child.mjs cold <side>    # import + first response, prints { ms, cpuMs }
 *   node child.mjs fetch <side> N # N Fetch requests in process, prints { cpuMicros }
 *   node child.mjs serve <side>   # node:http on 127.0.0.1:0; IPC 'start'/'stop' → { port } / { cpuMicros }
 */
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const [mode, side, count] = process.argv.slice(2);
const started = performance.now();
const startedCpu = process.cpuUsage();
const { load, tokenRequest } = await import('./sides.mjs');

const cpuMicros = (since) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};

if (mode === 'cold') {
  const { fetch } = await load(side);
  const response = await fetch(tokenRequest());
  if (response.status !== 201) throw new Error(`${side} answered ${response.status}`);
  await response.text();
  console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: cpuMicros(startedCpu) / 1000 }));
} else if (mode === 'fetch') {
  const { fetch } = await load(side);
  const n = Number(count);
  const run = async (times) => {
    for (let i = 0; i < times; i++) {
      const response = await fetch(tokenRequest());
      if (response.status !== 201) throw new Error(`${side} answered ${response.status}`);
      await response.text();
    }
  };
  await run(n); // warm-up: as many again, so the JIT has settled before the measured run
  const since = process.cpuUsage();
  await run(n);
  console.log(JSON.stringify({ cpuMicros: cpuMicros(since) / n }));
} else if (mode === 'serve') {
  const { listener } = await load(side);
  const server = createServer(listener);
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let since;
  process.on('message', (message) => {
    if (message === 'start') {
      since = process.cpuUsage();
      process.send({ port: server.address().port });
    } else if (message === 'stop') {
      process.send({ cpuMicros: cpuMicros(since) });
    } else if (message === 'exit') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.send({ ready: true });
}
