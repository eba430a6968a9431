import type { Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import type { E2EState, E2EWindow, GeneratorCall } from '../app/state';
import type { E2EBrowser } from './browser';
import { installMediaProbe, readMediaProbe, type MediaProbe } from './mediaProbe';

export type { E2EState };

/** The test app in one browser context, with every token the page sent to the LiveKit server. */
export interface AppPage {
  page: Page;
  /** JWTs the page sent to the LiveKit server (`access_token` of signal connections), with the local time sent. */
  sentTokens: { token: string; sentAt: number }[];
  state(): Promise<E2EState | null>;
  generatorCalls(): Promise<GeneratorCall[]>;
  start(): Promise<void>;
  end(): Promise<void>;
  /** Unmounts the provider (as leaving the screen would). */
  unmount(): Promise<void>;
  /** The page's camera/microphone tracks and peer connections. */
  media(): Promise<MediaProbe>;
  /** What the `<video>` of `identity`'s subscribed camera shows: its size and frames decoded so far (null: no such element). */
  remoteVideo(identity: string): Promise<{ width: number; height: number; frames: number } | null>;
}

/** Opens the app with `params` as its query string and waits for its first render; `prepare` runs on the page before it loads. */
export async function openApp(
  browser: E2EBrowser,
  params: Record<string, string> = {},
  prepare?: (page: Page) => Promise<unknown>,
): Promise<AppPage> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const sentTokens: AppPage['sentTokens'] = [];
  const record = (url: string) => {
    const token = new URL(url).searchParams.get('access_token');
    if (token && new URL(url).port === '7880') sentTokens.push({ token, sentAt: Date.now() });
  };
  page.on('websocket', (socket) => record(socket.url()));
  page.on('request', (request) => record(request.url()));
  await page.addInitScript(installMediaProbe);
  await prepare?.(page);
  await page.goto(`${inject('appUrl')}/?${new URLSearchParams(params)}`);
  await page.waitForFunction(() => (window as E2EWindow).__e2e !== undefined);
  return {
    page,
    sentTokens,
    state: () => page.evaluate(() => (window as E2EWindow).__e2e?.state ?? null),
    generatorCalls: () => page.evaluate(() => (window as E2EWindow).__e2e?.generatorCalls ?? []),
    start: () => page.getByTestId('start').click(),
    end: () => page.getByTestId('end').click(),
    unmount: () => page.getByTestId('unmount').click(),
    media: () => readMediaProbe(page),
    remoteVideo: (identity) =>
      page.evaluate((wanted) => {
        const video = [...document.querySelectorAll('video')].find((element) => element.dataset.identity === wanted);
        if (!video) return null;
        return { width: video.videoWidth, height: video.videoHeight, frames: video.getVideoPlaybackQuality().totalVideoFrames };
      }, identity),
  };
}

/** Asks the harness to act on the real parts: `livekit/stop` (SIGTERM), `livekit/kill` (SIGKILL, a crash), `livekit/start`. */
export async function harness(action: 'livekit/stop' | 'livekit/kill' | 'livekit/start'): Promise<void> {
  const response = await fetch(`${inject('appUrl')}/__e2e/${action}`, { method: 'POST', signal: AbortSignal.timeout(60_000) });
  if (response.status !== 204) throw new Error(`harness ${action} failed: ${response.status} ${await response.text()}`);
}

/**
 * The page's last join used a token from a generator call made after its first join's: a new
 * token. (Not compared by its bytes: one minted in the same second with the same claims is the same JWT.)
 */
export async function expectJoinedWithANewToken(app: AppPage) {
  const calls = await app.generatorCalls();
  const firstJoin = app.sentTokens[0]!.sentAt;
  const after = calls.filter((call) => call.calledAt > firstJoin && call.token !== undefined);
  expect(after.length).toBeGreaterThanOrEqual(1);
  expect(app.sentTokens.at(-1)!.token).toBe(after.at(-1)!.token);
}
/** The claims of a JWT, unverified. */
export function claims(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
}

/**
 * Polls the page until `done`, keeping every distinct error it showed on the way (a second error,
 * or a wrong one before the right one, shows there): `"code reason"` each.
 */
export async function watchUntil(app: AppPage, done: (state: E2EState) => boolean, timeout = 20_000) {
  const errors: string[] = [];
  let last: E2EState | null = null;
  await expect
    .poll(
      async () => {
        last = await app.state();
        const seen = last?.error ? `${last.error.code} ${last.error.reason ?? ''}`.trim() : null;
        if (seen && errors.at(-1) !== seen) errors.push(seen);
        return last !== null && done(last);
      },
      { timeout, interval: 50 },
    )
    .toBe(true);
  return { errors, state: last as unknown as E2EState };
}
