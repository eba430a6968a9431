import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';

/**
 * Records the timers and intervals made through the globals until `stop()`, and which of them are
 * still pending and keep Node alive. (Counting the process's active timers instead also counts the
 * test runner's own, which come and go meanwhile.)
 */
function recordTimers() {
  const pending = new Set<NodeJS.Timeout>();
  const { setTimeout: set, setInterval: every, clearTimeout: clear, clearInterval: clearEvery } = globalThis;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = set(() => {
      pending.delete(timer);
      callback(...args);
    }, ms);
    pending.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = every(callback, ms, ...args);
    pending.add(timer);
    return timer;
  }) as typeof setInterval;
  globalThis.clearTimeout = ((timer?: NodeJS.Timeout) => {
    if (timer) pending.delete(timer);
    clear(timer);
  }) as typeof clearTimeout;
  globalThis.clearInterval = ((timer?: NodeJS.Timeout) => {
    if (timer) pending.delete(timer);
    clearEvery(timer);
  }) as typeof clearInterval;
  return {
    keepingNodeAlive: () => [...pending].filter((timer) => timer.hasRef()).length,
    stop: () => Object.assign(globalThis, { setTimeout: set, setInterval: every, clearTimeout: clear, clearInterval: clearEvery }),
  };
}

describe('the first token minted in-process during a server render (README "lib/initialToken.ts")', () => {
  it.each([
    ['without limits', {}],
    ['with memory limits', { limits: { tokens: { limit: 100, windowSeconds: 60 } } }],
  ])('leaves no timer that keeps Node alive, %s, and no identity across requests', async (_, extra) => {
    const timers = recordTimers();
    const identities: string[] = [];
    try {
      const handler = createTokenHandler(handlerConfig(extra));
      for (const user of ['ada', 'bob', 'ada']) {
        const response = await handler(tokenRequest({ room_config: { agents: [] } }, { headers: { Authorization: `Bearer ${user}` } }));
        expect(response.status).toBe(201);
        const { participant_token } = (await response.json()) as { participant_token: string };
        identities.push(String(decodeJwt(participant_token).sub));
      }
      expect(timers.keepingNodeAlive()).toBe(0);
    } finally {
      timers.stop();
    }
    expect(identities).toEqual(['ada', 'bob', 'ada']);
  });
});
