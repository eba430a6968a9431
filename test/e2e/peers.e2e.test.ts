import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { E2EWindow } from './app/state';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

/** The livekit-client the app must have been built with: `test/peers-oldest`'s with `E2E_PEERS=oldest`, else the repository's. */
function expectedLivekitClient(): string {
  const root = process.env.E2E_PEERS === 'oldest' ? '../peers-oldest/node_modules' : '../../node_modules';
  return JSON.parse(readFileSync(new URL(`${root}/livekit-client/package.json`, import.meta.url), 'utf8')).version;
}

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('the peer versions under test', () => {
  test('the app runs the livekit-client this run is for', async () => {
    const app = await openApp(browser);
    expect(await app.page.evaluate(() => (window as E2EWindow).__livekitClientVersion)).toBe(expectedLivekitClient());
  });
});
