import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The `redis-server` binary: Debian's by default. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export interface RedisServer {
  readonly port: number;
  /** A new ioredis client of this server, connected (as an app instance would hold one). */
  client(): Promise<Redis>;
  /** Kills the server (SIGKILL: no goodbye to clients); the clients keep trying to reconnect. */
  crash(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops the server and closes every client `client()` made. */
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
}

/**
 * Starts `redis-server` on 127.0.0.1 at a free port, without persistence; `stop()` it after the
 * tests (clients made with `client()` are closed then too).
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child = await spawnRedis(port);
  const clients: Redis[] = [];
  return {
    port,
    async client() {
      const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
      redis.on('error', () => {}); // reconnects are the point of some tests
      clients.push(redis);
      await redis.connect();
      return redis;
    },
    crash: () => kill(child),
    async restart() {
      await kill(child);
      child = await spawnRedis(port);
    },
    async stop() {
      await kill(child);
      for (const redis of clients.splice(0)) redis.disconnect();
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}

/** Waits until every client is connected again (after `restart()`). */
export async function whenReady(...clients: Redis[]): Promise<void> {
  await Promise.all(clients.map((redis) => (redis.status === 'ready' ? undefined : new Promise((resolve) => redis.once('ready', resolve)))));
}

/** Waits until every client has seen its connection drop (after `crash()`). */
export async function whenDisconnected(...clients: Redis[]): Promise<void> {
  await Promise.all(clients.map((redis) => (redis.status !== 'ready' ? undefined : new Promise((resolve) => redis.once('close', resolve)))));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}:\n${output}`)), 10_000);
    child.stdout!.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) on port ${port}:\n${output}`));
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}
