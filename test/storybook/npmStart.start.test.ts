import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { LIVEKIT_HTTP_URL } from '../../scripts/livekit-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** `npm start` as a user runs it, in a process group of its own so that what it started is stopped with it. */
interface Start {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once its output matches `pattern`; rejects with the output after `timeoutMs`. */
  printed(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Its exit code, or a rejection with the output after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
}

const started: Start[] = [];
const blockers: (Server | ReturnType<typeof createSocket>)[] = [];

afterEach(async () => {
  for (const { child } of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    process.kill(-child.pid!, 'SIGKILL');
    await once(child, 'exit');
  }
  await Promise.all(blockers.splice(0).map((blocker) => new Promise((resolve) => blocker.close(() => resolve(undefined)))));
});

function npmStart(args: string[]): Start {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  /** Called after each chunk of output. */
  const readers = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const read of readers) read();
    });
  }
  const within = <T>(timeoutMs: number, what: string, settled: (resolve: (value: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start ${what} within ${timeoutMs} ms. It printed:\n${output}`)), timeoutMs);
      settled((value) => (clearTimeout(timer), resolve(value)));
    });
  const start: Start = {
    child,
    output: () => output,
    printed: (pattern, timeoutMs) =>
      within(timeoutMs, `did not print ${pattern}`, (resolve) => {
        const read = () => pattern.test(output) && (readers.delete(read), resolve(output));
        readers.add(read);
        read();
      }),
    exited: (timeoutMs) =>
      within(timeoutMs, 'did not exit', (resolve) =>
        child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
      ),
  };
  started.push(start);
  return start;
}

/** Another program listening on 127.0.0.1 (`port` 0: a free port); resolves with its port. */
async function occupy(port: number): Promise<number> {
  const server = createServer((socket) => socket.end());
  blockers.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const port = await occupy(0);
  await new Promise((resolve) => blockers.pop()!.close(() => resolve(undefined)));
  return port;
}

/** Another program receiving UDP on 127.0.0.1:`port`. */
async function occupyUdp(port: number): Promise<void> {
  const socket = createSocket('udp4');
  blockers.push(socket);
  socket.bind(port, '127.0.0.1');
  await once(socket, 'listening');
}

it("says Storybook's port is taken and exits, having started nothing, when another program listens on it", async () => {
  const port = await occupy(0);
  const start = npmStart(['--port', String(port)]);
  expect(await start.exited(15_000)).toBe(1);
  expect(start.output()).toMatch(new RegExp(`port ${port} .*in use`, 'i'));
  expect(start.output()).toMatch(/npm start -- --port \d+/);
  // No URL that leads to the other program, no LiveKit server or agent left without their Storybook.
  expect(start.output()).not.toMatch(/Storybook: http|LiveKit server: ws|agent worker: e2e-agent/);
});

it('goes on with the offline stories, saying which port is taken, when the LiveKit server cannot start', async () => {
  const answering = await fetch(`${LIVEKIT_HTTP_URL}/`, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
  expect(answering, `something answers on ${LIVEKIT_HTTP_URL}: this test needs the LiveKit ports free`).toBe(false);
  await occupyUdp(7882);
  const port = await freePort();
  const start = npmStart(['--port', String(port)]);
  expect(await start.printed(/LiveKit server.*\n?.*port 7882 \(UDP\) .*in use/i, 30_000)).not.toMatch(/agent worker: e2e-agent/);
  await start.printed(/Storybook ready/, 60_000);
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  // What the Playground asks before it says the server is not running, and how to get it.
  expect(await (await fetch(`http://127.0.0.1:${port}/api/livekit-status`)).json()).toMatchObject({ livekit: false });
  start.child.kill('SIGINT');
  expect(await start.exited(20_000)).toBe(0);
});
