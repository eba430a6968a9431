// @vitest-environment node
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLimitCounter } from '../../../src/server/limits/openLimitCounter';

const settled = <T>(promise: Promise<T>) => {
  const state: { result?: { value: T } | { error: unknown } } = {};
  promise.then(
    (value) => (state.result = { value }),
    (error: unknown) => (state.result = { error }),
  );
  return state;
};

describe('openLimitCounter: memory', () => {
  afterEach(() => vi.useRealTimers());

  it('counts points per key in a fixed window that opens at the first count', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const counter = await openLimitCounter('memory', 'tokens', 60);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await counter.consume('alice', 2)).toMatchObject({ consumedPoints: 3, msBeforeNext: 40_000 });
    expect(await counter.consume('bob', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
    await counter.reward('alice', 2);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 2 });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
  });

  it('never refuses by itself: the caller compares the count with its own limit', async () => {
    const counter = await openLimitCounter('memory', 'agentDispatches', 3600);
    expect(await counter.consume('alice', 1_000_000)).toMatchObject({ consumedPoints: 1_000_000 });
    expect(await counter.consume('alice', 1)).toMatchObject({ consumedPoints: 1_000_001 });
  });
});

describe('openLimitCounter: Redis', () => {
  let client: Redis | undefined;
  let silent: { server: Server; sockets: Socket[] } | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    client?.disconnect();
    client = undefined;
    for (const socket of silent?.sockets ?? []) socket.destroy();
    await new Promise((resolve) => (silent ? silent.server.close(resolve) : resolve(undefined)));
    silent = undefined;
  });

  /** An ioredis client that was never connected, as one is while Redis is down (commands would queue). */
  function notConnected(): Redis {
    client = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true });
    client.on('error', () => {});
    return client;
  }

  /** A Redis that accepts connections and never answers (hung, or behind a dead network path); records what it was sent. */
  async function hungRedis(): Promise<{ client: Redis; received: () => string }> {
    let received = '';
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (data) => (received += data.toString('latin1')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    silent = { server, sockets };
    // No handshake and no ready check: the client counts as ready once connected, as one does before Redis hangs.
    client = new Redis({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      lazyConnect: true,
      enableReadyCheck: false,
      protocol: 2,
      disableClientInfo: true,
    });
    client.on('error', () => {});
    await client.connect();
    return { client, received: () => received };
  }

  it('fails at once, without waiting for timeoutMs, while the client is not connected', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: notConnected(), timeoutMs: 60_000 }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(consumed.result).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/not ready/) }) });
  });

  it('fails a Redis that does not answer after 500 ms by default', async () => {
    const { client } = await hungRedis();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: client }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(499);
    expect(consumed.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(consumed.result).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/timed out/) }) });
  });

  it('fails a Redis that does not answer after the store’s timeoutMs', async () => {
    const { client } = await hungRedis();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counter = await openLimitCounter({ redis: client, timeoutMs: 2_000 }, 'tokens', 60);
    const consumed = settled(counter.consume('alice', 1));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(consumed.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(consumed.result).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/timed out/) }) });
  });

  it('writes under the key prefix `lkctr` by default, then the counter’s name, window and the caller', async () => {
    const { client, received } = await hungRedis();
    const counter = await openLimitCounter({ redis: client, timeoutMs: 10_000 }, 'tokens', 60);
    void counter.consume('alice', 1).catch(() => {});
    await vi.waitFor(() => expect(received()).toContain('lkctr:tokens:60s:alice'));
  });

  it('writes under the store’s own keyPrefix when it has one', async () => {
    const { client, received } = await hungRedis();
    const counter = await openLimitCounter({ redis: client, keyPrefix: 'myapp', timeoutMs: 10_000 }, 'agentDispatches', 3600);
    void counter.consume('bob', 2).catch(() => {});
    await vi.waitFor(() => expect(received()).toContain('myapp:agentDispatches:3600s:bob'));
    expect(received()).not.toContain('lkctr');
  });
});
