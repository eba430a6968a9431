import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { serveFolder } from './staticServer';

/**
 * The Playground when the local LiveKit server is down: the static Storybook beside a
 * `/api/livekit-status` this test answers, read through Chromium's accessibility tree.
 */
const staticDir = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const livekit = { up: false, checks: 0 };

let browser: E2EBrowser;
let server: Awaited<ReturnType<typeof serveFolder>>;

beforeAll(async () => {
  server = await serveFolder(staticDir, {
    '/api/livekit-status': (_req, res) => {
      livekit.checks++;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ livekit: livekit.up, agentName: 'e2e-agent' }));
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The text of each live region (`aria-live` polite or assertive, `role="status"`, `role="alert"`) in Chromium's accessibility tree, outermost only. */
async function liveRegions(page: Page): Promise<{ live: string; text: string; nested: boolean }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        nodeId: string;
        parentId?: string;
        childIds?: string[];
        role?: { value: string };
        name?: { value: string };
        properties?: { name: string; value: { value: unknown } }[];
      }[];
    };
    const byId = new Map(nodes.map((node) => [node.nodeId, node]));
    const live = (node: (typeof nodes)[number]) => {
      const value = node.properties?.find((property) => property.name === 'live')?.value.value;
      return value === 'polite' || value === 'assertive' ? value : null;
    };
    const text = (node: (typeof nodes)[number]): string =>
      node.role?.value === 'StaticText' ? (node.name?.value ?? '') : (node.childIds ?? []).map((id) => text(byId.get(id)!)).join('');
    const insideLive = (node: (typeof nodes)[number]): boolean => {
      const parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
      return parent !== undefined && (live(parent) !== null || insideLive(parent));
    };
    return nodes
      .filter((node) => live(node) !== null)
      .map((node) => ({ live: live(node)!, text: text(node).trim(), nested: insideLive(node) }));
  } finally {
    await cdp.detach();
  }
}

describe('the Playground with the local LiveKit server down', () => {
  it('announces the outcome of "Check again" once per check, in one live region, the keyboard focus staying on the button', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/iframe.html?id=playground--playground&viewMode=story`);
      const button = page.getByRole('button', { name: 'Check again' });
      await button.waitFor({ timeout: 30_000 });
      // Each time the outcome is written into the region, as a screen reader is told of it.
      await page.evaluate(() => {
        const written: string[] = [];
        (window as unknown as { written: string[] }).written = written;
        new MutationObserver((records) => {
          for (const record of records) {
            const region = (record.target instanceof Element ? record.target : record.target.parentElement)?.closest(
              '[aria-live], [role="status"], [role="alert"]',
            );
            if (region?.textContent) written.push(region.textContent);
          }
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const written = () =>
        page.evaluate(() => (window as unknown as { written: string[] }).written.filter((text) => /running/.test(text)));

      for (const check of [1, 2]) {
        const checks = livekit.checks;
        await button.press('Enter');
        await expect.poll(() => livekit.checks, { timeout: 10_000 }).toBe(checks + 1);
        await expect
          .poll(async () => (await liveRegions(page)).filter((region) => /still not running/.test(region.text)), { timeout: 10_000 })
          .toEqual([{ live: 'polite', text: expect.stringMatching(/still not running/), nested: false }]);
        await expect.poll(written, { timeout: 10_000 }).toHaveLength(check);
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Check again');
      }

      livekit.up = true;
      await button.press('Enter');
      await page.getByRole('heading', { name: 'Join a room on the local LiveKit server' }).waitFor({ timeout: 10_000 });
      await expect
        .poll(async () => (await liveRegions(page)).filter((region) => /running/.test(region.text)), { timeout: 10_000 })
        .toEqual([{ live: 'polite', text: expect.stringMatching(/is running/), nested: false }]);
      expect(await written()).toHaveLength(3);
    } finally {
      await page.context().close();
    }
  });
});
