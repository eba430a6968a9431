import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
});
