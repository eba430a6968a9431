import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { E2EWindow } from './app/state';
import { claims, openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const TTL_SECONDS = 10;

/** Records, on the page's clock, each status the app shows and each page lifecycle event, from before the app loads. */
function recordTabLife(): void {
  const log: [string, number][] = [];
  (window as unknown as { __tabLife: typeof log }).__tabLife = log;
  document.addEventListener('visibilitychange', () => log.push([`visibility:${document.visibilityState}`, Date.now()]));
  addEventListener('pageshow', (event) => log.push([`pageshow:${event.persisted ? 'restored' : 'loaded'}`, Date.now()]));
  new MutationObserver(() => {
    const text = document.getElementById('e2e-state')?.textContent;
    if (text) log.push([`status:${(JSON.parse(text) as { token: { status: string } }).token.status}`, Date.now()]);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/**
 * Headless Chromium keeps every page visible and refuses to freeze a visible one
 * (`Page.setWebLifecycleState`), but it does keep a page left idle in its back/forward cache:
 * hidden, then frozen (no timer runs), then shown again where it was. What Chrome does to a
 * background tab, and what a laptop's sleep does to timers.
 */
describe('a tab frozen while idle', () => {
  test(`in the back/forward cache for longer than its ${TTL_SECONDS} s token lives: shown again, it never reads ready with the expired token, makes one generator call, and start() connects with the new token`, async () => {
    const app = await openApp(browser, { room: `e2e-frozen-${Date.now()}`, identity: 'frozen', ttl: String(TTL_SECONDS) }, (page) =>
      page.addInitScript(recordTabLife),
    );
    await expect.poll(async () => (await app.state())?.token.status).toBe('ready');
    const [first] = await app.generatorCalls();

    await app.page.goto('data:text/html,<p>another site</p>');
    await new Promise((resolve) => setTimeout(resolve, (TTL_SECONDS + 5) * 1_000));
    // A page restored from the cache fires no `load`: wait for the commit, then for the new token.
    await app.page.goBack({ waitUntil: 'commit' });
    await expect.poll(async () => (await app.generatorCalls()).at(-1)?.receivedAt).toBeGreaterThan(first!.receivedAt!);

    const log = await app.page.evaluate(() => (window as unknown as { __tabLife: [string, number][] }).__tabLife);
    const restoredAt = log.findIndex(([event]) => event === 'pageshow:restored');
    expect(restoredAt, JSON.stringify(log)).toBeGreaterThan(0);
    const calls = await app.generatorCalls();
    expect(calls).toHaveLength(2);
    const [, fresh] = calls;
    // Shown again: fetching at once, and ready only once the new token is in hand.
    const shownAt = log.findIndex(([event]) => event === 'visibility:visible');
    const statusesAfter = log.slice(shownAt).filter(([event]) => event.startsWith('status:'));
    expect(statusesAfter[0]?.[0]).toBe('status:fetching');
    for (const [event, at] of statusesAfter) if (event === 'status:ready') expect(at).toBeGreaterThanOrEqual(fresh!.receivedAt!);
    expect(claims(first!.token!).exp * 1_000).toBeLessThan(fresh!.calledAt);

    await app.start();
    await expect.poll(app.state).toMatchObject({ connectionState: 'connected', error: null });
    expect(app.sentTokens.map(({ token }) => token)).toEqual([fresh!.token]);
    expect((await app.page.evaluate(() => (window as E2EWindow).__e2e!.generatorCalls)).length).toBe(2);
    await app.end();
    await app.page.close();
  });

  test(`asleep for a minute (the page clock jumps, its timers keep their remaining time): start() at once on waking connects with a new token, fetched in one generator call`, async () => {
    const app = await openApp(browser, { room: `e2e-asleep-${Date.now()}`, identity: 'asleep', ttl: String(TTL_SECONDS) }, (page) =>
      page.clock.install(),
    );
    await expect.poll(async () => (await app.state())?.token.status).toBe('ready');
    const asleepAt = await app.page.evaluate(() => Date.now());
    await app.page.clock.setSystemTime(asleepAt + 60_000);

    await app.start();
    await expect.poll(app.state).toMatchObject({ connectionState: 'connected', error: null });
    const calls = await app.generatorCalls();
    expect(calls).toHaveLength(2);
    // Asked for after waking (the LiveKit server's clock did not jump: it may mint the same JWT again within its second).
    expect(calls[1]!.calledAt).toBeGreaterThanOrEqual(asleepAt + 60_000);
    expect(app.sentTokens.map(({ token }) => token)).toEqual([calls[1]!.token]);
    await app.end();
    await app.page.close();
  });
});
