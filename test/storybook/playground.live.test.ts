import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devRoutes } from '../../.storybook/devRoutes';
import * as serverEntry from '../../src/server/index';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { checkAccessibility } from './checkAccessibility';
import { serveFolder } from './staticServer';

/**
 * The Playground as `npm start` serves it — the static Storybook beside the dev token endpoint
 * and the LiveKit status (`devRoutes`, as the dev server mounts them) — against the real LiveKit
 * server and agent worker (started by `liveGlobalSetup.ts`). Ada joins with the agent; Grace
 * follows her invite link from a second browser context.
 */
const staticDir = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const VISIBLE = { state: 'visible', timeout: 60_000 } as const;

let browser: E2EBrowser;
let server: Awaited<ReturnType<typeof serveFolder>>;
let ada: Page;

async function openPlayground(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1100, height: 760 });
  page.setDefaultTimeout(60_000);
  // The app's own elements are awaited below: Storybook's preview bundle may take long to run on a busy machine.
  await page.goto(url, { waitUntil: 'commit' });
  return page;
}

beforeAll(async () => {
  server = await serveFolder(staticDir, devRoutes(serverEntry));
  browser = await launchChromium();
  ada = await openPlayground(`${server.url}/iframe.html?id=playground--playground&viewMode=story`);
  // Joined from the keyboard, as a keyboard user does: Enter on the focused button.
  await ada.getByRole('button', { name: 'Join with camera' }).press('Enter');
  await ada.locator('.lk-ctr-agent-status[data-state="listening"]').waitFor(VISIBLE);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the live Playground', () => {
  it('connected with the agent, has no serious or critical accessibility violations', async () => {
    await ada.locator('.lk-ctr-camera-tile[data-agent] video').waitFor(VISIBLE);
    expect(await ada.locator('.lk-ctr-camera-tile[data-agent]').innerText()).toBe('Agent');
    expect(await checkAccessibility(ada, 'page')).toEqual([]);
  });

  it('keeps the keyboard focus in the page when the join form gives way to the call (on its main region), with one main and a top heading', async () => {
    expect(await ada.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
    expect(await ada.locator('main').count()).toBe(1);
    expect(await ada.getByRole('heading', { level: 1 }).innerText()).toMatch(/^playground · with /);
    // Tab from there reaches the call's own controls.
    await ada.keyboard.press('Tab');
    expect(await ada.evaluate(() => document.activeElement?.closest('.call') !== null)).toBe(true);
  });

  it("brings a second person into the agent's fresh room through the invite link", async () => {
    const room = await ada.locator('.lk-ctr-token-status dd').nth(1).innerText();
    expect(room).toMatch(/^playground-/);
    const invite = await ada.getByRole('link', { name: 'Invite a second person (new tab)' }).getAttribute('href');

    const grace = await openPlayground(invite!);
    await grace.getByRole('heading', { name: `Join ${room}` }).waitFor(VISIBLE);
    await grace.getByRole('button', { name: 'Join with camera' }).click();

    await grace.locator('.lk-ctr-connect-button[data-state="connected"]').waitFor(VISIBLE);
    expect(await grace.locator('.lk-ctr-token-status dd').nth(1).innerText()).toBe(room);
    await grace.locator('.lk-ctr-camera-tile', { hasText: 'Ada' }).waitFor(VISIBLE);
    await grace.locator('.lk-ctr-camera-tile[data-agent]').waitFor(VISIBLE);
    await ada.locator('.lk-ctr-camera-tile', { hasText: 'Grace' }).waitFor(VISIBLE);
    // Each sees three tiles: themselves (once their camera is published), the other one and the agent.
    await expect.poll(() => ada.locator('.lk-ctr-camera-tile').count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => grace.locator('.lk-ctr-camera-tile').count(), { timeout: 30_000 }).toBe(3);
    await grace.locator('.lk-ctr-camera-tile', { hasText: 'Grace (you)' }).waitFor(VISIBLE);
    // A tool, not a check: `STORYBOOK_SCREENSHOTS=<folder>` keeps what Ada sees.
    if (process.env.STORYBOOK_SCREENSHOTS)
      await ada.screenshot({ path: join(process.env.STORYBOOK_SCREENSHOTS, 'playground-live-agent.png') });
  });
});
