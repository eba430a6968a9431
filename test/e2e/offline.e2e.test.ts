import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claims, openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records, on the page's clock, each token status the app shows, from before the app loads. */
function recordStatuses(): void {
  const log: [string, number][] = [];
  (window as unknown as { __statuses: typeof log }).__statuses = log;
  new MutationObserver(() => {
    const text = document.getElementById('e2e-state')?.textContent;
    if (text) log.push([(JSON.parse(text) as { token: { status: string } }).token.status, Date.now()]);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/**
 * Chrome's offline (DevTools network emulation, what `setOffline` uses) fails every new request of
 * the page, the generator's included, and fires the `offline` and `online` events a real network
 * change fires. The first round of refresh-ahead after a failure waits 4–8 s (half to all of
 * `maxRetryDelayMs`), so a token within 4 s of the network's return came from hearing it.
 */
describe('a tab whose network goes and comes back', () => {
  test('the call screen shown while the network is already gone: a fresh token as soon as it is back, not at the next round', async () => {
    const app = await openApp(browser, { room: `e2e-offline-mount-${Date.now()}`, identity: 'offline-mount' });
    await expect.poll(async () => (await app.state())?.token.status).toBe('ready');
    await app.unmount();
    await app.page.context().setOffline(true);
    await app.page.getByTestId('mount').click();
    await expect.poll(async () => (await app.state())?.token.status).toBe('error');
    const failed = (await app.generatorCalls()).at(-1)!;
    expect(failed.token).toBeUndefined();

    await sleep(1_500);
    await app.page.context().setOffline(false);
    await expect.poll(async () => (await app.state())?.token.status, { timeout: 10_000 }).toBe('ready');
    const calls = await app.generatorCalls();
    expect(calls).toHaveLength(3);
    expect(calls[2]!.calledAt - failed.calledAt).toBeLessThan(4_000);

    await app.start();
    await expect.poll(app.state).toMatchObject({ connectionState: 'connected', error: null });
    expect(app.sentTokens.map(({ token }) => token)).toEqual([calls[2]!.token]);
    await app.end();
    await app.page.close();
  });

  test('idle and offline for longer than its 10 s token lives: bounded rounds, never ready meanwhile, a fresh token as soon as the network is back', async () => {
    const app = await openApp(browser, { room: `e2e-offline-idle-${Date.now()}`, identity: 'offline-idle', ttl: '10' }, (page) =>
      page.addInitScript(recordStatuses),
    );
    await expect.poll(async () => (await app.state())?.token.status).toBe('ready');
    const [first] = await app.generatorCalls();
    const offlineAt = await app.page.evaluate(() => Date.now());
    await app.page.context().setOffline(true);
    await sleep(30_000);
    const onlineAt = await app.page.evaluate(() => Date.now());
    await app.page.context().setOffline(false);
    await expect.poll(async () => (await app.generatorCalls()).at(-1)?.token).not.toBeUndefined();

    const calls = await app.generatorCalls();
    const offline = calls.filter(({ calledAt }) => calledAt > offlineAt && calledAt < onlineAt);
    // The refresh ahead at 5 s, then rounds 4–8 s and 8–16 s after each failure: three calls in 30 s, four at most.
    expect(offline.length).toBeGreaterThanOrEqual(2);
    expect(offline.length).toBeLessThanOrEqual(4);
    expect(offline.every(({ token }) => token === undefined)).toBe(true);
    const fresh = calls.at(-1)!;
    expect(calls).toHaveLength(offline.length + 2);
    expect(fresh.calledAt - onlineAt).toBeLessThan(1_000);
    // Ready only with a token that has not expired: never between the first token's expiry and the fresh one's arrival.
    const statuses = await app.page.evaluate(() => (window as unknown as { __statuses: [string, number][] }).__statuses);
    const expiredAt = claims(first!.token!).exp * 1_000;
    const staleReady = statuses.filter(([status, at]) => status === 'ready' && at >= expiredAt && at < fresh.receivedAt!);
    expect(staleReady).toEqual([]);
    expect(statuses.some(([status, at]) => status === 'error' && at > offlineAt && at < onlineAt)).toBe(true);

    await app.start();
    await expect.poll(app.state).toMatchObject({ connectionState: 'connected', error: null });
    expect(app.sentTokens.map(({ token }) => token)).toEqual([fresh.token]);
    await app.end();
    await app.page.close();
  });
});
