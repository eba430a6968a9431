import { afterEach, describe, expect, it, vi } from 'vitest';
import { findChromium, missingChromium } from '../../scripts/prerequisites.mjs';
import { skipWithout } from '../helpers/prerequisites';

/**
 * Every browser suite and the bench launch Chromium through `launchChromium`
 * (`test/e2e/harness/browser.ts`); `npm test` and `node scripts/prerequisites.mjs` find it with
 * `findChromium`. The two must agree, or a stage run by hand (`npx vitest run -c test/e2e/…`)
 * fails on a machine where `npm test` passes.
 */
describe.skipIf(skipWithout(missingChromium()))('launchChromium, run by hand', { timeout: 60_000 }, () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('launches the Chromium scripts/prerequisites.mjs finds when CHROMIUM_PATH is set but empty (an unset CI variable)', async () => {
    vi.stubEnv('CHROMIUM_PATH', '');
    expect(findChromium(), 'CHROMIUM_PATH empty is as if unset').toBeTruthy();
    const { launchChromium } = await import('../e2e/harness/browser');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      expect(await page.evaluate(() => navigator.userAgent)).toMatch(/HeadlessChrome|Chrome/);
    } finally {
      await browser.close();
    }
  });
});
