import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { checkAccessibility } from './checkAccessibility';
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
    for (const title of [
      'CustomTokenSessionProvider',
      'ConnectButton',
      'CameraGrid',
      'AgentStatusIndicator',
      'TokenStatusView',
      'ErrorNotice',
    ]) {
      expect(titles, title).toContain(`Components/${title}`);
    }
    expect(titles).toContain('Playground');
  });

  it("shows each prop's TSDoc @defaultValue in the docs table's Default column, and its type as a reader writes it", async () => {
    const page = await browser.newPage();
    /** The Type and Default cells of the row of `prop` in the props table of `component`'s docs page. */
    const row = async (component: string, prop: string) => {
      await page.goto(`${server.url}/iframe.html?id=components-${component}--docs&viewMode=docs`);
      const table = page.locator('table.docblock-argstable').first();
      await table.waitFor({ timeout: 30_000 });
      expect(await table.innerText()).not.toContain('@defaultValue');
      const cells = table
        .locator('tbody tr')
        .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${prop}\\b`) }) })
        .first()
        .locator('td');
      return { description: await cells.nth(1).innerText(), defaultValue: await cells.nth(2).innerText() };
    };
    try {
      expect((await row('cameragrid', 'placeholders')).defaultValue).toBe('true');
      // A @defaultValue on a line of its own, which Storybook's JSDoc parser drops from the description.
      expect((await row('connectbutton', 'labels')).defaultValue).toMatch(/^'Connect', 'Cancel connecting'/);
      expect((await row('agentstatusindicator', 'labels')).defaultValue).toMatch(/^English sentences/);
      expect((await row('errornotice', 'action')).defaultValue).toBe('nothing');
      expect((await row('cameragrid', 'empty')).description).toContain('ReactNode');
      // An optional prop typed `string | undefined` (for exactOptionalPropertyTypes) reads `string`.
      const label = (await row('cameragrid', 'label')).description;
      expect(label).toMatch(/\bstring$/);
      expect(label).not.toMatch(/undefined|union/);
      expect((await row('tokenstatusview', 'retryLabel')).defaultValue).toBe('"Fetch the token again"');
      // The provider's props: its own, and those of the token options it passes on.
      expect((await row('customtokensessionprovider', 'prefetch')).defaultValue).toBe('true');
      expect((await row('customtokensessionprovider', 'agentConnectTimeoutMs')).defaultValue).toBe('20_000');
      expect((await row('customtokensessionprovider', 'tokenEndpoint')).description).toMatch(/string/);
      expect((await row('customtokensessionprovider', 'roomName')).description).toMatch(/string/);
    } finally {
      await page.context().close();
    }
  });

  it('keeps buttons outlined and the agent dot visible in forced colours (Windows High Contrast)', async () => {
    const page = await browser.newPage();
    try {
      await page.emulateMedia({ forcedColors: 'active' });
      await page.goto(`${server.url}/iframe.html?id=components-connectbutton--connect-and-disconnect&viewMode=story`);
      const button = page.locator('.lk-ctr-connect-button');
      await button.waitFor({ timeout: 30_000 });
      const border = await button.evaluate((node) => {
        const style = getComputedStyle(node);
        return { width: style.borderTopWidth, style: style.borderTopStyle, color: style.borderTopColor, canvas: style.backgroundColor };
      });
      expect(border).toMatchObject({ width: '1px', style: 'solid' });
      expect(border.color).not.toBe(border.canvas);

      await page.goto(`${server.url}/iframe.html?id=components-agentstatusindicator--listening&viewMode=story`);
      const dot = page.locator('.lk-ctr-agent-status-dot');
      await dot.waitFor({ timeout: 30_000 });
      const [dotColour, pageColour, textColour] = await dot.evaluate((node) => [
        getComputedStyle(node).backgroundColor,
        getComputedStyle(node.ownerDocument.body).backgroundColor,
        getComputedStyle(node.parentElement!).color,
      ]);
      expect(dotColour).not.toBe(pageColour);
      // The user's text colour, not the state's green, amber or red (below 3:1 on some high-contrast themes).
      expect(dotColour).toBe(textColour);
    } finally {
      await page.context().close();
    }
  });

  it.each([
    ['reduce', ['none', 'none']],
    ['no-preference', ['lk-ctr-spin', 'lk-ctr-pulse']],
  ] as const)(
    'with prefers-reduced-motion: %s, the connecting spinner and the agent’s dot have animations %j',
    async (reducedMotion, expected) => {
      const page = await browser.newPage();
      try {
        await page.emulateMedia({ reducedMotion });
        const animation = async (story: string, selector: string, pseudo?: string) => {
          await page.goto(`${server.url}/iframe.html?id=${story}&viewMode=story`);
          const element = page.locator(selector);
          await element.waitFor({ timeout: 30_000 });
          return element.evaluate((node, before) => getComputedStyle(node, before).animationName, pseudo);
        };
        const spinner = await animation('components-connectbutton--connecting', '.lk-ctr-connect-button[aria-busy="true"]', '::before');
        const dot = await animation(
          'components-agentstatusindicator--thinking',
          '.lk-ctr-agent-status[data-state="thinking"] .lk-ctr-agent-status-dot',
        );
        expect([spinner, dot]).toEqual(expected);
      } finally {
        await page.context().close();
      }
    },
  );

  it('draws an edge around every camera tile in forced colours, a placeholder’s too (its background is then the page’s)', async () => {
    const page = await browser.newPage();
    try {
      await page.emulateMedia({ forcedColors: 'active' });
      await page.goto(`${server.url}/iframe.html?id=examples-call-page--long-names&viewMode=story`);
      await page.locator('.lk-ctr-camera-tile').nth(4).waitFor({ timeout: 30_000 });
      const edges = await page.locator('.lk-ctr-camera-tile').evaluateAll((tiles) =>
        tiles.map((tile) => {
          const style = getComputedStyle(tile);
          const page = getComputedStyle(tile.ownerDocument.body).backgroundColor;
          const outlined = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0 && style.outlineColor !== page;
          const bordered = style.borderTopStyle !== 'none' && Number.parseFloat(style.borderTopWidth) > 0 && style.borderTopColor !== page;
          return outlined || bordered;
        }),
      );
      expect(edges).toEqual([true, true, true, true, true]);
    } finally {
      await page.context().close();
    }
  });

  it('reflows the call page at 320 CSS px: nothing wider than the viewport, the title whole (WCAG 1.4.10)', async () => {
    const page = await browser.newPage();
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(`${server.url}/iframe.html?id=examples-call-page--with-agent&viewMode=story`);
      const title = page.locator('.call-title');
      await title.waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      expect(await title.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('lays thirty cameras out one per row at 320 CSS px, nothing wider than the screen', async () => {
    const page = await browser.newPage();
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(`${server.url}/iframe.html?id=components-cameragrid--thirty-cameras&viewMode=story`);
      await page.locator('.lk-ctr-camera-tile').nth(29).waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      const lefts = await page
        .locator('.lk-ctr-camera-tile')
        .evaluateAll((tiles) => new Set(tiles.map((tile) => tile.getBoundingClientRect().left)).size);
      expect(lefts).toBe(1);
    } finally {
      await page.context().close();
    }
  });

  it.each([1100, 320])(
    'keeps "(you)" whole on your tile when a long name is cut short, and the page within %i CSS px, long room name and all',
    async (width) => {
      const page = await browser.newPage();
      try {
        await page.setViewportSize({ width, height: 720 });
        await page.goto(`${server.url}/iframe.html?id=examples-call-page--long-names&viewMode=story`);
        await page.locator('.lk-ctr-camera-tile').nth(4).waitFor({ timeout: 30_000 });
        await page.locator('.lk-ctr-token-status[data-status="ready"]').waitFor({ timeout: 30_000 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        const boxes = await page.evaluate(() => {
          const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
          const [label, you] = [box('[data-local] .lk-ctr-camera-name'), box('[data-local] .lk-ctr-camera-you')];
          const names = [...document.querySelectorAll<HTMLElement>('.lk-ctr-camera-name')];
          return {
            label: { left: label.left, right: label.right },
            you: { left: you.left, right: you.right, width: you.width },
            // Every name on one line, inside its tile.
            oneLine: names.every((name) => name.getBoundingClientRect().height < 40),
            inTiles: names.every((name) => name.getBoundingClientRect().right <= name.closest('li')!.getBoundingClientRect().right),
          };
        });
        expect(boxes.you.width).toBeGreaterThan(0);
        expect(boxes.you.right).toBeLessThanOrEqual(boxes.label.right + 0.5);
        expect(boxes.you.left).toBeGreaterThanOrEqual(boxes.label.left - 0.5);
        expect(boxes).toMatchObject({ oneLine: true, inTiles: true });
      } finally {
        await page.context().close();
      }
    },
  );

  it("has no story whose args do nothing: set from the URL, a story's string args change what it renders", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/iframe.html?id=introduction--docs&viewMode=docs`);
      await page.waitForFunction(
        () => 'storyStoreValue' in ((window as { __STORYBOOK_PREVIEW__?: object }).__STORYBOOK_PREVIEW__ ?? {}),
        null,
        {
          timeout: 30_000,
        },
      );
      const storyIds = entries.filter((entry) => entry.type === 'story').map((entry) => entry.id);
      const argsOf = await page.evaluate(async (ids) => {
        type Store = { loadStory(options: { storyId: string }): Promise<{ initialArgs: Record<string, unknown> }> };
        const store = (window as unknown as { __STORYBOOK_PREVIEW__: { storyStoreValue: Store } }).__STORYBOOK_PREVIEW__.storyStoreValue;
        const stories = await Promise.all(ids.map(async (storyId) => [storyId, (await store.loadStory({ storyId })).initialArgs] as const));
        return stories.map(([id, args]) => [id, Object.keys(args).filter((name) => typeof args[name] === 'string')] as const);
      }, storyIds);
      const withArgs = argsOf.filter(([, names]) => names.length > 0);
      // The call page's stories render their args (its props); the check is not empty.
      expect(withArgs.length).toBeGreaterThan(0);
      const ignored: string[] = [];
      for (const [id, names] of withArgs) {
        const markers = names.map((name, index) => [name, `argmarker${index}`] as const);
        const args = markers.map(([name, marker]) => `${name}:${marker}`).join(';');
        await page.goto(`${server.url}/iframe.html?id=${id}&viewMode=story&args=${encodeURIComponent(args)}`);
        const root = page.locator('#storybook-root');
        await root.locator(':scope > *').first().waitFor({ timeout: 30_000 });
        // Some show at once, some a moment later (a call page's title once the room is named), some
        // never (a participant's name in a story whose token is refused): one of them is enough.
        const shows = async () => {
          const html = await root.innerHTML();
          return markers.some(([, marker]) => html.includes(marker));
        };
        await expect
          .poll(shows, { timeout: 5_000 })
          .toBe(true)
          .catch(() => ignored.push(`${id}: ${names.join(', ')}`));
      }
      expect(ignored).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("opens the Playground in Storybook's own page with the whole width for the app (no addon panel), and no deprecation warning", async () => {
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => /deprecat/i.test(message.text()) && warnings.push(message.text()));
    try {
      await page.goto(`${server.url}/?path=/story/playground--playground`);
      await page.frameLocator('#storybook-preview-iframe').getByRole('heading', { level: 1 }).waitFor({ timeout: 30_000 });
      // Storybook's button that shows a hidden addon panel is there once it has applied the story's layout.
      await page.locator('#storybook-show-addon-panel').waitFor({ timeout: 10_000 });
      expect(await page.locator('#storybook-panel-root').isVisible()).toBe(false);
      expect(warnings).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it.concurrent.each(entries.map((entry) => [`${entry.title} › ${entry.name}`, entry] as const))(
    '%s renders without page errors, console errors, failed play functions or accessibility violations (a docs page: of any impact)',
    async (_label, entry) => {
      const page = await browser.newPage();
      try {
        expect(await renderEntry(page, server.url, entry)).toEqual([]);
        const scope = entry.type === 'docs' ? 'docs' : entry.title === 'Playground' ? 'page' : 'story';
        expect(await checkAccessibility(page, scope)).toEqual([]);
      } finally {
        await page.context().close();
      }
    },
  );

  it.concurrent.each(
    entries.filter((entry) => entry.type === 'docs' && entry.title !== 'Introduction').map((entry) => [entry.title, entry] as const),
  )("%s docs: every story's code is a complete snippet — the provider and the package's imports", async (_label, entry) => {
    const page = await browser.newPage();
    try {
      expect(await renderEntry(page, server.url, entry)).toEqual([]);
      expect(await page.locator('.docblock-code-toggle--disabled').count(), 'stories without code').toBe(0);
      const showCode = page.locator('.docblock-code-toggle:not(.docblock-code-toggle--expanded)');
      const panels = await showCode.evaluateAll((toggles) => toggles.map((toggle) => toggle.getAttribute('aria-controls')));
      expect(panels.length).toBeGreaterThan(0);
      for (let index = 0; index < panels.length; index++) await showCode.nth(0).click();
      const snippets = await Promise.all(
        panels.map(async (id) => {
          const panel = page.locator(`[id="${id}"]`);
          // Storybook fills a panel a moment after its toggle is clicked (CI once read one still empty).
          await panel.filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
          return panel.innerText();
        }),
      );
      for (const snippet of snippets) {
        expect(snippet).toMatch(/from 'livekit-custom-token-react';/);
        expect(snippet).toMatch(/<CustomTokenSessionProvider\b|createCustomTokenSource\(/);
        expect(snippet).not.toMatch(/\.\.\/|CallScreen|stories\//);
      }
    } finally {
      await page.context().close();
    }
  });

  it.concurrent.each(
    entries.filter((entry) => entry.type === 'docs' && entry.title.startsWith('Components/')).map((entry) => [entry.title, entry] as const),
  )('%s docs: a props table a reader can read — no controls, no docgen artefacts, a working first preview', async (_label, entry) => {
    const page = await browser.newPage();
    try {
      expect(await renderEntry(page, server.url, entry)).toEqual([]);
      const table = page.locator('table.docblock-argstable').first();
      const text = await table.innerText();
      expect(text).not.toMatch(/ReactReactNode|Partial|`|@defaultValue|\{@link|\$\$typeof|_owner/);
      expect(await table.locator('thead').innerText()).not.toMatch(/Control/);
      // The first preview shows the component doing its job: something visible in it.
      const primary = page.locator('.docs-story').first();
      expect((await primary.innerText()).trim()).not.toBe('');
    } finally {
      await page.context().close();
    }
  });
});

describe('the stylesheet in Chromium', () => {
  /** Opens a story by id and waits for its play function, as renderEntry does. */
  async function openStory(id: string) {
    const entry = entries.find((candidate) => candidate.id === id);
    expect(entry, id).toBeDefined();
    const page = await browser.newPage();
    expect(await renderEntry(page, server.url, entry as IndexEntry)).toEqual([]);
    return page;
  }

  it('draws the keyboard focus ring of a button at 3:1 or more against the page (WCAG 2.1, 1.4.11)', async () => {
    const page = await openStory('components-connectbutton--connected');
    try {
      await page.keyboard.press('Tab');
      const colours = await page.evaluate(() => {
        const button = document.activeElement as HTMLElement;
        const style = getComputedStyle(button);
        // The ring is drawn outside the button (outline-offset), over what is behind it.
        let behind: Element | null = button.parentElement;
        while (behind && getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)') behind = behind.parentElement;
        return {
          className: button.className,
          ring: style.outlineColor,
          width: style.outlineStyle === 'none' ? 0 : Number.parseFloat(style.outlineWidth),
          page: behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)',
        };
      });
      expect(colours.className).toContain('lk-ctr-connect-button');
      expect(colours.width).toBeGreaterThanOrEqual(2);
      expect(contrast(colours.ring, colours.page)).toBeGreaterThanOrEqual(3);
    } finally {
      await page.context().close();
    }
  });

  it('puts a camera tile’s name at the start of the line in a right-to-left page, as in a left-to-right one', async () => {
    const page = await openStory('components-cameragrid--two-cameras');
    try {
      const edges = await page.evaluate(() => {
        document.documentElement.dir = 'rtl';
        return [...document.querySelectorAll('.lk-ctr-camera-tile')].map((tile) => {
          const box = tile.getBoundingClientRect();
          const name = tile.querySelector('.lk-ctr-camera-name')!.getBoundingClientRect();
          return { start: box.right - name.right, end: name.left - box.left };
        });
      });
      expect(edges.length).toBe(2);
      for (const { start, end } of edges) {
        expect(start).toBeCloseTo(8, 0);
        expect(end).toBeGreaterThan(8);
      }
    } finally {
      await page.context().close();
    }
  });

  it.each([
    ['components-cameragrid--two-cameras', '.lk-ctr-camera-name-text', 'rtl', 'Ada Jr.', 'right'],
    ['components-cameragrid--two-cameras', '.lk-ctr-camera-name-text', 'ltr', 'נועה.', 'left'],
    ['components-errornotice--http-503-unavailable', '.lk-ctr-error-notice-message', 'rtl', 'The token service is restarting.', 'right'],
    ['components-tokenstatusview--failed', '.lk-ctr-token-status-error', 'rtl', 'The token service is restarting.', 'right'],
    // The token's identity and room (the first two values), as the token endpoint chose them.
    ['components-tokenstatusview--ready', '.lk-ctr-token-status dd:nth-of-type(1) bdi', 'rtl', 'Ada Jr.', 'right'],
    ['components-tokenstatusview--ready', '.lk-ctr-token-status dd:nth-of-type(1) bdi', 'ltr', 'נועה.', 'left'],
    ['components-tokenstatusview--ready', '.lk-ctr-token-status dd:nth-of-type(2) bdi', 'rtl', 'standup.', 'right'],
    // LiveKit's reason, in English whatever the page's language.
    ['components-agentstatusindicator--failed', '.lk-ctr-agent-status-reasons', 'rtl', 'Agent did not join the room.', 'right'],
  ] as const)(
    'shows a text as it comes (%s %s) as it is written in a %s page: the "." of "%s" on its %s, after it, not before',
    async (story, selector, pageDirection, text, dotSide) => {
      const page = await openStory(story);
      try {
        const sides = await page.evaluate(
          ({ selector, pageDirection, text }) => {
            document.documentElement.dir = pageDirection;
            // A name or an error's message, as it comes: the story's own element, as LiveKit or the endpoint would have filled it.
            const element = document.querySelector(selector)!;
            element.textContent = text;
            const box = (start: number) => {
              const range = document.createRange();
              range.setStart(element.firstChild!, start);
              range.setEnd(element.firstChild!, start + 1);
              return range.getBoundingClientRect();
            };
            return { dot: box(text.length - 1).left, first: box(0).left };
          },
          { selector, pageDirection, text },
        );
        if (dotSide === 'right') expect(sides.dot).toBeGreaterThan(sides.first);
        else expect(sides.dot).toBeLessThan(sides.first);
      } finally {
        await page.context().close();
      }
    },
  );

  it("lines the token's identity and room up with the other values, at the start of a right-to-left page, though they read left to right", async () => {
    const page = await openStory('components-tokenstatusview--ready');
    try {
      const ends = await page.evaluate(() => {
        document.documentElement.dir = 'rtl';
        return [...document.querySelectorAll('.lk-ctr-token-status dd')].map((value) => {
          const text = document.createRange();
          text.selectNodeContents(value);
          return Math.round(value.getBoundingClientRect().right - text.getBoundingClientRect().right);
        });
      });
      // Identity, room, grants, expiry: each flush with the right edge of its column.
      expect(ends).toEqual([0, 0, 0, 0]);
    } finally {
      await page.context().close();
    }
  });

  it('draws a ConnectButton the app disabled as disabled: not as a working button, nor with a busy cursor', async () => {
    const page = await openStory('components-connectbutton--connect-and-disconnect');
    try {
      const button = page.locator('.lk-ctr-connect-button');
      await page.mouse.move(0, 0);
      await button.evaluate((node) => node.blur());
      const enabled = await button.screenshot({ animations: 'disabled' });
      const cursor = await button.evaluate((node: HTMLButtonElement) => {
        // As `<ConnectButton disabled />` renders it (the story's own button: a style check, no click follows).
        node.disabled = true;
        return getComputedStyle(node).cursor;
      });
      expect(cursor).not.toBe('progress');
      expect(Buffer.compare(await button.screenshot({ animations: 'disabled' }), enabled)).not.toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it("draws an emphasised agent's ring in the accent set on an ancestor, as the theming docs promise", async () => {
    const page = await openStory('components-cameragrid--with-agent');
    try {
      const ring = await page.evaluate(() => {
        document.getElementById('storybook-root')!.style.setProperty('--lk-ctr-accent', 'rgb(0, 128, 0)');
        return getComputedStyle(document.querySelector('[data-emphasized]')!).outlineColor;
      });
      expect(ring).toBe('rgb(0, 128, 0)');
    } finally {
      await page.context().close();
    }
  });
});

/** WCAG's contrast ratio of two CSS colours as Chromium computes them (`rgb(…)`, `rgba(…)` or `color(srgb …)`), the first over the second. */
function contrast(foreground: string, background: string): number {
  const channels = (colour: string) => {
    const numbers = (colour.match(/[\d.]+/g) ?? []).map(Number);
    const scale = colour.startsWith('color(') ? 1 : 255;
    const [r = 0, g = 0, b = 0] = numbers.slice(0, 3).map((value) => value / scale);
    return { rgb: [r, g, b], alpha: numbers[3] ?? 1 };
  };
  const back = channels(background).rgb;
  const front = channels(foreground);
  const blended = front.rgb.map((value, i) => value * front.alpha + back[i]! * (1 - front.alpha));
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((value) => (value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(blended), luminance(back)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

/** Where `STORYBOOK_SCREENSHOTS=<folder> npx vitest run -c test/storybook/vitest.config.ts -t screenshot` puts its PNGs. */
const screenshotDir = process.env.STORYBOOK_SCREENSHOTS;
const KEY_STORIES = [
  'examples-call-page--video-call',
  'examples-call-page--with-agent',
  'examples-call-page--before-joining',
  'examples-call-page--long-names',
  'examples-call-page--hebrew-right-to-left',
  'components-cameragrid--one-camera',
  'components-cameragrid--two-cameras',
  'components-cameragrid--four-cameras',
  'components-cameragrid--twelve-cameras',
  'components-cameragrid--with-agent',
  'components-connectbutton--fetching-token',
  'components-errornotice--http-503-unavailable',
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
