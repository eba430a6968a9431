import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium, missingChromium } from '../../../scripts/prerequisites.mjs';

/**
 * Chromium's executable, found as `npm test` finds it (`scripts/prerequisites.mjs`: `CHROMIUM_PATH`,
 * then the usual install paths); throws saying what to install when there is none.
 */
export function chromiumPath(): string {
  const path = findChromium();
  if (path === null) throw new Error(missingChromium() ?? 'no Chromium');
  return path;
}

/** DESIGN §5: headless, fake camera and microphone, loopback ICE, nothing in the background. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
];

export interface E2EBrowser {
  /** A page in a new browser context: its own storage, like a separate user. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Chromium (Debian's, in CI) with exactly the flags above and a fresh profile, removed on close. */
export async function launchChromium(): Promise<E2EBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'lkctr-e2e-chromium-'));
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, '--remote-debugging-pipe', `--user-data-dir=${userDataDir}`],
    timeout: 30_000,
  });
  return {
    async newPage() {
      const context = await browser.newContext();
      return context.newPage();
    },
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
