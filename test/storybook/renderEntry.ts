import type { Page } from 'playwright-core';

/** One entry of Storybook's `index.json`. */
export interface IndexEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
}

/** What went wrong while an entry rendered; empty when nothing did. */
export type RenderProblems = string[];

/** Storybook's channel events that settle a render, recorded by the page (see `watchChannel`). */
interface ChannelOutcome {
  event: string;
  detail: unknown;
}

/**
 * Runs in the page before Storybook: when the preview creates its channel, listen for the
 * events that end a story's or a docs page's render, and record the first failure.
 */
function watchChannel() {
  const outcomes: ChannelOutcome[] = [];
  (window as unknown as { __renderOutcomes: ChannelOutcome[] }).__renderOutcomes = outcomes;
  let channel: { on(event: string, listener: (detail: unknown) => void): void } | undefined;
  Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
    configurable: true,
    get: () => channel,
    set(value) {
      channel = value;
      for (const event of [
        'storyFinished',
        'docsRendered',
        'playFunctionThrewException',
        'storyThrewException',
        'storyErrored',
        'storyMissing',
        'unhandledErrorsWhilePlaying',
      ]) {
        value.on(event, (detail: unknown) => outcomes.push({ event, detail }));
      }
    },
  });
}

const SETTLE_MS = 750;

/**
 * Opens `iframe.html?id=…` for a story or docs page and waits until Storybook says it finished
 * (for a story: rendered and its `play` function done). Reports page errors, console errors,
 * failed plays, Storybook's error display and a render that never finishes.
 */
export async function renderEntry(page: Page, baseUrl: string, entry: IndexEntry, timeoutMs = 40_000): Promise<RenderProblems> {
  const problems: RenderProblems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Failed loads are reported below with their URL; Chromium's own favicon request is not one of ours.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${message.text()}`);
  });
  // The Playground asks the server it runs on whether LiveKit is up; a static host answers 404 (or
  // the probe is cut short by the page), which the story handles by saying how to run it.
  const isStatusProbe = (url: string) => new URL(url).pathname === '/api/livekit-status';
  page.on('response', (response) => {
    if (response.status() >= 400 && !isStatusProbe(response.url())) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    if (!isStatusProbe(request.url())) problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  await page.addInitScript(watchChannel);
  // Storybook's own events say when the render is done; the page's `load` need not come first.
  await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(entry.id)}&viewMode=${entry.type === 'docs' ? 'docs' : 'story'}`, {
    waitUntil: 'domcontentloaded',
    timeout: timeoutMs,
  });

  const done = entry.type === 'docs' ? 'docsRendered' : 'storyFinished';
  try {
    await page.waitForFunction(
      (event) =>
        (window as unknown as { __renderOutcomes?: ChannelOutcome[] }).__renderOutcomes?.some((outcome) => outcome.event === event),
      done,
      { timeout: timeoutMs, polling: 100 },
    );
  } catch {
    problems.push(`did not finish rendering within ${timeoutMs} ms`);
  }
  await page.waitForTimeout(SETTLE_MS);

  const outcomes = await page.evaluate(() => (window as unknown as { __renderOutcomes?: ChannelOutcome[] }).__renderOutcomes ?? []);
  for (const { event, detail } of outcomes) {
    if (event === 'storyFinished' && (detail as { status?: string }).status !== 'success')
      problems.push(`story finished with status ${JSON.stringify((detail as { status?: string }).status)}`);
    if (event !== 'storyFinished' && event !== 'docsRendered') problems.push(`${event}: ${describe(detail)}`);
  }
  if (await page.evaluate(() => document.body.classList.contains('sb-show-errordisplay'))) {
    problems.push(
      `Storybook error display: ${await page
        .locator('#error-message')
        .innerText()
        .catch(() => '?')}`,
    );
  }
  return problems;
}

function describe(detail: unknown): string {
  if (detail && typeof detail === 'object' && 'message' in detail) return String(detail.message);
  return JSON.stringify(detail);
}
