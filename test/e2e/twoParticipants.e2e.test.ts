import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('two browser contexts in one room', () => {
  test('each sees its own camera and the other one in useCameraTracks', async () => {
    const alice = await openApp(browser, { room: 'e2e-pair', identity: 'alice' });
    const bob = await openApp(browser, { room: 'e2e-pair', identity: 'bob' });
    await Promise.all([alice.start(), bob.start()]);

    const cameras = async (app: typeof alice) => (await app.state())?.cameras.map(({ identity, isLocal }) => ({ identity, isLocal }));
    await expect
      .poll(() => cameras(alice))
      .toEqual(
        expect.arrayContaining([
          { identity: 'alice', isLocal: true },
          { identity: 'bob', isLocal: false },
        ]),
      );
    await expect
      .poll(() => cameras(bob))
      .toEqual(
        expect.arrayContaining([
          { identity: 'bob', isLocal: true },
          { identity: 'alice', isLocal: false },
        ]),
      );
  });
});
