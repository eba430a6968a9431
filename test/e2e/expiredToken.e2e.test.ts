import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claims, openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const TOKEN_TTL_SECONDS = 4;

describe('a short-lived token', () => {
  test('left to expire before start(), is replaced by a fresh one and never sent', async () => {
    const app = await openApp(browser, { room: 'e2e-short-lived', identity: 'carol', ttl: String(TOKEN_TTL_SECONDS) });
    await expect.poll(async () => (await app.generatorCalls()).find((call) => call.token)).toBeDefined();
    const [premounted] = await app.generatorCalls();
    await new Promise((resolve) => setTimeout(resolve, (TOKEN_TTL_SECONDS + 1) * 1_000));

    await app.start();

    await expect.poll(app.state).toMatchObject({ connectionState: 'connected', token: { status: 'ready', identity: 'carol' } });
    expect(app.sentTokens.map(({ token }) => token)).not.toContain(premounted!.token);
    for (const { token, sentAt } of app.sentTokens) expect(claims(token).exp * 1_000).toBeGreaterThan(sentAt);
  });
});
