import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('a custom generator connects through the /server token handler', () => {
  test('the session connects with the local camera in context and identity and room in the token status, after exactly one generator call', async () => {
    const app = await openApp(browser, { room: 'e2e-connect', identity: 'alice' });
    await app.start();

    await expect.poll(app.state).toMatchObject({
      connectionState: 'connected',
      cameras: [{ identity: 'alice', isLocal: true }],
      token: { status: 'ready', identity: 'alice', room: 'e2e-connect' },
      error: null,
    });
    expect(await app.generatorCalls()).toHaveLength(1);
    expect(app.sentTokens).toHaveLength(1);
  });
});
