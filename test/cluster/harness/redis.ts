import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Debian's `redis-server` (`apt-get install redis-server`); never run as a system service here. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RunningRedis {
  /** `127.0.0.1:PORT`, as LiveKit's `redis.address` wants it. */
  address: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.end(), resolve(data.toString().startsWith('+PONG'))));
  });
}

/** An in-memory Redis on 127.0.0.1 and a free port, for this run only; resolves once it answers PING. */
export async function startRedis(logFile: string, timeoutMs = 10_000): Promise<RunningRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`No redis-server at ${REDIS_SERVER}: apt-get install redis-server (or set REDIS_SERVER)`);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await answersPing(port)) return { address: `127.0.0.1:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within ${timeoutMs} ms; log: ${logFile}`);
}
