import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Real ioredis clients in the two states a limit store fails in, without a redis-server: never
 * connected (Redis down) and connected to a socket that never answers (Redis hung). Call
 * {@link closeRedisStandIns} after each test.
 */
const clients: Redis[] = [];
const servers: { server: Server; sockets: Socket[] }[] = [];

/**
 * An ioredis client whose connection is down (status `'end'`): every command fails or queues. (A
 * `lazyConnect` client that was never used is not down: the limits connect it on first use.)
 */
export function downRedis(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true });
  client.on('error', () => {});
  client.disconnect();
  clients.push(client);
  return client;
}

/**
 * A Redis that accepts connections and never answers (hung, or behind a dead network path); records what it was sent.
 * With `connect: false` its client is left as `lazyConnect` makes it (status `'wait'`), for its first command to connect.
 */
export async function hungRedis({ connect = true } = {}): Promise<{ client: Redis; received: () => string }> {
  let received = '';
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (data) => (received += data.toString('latin1')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ server, sockets });
  // No handshake and no ready check: the client counts as ready once connected, as one does before Redis hangs.
  const client = new Redis({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    lazyConnect: true,
    enableReadyCheck: false,
    protocol: 2,
    disableClientInfo: true,
  });
  client.on('error', () => {});
  clients.push(client);
  if (connect) await client.connect();
  return { client, received: () => received };
}

/** Disconnects every client and closes every silent server made since the last call. */
export async function closeRedisStandIns(): Promise<void> {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(
    servers.splice(0).map(({ server, sockets }) => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
}
