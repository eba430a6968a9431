import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { participantsIn } from './harness/roomService';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the hooks path: leaving while start() waits for the token', () => {
  test(
    'the call component unmounted while the page keeps the source: its token arrives, and nobody joins the room',
    { timeout: 60_000 },
    async () => {
      const room = `e2e-hooks-unmount-${Date.now()}`;
      const tokenDelayMs = 1_500;
      const app = await openApp(browser, { hooks: '1', room, identity: 'hooks-user', tokenDelayMs: String(tokenDelayMs) });
      // The start joins the mount's pre-warm call; the unmount comes while it is still waiting.
      await app.start();
      await app.unmount();
      await expect.poll(app.state).toMatchObject({ connectionState: 'unmounted' });

      // The call goes on for the page, which shows its token: LiveKit's start() got it too.
      await expect.poll(app.state, { timeout: tokenDelayMs + 5_000 }).toMatchObject({ token: { status: 'ready', room } });
      await sleep(2_000);
      expect(await participantsIn(room), 'nobody of ours in the room').toEqual([]);
      expect(app.sentTokens, 'no signal connection after the unmount').toEqual([]);
      expect(await app.generatorCalls()).toHaveLength(1);
      await app.page.close();
    },
  );
});
