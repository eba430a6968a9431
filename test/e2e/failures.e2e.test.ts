import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { UNSERVED_AGENT_NAME } from './harness/tokenEndpoint';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('failures become typed error states, never hangs', () => {
  test('a token signed with the wrong secret fails with connection_failed and reason NotAllowed', async () => {
    const app = await openApp(browser, { room: 'e2e-wrong-secret', secret: 'wrong' });
    await app.start();

    await expect.poll(app.state).toMatchObject({
      connectionState: 'disconnected',
      error: { code: 'connection_failed', reason: 'NotAllowed' },
    });
  });

  test('an agent name no worker serves fails with agent_failed after the agent timeout', async () => {
    const app = await openApp(browser, { room: 'e2e-unserved', freshRoom: '1', agent: UNSERVED_AGENT_NAME, agentTimeoutMs: '5000' });
    await app.start();

    await expect.poll(app.state).toMatchObject({
      error: { code: 'agent_failed', failureReasons: [expect.any(String)] },
      agent: { state: 'failed' },
    });
  });

  test('a generator that throws fails with generator_failed and sends nothing to the server', async () => {
    const app = await openApp(browser, { room: 'e2e-throws', generator: 'throws' });
    await app.start();

    await expect.poll(app.state).toMatchObject({
      connectionState: 'disconnected',
      error: { code: 'generator_failed' },
      token: { status: 'error', errorCode: 'generator_failed' },
    });
    expect(app.sentTokens).toHaveLength(0);
  });
});
