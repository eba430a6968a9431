import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { renderEntry, type IndexEntry } from './renderEntry';
import { serveFolder } from './staticServer';

/** A running Storybook to test instead of the static build (e.g. `http://127.0.0.1:6006` from `npm start`). */
const devUrl = process.env.STORYBOOK_URL;
const staticDir = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const entries = Object.values((await readIndex()).entries);

let browser: E2EBrowser;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  server = devUrl ? { url: devUrl, close: async () => {} } : await serveFolder(staticDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function readIndex(): Promise<{ entries: Record<string, IndexEntry> }> {
  if (devUrl) return (await fetch(`${devUrl}/index.json`)).json();
  const file = `${staticDir}index.json`;
  if (!existsSync(file)) throw new Error(`No static Storybook at ${staticDir}: run \`npx storybook build\` first.`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('the static Storybook', () => {
  it('has a story for every public component and a Playground', () => {
    const titles = new Set(entries.map((entry) => entry.title));
    for (const title of ['ConnectButton', 'CameraGrid', 'AgentStatusIndicator', 'TokenStatusView', 'ErrorNotice']) {
      expect(titles, title).toContain(`Components/${title}`);
    }
    expect(titles).toContain('Playground');
  });

  it("shows each prop's TSDoc @defaultValue in the docs table's Default column", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/iframe.html?id=components-cameragrid--docs&viewMode=docs`);
      const table = page.locator('table.docblock-argstable').first();
      await table.waitFor({ timeout: 30_000 });
      expect(await table.innerText()).not.toContain('@defaultValue');
      const cells = table.locator('tbody tr', { hasText: 'Include a placeholder for each participant' }).locator('td');
      expect(await cells.nth(2).innerText()).toBe('true');
    } finally {
      await page.context().close();
    }
  });

  it.concurrent.each(entries.map((entry) => [`${entry.title} › ${entry.name}`, entry] as const))(
    '%s renders without page errors, console errors or failed play functions',
    async (_label, entry) => {
      const page = await browser.newPage();
      try {
        expect(await renderEntry(page, server.url, entry)).toEqual([]);
      } finally {
        await page.context().close();
      }
    },
  );
});

/** Where `STORYBOOK_SCREENSHOTS=<folder> npx vitest run -c test/storybook/vitest.config.ts -t screenshot` puts its PNGs. */
const screenshotDir = process.env.STORYBOOK_SCREENSHOTS;
const KEY_STORIES = [
  'examples-call-screen--video-call',
  'examples-call-screen--with-agent',
  'examples-call-screen--before-joining',
  'components-cameragrid--twelve-cameras',
  'components-errornotice--http-401-unauthorized',
  'components-tokenstatusview--about-to-expire',
  'components-agentstatusindicator--thinking',
  'playground--playground',
];

// A tool, not a check: registered only when asked for, so a normal run reports no skipped tests.
if (screenshotDir) {
  describe('screenshots of the key stories', () => {
    it.each(KEY_STORIES)('screenshot of %s', async (id) => {
      const entry = entries.find((candidate) => candidate.id === id);
      expect(entry, id).toBeDefined();
      const page = await browser.newPage();
      try {
        await page.setViewportSize({ width: 1100, height: 720 });
        expect(await renderEntry(page, server.url, entry as IndexEntry)).toEqual([]);
        mkdirSync(screenshotDir, { recursive: true });
        const file = join(screenshotDir, `${id}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(1_000);
      } finally {
        await page.context().close();
      }
    });
  });
}
