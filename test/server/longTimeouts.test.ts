// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { openLimitCounter } from '../../src/server/limits/openLimitCounter';
import { handlerConfig } from './handlerConfig';

/** Longer than a timer holds (2^31 - 1 ms): Node, Bun and Deno would fire it after 1 ms. */
const LONG_MS = 3_000_000_000;

/** A JSON body that arrives after `delayMs`. */
function slowRequest(delayMs: number): Request {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      controller.enqueue(new TextEncoder().encode('{"room_name":"standup"}'));
      controller.close();
    },
  });
  return new Request('http://127.0.0.1/api/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('timeouts longer than a timer holds', () => {
  it('a bodyTimeoutMs of 3e9 ms waits for a body that takes 100 ms, rather than answering 408 at once', async () => {
    const response = await createTokenHandler(handlerConfig({ bodyTimeoutMs: LONG_MS }))(slowRequest(100));
    expect(response.status).toBe(201);
  });

  it('a limitStore.timeoutMs of 3e9 ms does not time out a count at once', async () => {
    let answer: (value: unknown) => void = () => {};
    const redis = {
      status: 'ready',
      defineCommand: () => {},
      // rate-limiter-flexible's Redis backend runs its Lua script through a defined command, lkctrIncr on the app's client.
      lkctrIncr: () => new Promise((resolve) => (answer = resolve)),
    };
    const counter = await openLimitCounter({ redis: redis as never, timeoutMs: LONG_MS }, 'tokens', 60);
    const counting = counter.consume('alice', 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer([1, 60_000]);
    await expect(counting).resolves.toMatchObject({ consumedPoints: 1 });
  });
});
