import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { E2EWindow } from './app/state';
import { claims, openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const HOURS = 8;
/** The endpoint's token lifetime: with the provider's default margin (60 s), one refresh every 9 minutes. */
const TTL_SECONDS = 600;
/**
 * The page clock moves on in jumps of this much (`fastForward`: timers due inside a jump fire at
 * its end). Well under the margin, so a refresh fires at most this late; the jump ends before a
 * refresh it started can time out (`timeoutMs`), and the next one waits for that refresh to
 * arrive over the real network.
 */
const JUMP_MS = 30_000;

/**
 * A tab left open all day, on Playwright's page clock: hours of the provider's own timers (the
 * refresh-ahead schedule, react-query's, livekit-client's) in seconds. `idleRefresh.e2e.test.ts`
 * watches three short lifetimes in real time; this one watches ~50 refreshes of a realistic
 * lifetime, and the start at the end of the day. The page clock also runs hours ahead of the
 * LiveKit server's (which mints the tokens): freshness is measured from receipt, never from `exp`.
 */
describe('a tab open all day', () => {
  test(
    `mounted and idle for ${HOURS} h of page clock: a fresh token always in hand, refreshed ahead once per lifetime, and the start at the end connects with it`,
    { timeout: 150_000 },
    async () => {
      const app = await openApp(browser, { room: `e2e-all-day-${Date.now()}`, identity: 'all-day', ttl: String(TTL_SECONDS) }, (page) =>
        page.clock.install(),
      );
      /** What the page holds now, on its own clock: the token status and the newest token with when it arrived. */
      const inHand = () =>
        app.page.evaluate(() => {
          const e2e = (window as E2EWindow).__e2e!;
          const newest = [...e2e.generatorCalls].reverse().find((call) => call.token !== undefined);
          return { now: Date.now(), status: e2e.state.token.status, token: newest?.token, receivedAt: newest?.receivedAt };
        });
      /** When the newest token stops being valid, measured from its arrival on the page clock. */
      const expiresAt = ({ token, receivedAt }: { token?: string | undefined; receivedAt?: number | undefined }) => {
        if (token === undefined || receivedAt === undefined) return -Infinity;
        const { exp, nbf } = claims(token) as { exp: number; nbf: number };
        return receivedAt + (exp - nbf) * 1_000;
      };
      await expect.poll(async () => (await inHand()).status).toBe('ready');

      const stale: string[] = [];
      const started = (await inHand()).now;
      for (let elapsed = 0; elapsed < HOURS * 3_600_000; elapsed += JUMP_MS) {
        await app.page.clock.fastForward(JUMP_MS);
        // A refresh the jump started completes over the real network (the page clock runs on meanwhile).
        await expect.poll(async () => (await inHand()).status, { timeout: 10_000, interval: 20 }).not.toBe('fetching');
        const held = await inHand();
        const at = `${((held.now - started) / 3_600_000).toFixed(2)} h`;
        if (held.status !== 'ready') stale.push(`${at}: status ${held.status}`);
        if (expiresAt(held) <= held.now) stale.push(`${at}: the newest token has expired`);
      }
      expect(stale).toEqual([]);

      const calls = await app.generatorCalls();
      const lifetimes = (HOURS * 3_600) / TTL_SECONDS;
      // Once per lifetime at least; at most twice (the margin is capped at half a lifetime), plus the mount's.
      expect(calls.length).toBeGreaterThanOrEqual(lifetimes);
      expect(calls.length).toBeLessThanOrEqual(2 * lifetimes + 2);
      expect(app.sentTokens).toEqual([]);

      // The end of the day: start() connects at once with the token in hand, which has not expired.
      const held = await inHand();
      await app.start();
      await expect.poll(app.state).toMatchObject({ connectionState: 'connected', error: null });
      expect(app.sentTokens.map(({ token }) => token)).toEqual([held.token]);
      expect(expiresAt(held)).toBeGreaterThan((await inHand()).now);
      console.info(`all day: ${calls.length} generator calls in ${HOURS} h of page clock (${lifetimes} lifetimes of ${TTL_SECONDS} s)`);
      await app.end();
      await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected', error: null });
      await app.page.close();
    },
  );
});
