import { Redis } from 'ioredis';
import { startRedisServer as startProcess, type RunningRedisServer } from '../../scripts/redis-server.mjs';

export interface RedisServer extends RunningRedisServer {
  /** A new ioredis client of this server, connected (as an app instance would hold one). */
  client(): Promise<Redis>;
}

/** Starts `redis-server` on 127.0.0.1 at a free port; `stop()` also closes the clients made with `client()`. */
export async function startRedisServer(): Promise<RedisServer> {
  const server = await startProcess();
  const clients: Redis[] = [];
  return {
    ...server,
    async client() {
      const redis = new Redis({
        host: '127.0.0.1',
        port: server.port,
        lazyConnect: true,
        retryStrategy: () => 50,
        maxRetriesPerRequest: 1,
      });
      redis.on('error', () => {}); // reconnects are the point of some tests
      clients.push(redis);
      await redis.connect();
      return redis;
    },
    async stop() {
      await server.stop();
      for (const redis of clients.splice(0)) redis.disconnect();
    },
  };
}

/** Waits until every client is connected again (after `restart()`). */
export async function whenReady(...clients: Redis[]): Promise<void> {
  await Promise.all(
    clients.map((redis) => (redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', resolve)))),
  );
}

/** Waits until every client has seen its connection drop (after `crash()`). */
export async function whenDisconnected(...clients: Redis[]): Promise<void> {
  await Promise.all(
    clients.map((redis) => (redis.status !== 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('close', resolve)))),
  );
}
