import { Cluster, Redis } from 'ioredis';
import { createCluster, type RedisClusterType } from 'redis';
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

/** Three masters of a Redis Cluster on 127.0.0.1, all 16384 slots assigned. */
export interface RedisCluster {
  /** Each master's client port. */
  readonly ports: readonly number[];
  /** A new connected ioredis `Cluster` of it. */
  ioredis(): Promise<Cluster>;
  /** A new connected node-redis `createCluster` client of it. */
  nodeRedis(): Promise<RedisClusterType>;
  /** A plain connection to each master (for what each node holds). */
  nodes(): Promise<Redis[]>;
  /** The index in `ports` of the master holding `key`'s slot (as Redis computes it: `CLUSTER KEYSLOT`). */
  masterOf(key: string): Promise<number>;
  /** Makes one master hang for `ms` (`CLIENT PAUSE … ALL`): its connections stay open, its commands wait. */
  pause(master: number, ms: number): Promise<void>;
  /** Freezes every master (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops the masters and closes the clients made by the methods above. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster: three `redis-server` masters in cluster mode, the slots split in three
 * ranges (`CLUSTER ADDSLOTSRANGE`), introduced to each other (`CLUSTER MEET`), and waited for
 * until every master reports `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const servers = await Promise.all([0, 1, 2].map(() => startProcess({ cluster: true })));
  const closers: (() => unknown)[] = [];
  const plain = (port: number) => {
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    closers.push(() => redis.disconnect());
    return redis;
  };
  const third = Math.ceil(16384 / 3);
  let admin: Redis[] | undefined;
  const cluster = {
    ports: servers.map(({ port }) => port),
    async masterOf(key: string) {
      admin ??= await cluster.nodes();
      return Math.floor(Number(await admin[0]!.call('CLUSTER', 'KEYSLOT', key)) / third);
    },
    async pause(master: number, ms: number) {
      admin ??= await cluster.nodes();
      await admin[master]!.call('CLIENT', 'PAUSE', String(ms), 'ALL');
    },
    async nodes() {
      return servers.map(({ port }) => plain(port));
    },
    async ioredis() {
      const redis = new Cluster([{ host: '127.0.0.1', port: servers[0]!.port }], {
        lazyConnect: true,
        clusterRetryStrategy: () => 50,
        redisOptions: { maxRetriesPerRequest: 1 },
      });
      redis.on('error', () => {});
      closers.push(() => redis.disconnect());
      await redis.connect();
      return redis;
    },
    async nodeRedis() {
      const redis = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: servers[0]!.port } }] });
      redis.on('error', () => {});
      closers.push(() => redis.destroy());
      return redis.connect();
    },
    freeze: () => servers.forEach((server) => server.freeze()),
    thaw: () => servers.forEach((server) => server.thaw()),
    async stop() {
      for (const close of closers.splice(0)) close();
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
  try {
    const nodes = await cluster.nodes();
    await Promise.all(
      nodes.map((node, i) => node.call('CLUSTER', 'ADDSLOTSRANGE', String(i * third), String(Math.min(16383, (i + 1) * third - 1)))),
    );
    for (const server of servers.slice(1))
      await nodes[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(server.port), String(server.busPort));
    const deadline = Date.now() + 20_000;
    while (
      !(await Promise.all(nodes.map((node) => node.call('CLUSTER', 'INFO')))).every((info) => String(info).includes('cluster_state:ok'))
    ) {
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not reach cluster_state:ok within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
