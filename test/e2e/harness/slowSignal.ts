import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { LIVEKIT_WS_URL } from './livekit';

/** A loopback proxy in front of the LiveKit server whose answers reach the browser late. */
export interface SlowSignal {
  /** The `ws://` URL to hand the page as its `serverUrl`. */
  url: string;
  /** Resolves when the LiveKit server has answered a signal WebSocket's upgrade (it has joined the participant by then). */
  answered(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Holds every answer of the LiveKit server for `holdMs` before passing it on, so that a test can
 * act while the server has already joined the participant and the browser's signal WebSocket is
 * still opening.
 */
export async function startSlowSignal(holdMs: number): Promise<SlowSignal> {
  const upstream = new URL(LIVEKIT_WS_URL);
  const sockets = new Set<Socket>();
  let onAnswer = () => {};
  const answer = new Promise<void>((resolve) => (onAnswer = resolve));
  const proxy = createServer((client) => {
    const server = connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(server);
    client.pipe(server);
    let isSignal = false;
    client.once('data', (chunk: Buffer) => (isSignal = /^GET \/rtc/.test(chunk.toString('latin1'))));
    server.once('data', () => isSignal && onAnswer());
    server.on('data', (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), holdMs));
    // The end, too, waits behind the data held before it.
    server.on('end', () => setTimeout(() => client.end(), holdMs));
    const drop = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', () => setTimeout(drop, holdMs));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    answered: () => answer,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}
