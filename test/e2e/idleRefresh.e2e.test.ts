import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claims, openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const TTL_SECONDS = 20;
const LIFETIMES = 3;

describe('idle refresh-ahead', () => {
  test(
    `mounted and not connected for ${LIFETIMES} token lifetimes of ${TTL_SECONDS} s: a fresh token always in hand, refreshed on schedule, never in a storm`,
    async () => {
      const app = await openApp(browser, { room: 'e2e-idle-refresh', identity: 'idle', ttl: String(TTL_SECONDS) });
      await expect.poll(async () => (await app.generatorCalls()).some((call) => call.token)).toBe(true);
      const started = Date.now();
      const stale: string[] = [];

      while (Date.now() - started < LIFETIMES * TTL_SECONDS * 1_000) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const [state, calls] = await Promise.all([app.state(), app.generatorCalls()]);
        const latest = [...calls].reverse().find((call) => call.token);
        const now = Date.now();
        if (!['ready', 'fetching'].includes(state?.token.status ?? '')) stale.push(`+${now - started} ms: status ${state?.token.status}`);
        if (!latest?.token || claims(latest.token).exp * 1_000 <= now) stale.push(`+${now - started} ms: the newest token has expired`);
      }

      expect(stale).toEqual([]);
      const calls = (await app.generatorCalls()).length;
      // The provider's default margin (60 s) is capped at half a lifetime: one call per 10 s, plus the mount's.
      const elapsed = Date.now() - started;
      expect(calls).toBeGreaterThanOrEqual(Math.floor(elapsed / (TTL_SECONDS * 1_000)) + 1);
      expect(calls).toBeLessThanOrEqual(Math.ceil(elapsed / ((TTL_SECONDS * 1_000) / 2)) + 2);
      await app.page.close();
    },
    (LIFETIMES * TTL_SECONDS + 30) * 1_000,
  );
});
