import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { HYDRATION_PROBLEM, logIn, openCallPage } from './harness/callPage';

const appUrl = inject('nextAppUrl');
const VISIBLE = { state: 'visible', timeout: 20_000 } as const;
/** A LiveKit token (a JWT), however the answer frames it. */
const TOKEN = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('the Next.js call page in Chromium, against the real LiveKit server and agent', () => {
  test('signed in: connects on the token minted during render (no token request before connecting), shows the local camera and the agent, and gets the next token from the route', async () => {
    const call = await openCallPage(browser);
    try {
      await logIn(call, appUrl, 'alice');
      const { page } = call;
      // The expiry countdown renders only after mount: the page is hydrated.
      await page.locator('.lk-ctr-token-status time').waitFor(VISIBLE);
      expect(call.problems).toEqual([]);

      await call.connectButton().click();
      const localVideo = page.locator('.lk-ctr-camera-tile[data-local] video');
      await localVideo.waitFor(VISIBLE);
      expect(call.tokenRouteCalls).toEqual([]);
      await expect.poll(() => localVideo.evaluate((video: HTMLVideoElement) => video.videoWidth)).toBeGreaterThan(0);
      await page.locator('.lk-ctr-agent-status[data-state="listening"]').waitFor({ ...VISIBLE, timeout: 30_000 });
      await expect.poll(() => page.locator('.lk-ctr-camera-tile').count()).toBe(2);
      expect(await call.connectButton().getAttribute('data-state')).toBe('connected');

      await call.connectButton().click();
      await page.locator('.lk-ctr-connect-button[data-state="disconnected"]').waitFor(VISIBLE);
      await expect.poll(() => call.tokenRouteCalls).toContainEqual({ method: 'POST', status: 201 });
      expect(call.tokenRouteCalls.every(({ status }) => status === 201 || status === null)).toBe(true);
      expect(call.problems.filter((problem) => HYDRATION_PROBLEM.test(problem))).toEqual([]);
    } finally {
      await call.close();
    }
  });

  test('back to the call page after a call (a client-side navigation away and the back button): the next call gets a room of its own, not the first call’s', async () => {
    const call = await openCallPage(browser);
    try {
      await logIn(call, appUrl, 'bert');
      const { page } = call;
      const tokenRoom = async () => (await page.locator('.lk-ctr-token-status').innerText()).match(/room-[0-9a-f-]+/)?.[0];
      await page.locator('.lk-ctr-token-status time').waitFor(VISIBLE);
      const firstRoom = await tokenRoom();
      expect(firstRoom).toBeDefined();
      await call.connectButton().click();
      await page.locator('.lk-ctr-agent-status[data-state="listening"]').waitFor({ ...VISIBLE, timeout: 30_000 });

      // Next's <Link> away while connected, then the browser's back button: the router restores the
      // page from its cache, the token minted with it included.
      await Promise.all([page.waitForURL(`${appUrl}/login`), page.getByRole('link', { name: 'Switch user' }).click()]);
      // Every token status the page brought back shows (the document stays: Next navigates in it).
      await page.evaluate(() => {
        const shown: string[] = [];
        Object.assign(window, { tokenStatusShown: shown });
        const record = () => {
          const view = document.querySelector('.lk-ctr-token-status');
          if (view) shown.push(`${view.getAttribute('data-status')}: ${view.textContent}`);
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      await page.goBack();
      await page.locator('.lk-ctr-connect-button[data-state="disconnected"]').waitFor(VISIBLE);
      await call.connectButton().click();
      await page.locator('.lk-ctr-connect-button[data-state="connected"]').waitFor(VISIBLE);
      await expect.poll(tokenRoom).toMatch(/^room-/);
      expect(await tokenRoom()).not.toBe(firstRoom);
      // The first call's token, which the page was rendered with, is never shown as the token in hand.
      const shown = await page.evaluate(() => (window as unknown as { tokenStatusShown: string[] }).tokenStatusShown);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.filter((status) => status.includes(firstRoom!))).toEqual([]);
    } finally {
      await call.close();
    }
  });

  test('a <Link> to the call page prefetches no token: the prefetch answers carry none and nothing of the signed-in page, while the visit’s answer, read the same way, carries the token the page renders', async () => {
    const call = await openCallPage(browser);
    try {
      await logIn(call, appUrl, 'pia');
      const { page } = call;
      // Every RSC answer for the call page (prefetches and the visit's), fetched through the test to read its body.
      const answers: { prefetch: boolean; body: string }[] = [];
      await page.route(
        (url) => url.origin === new URL(appUrl).origin && url.pathname === '/',
        async (route) => {
          const headers = route.request().headers();
          if (!('rsc' in headers)) return route.fallback();
          const response = await route.fetch();
          const prefetch = 'next-router-prefetch' in headers || 'next-router-segment-prefetch' in headers;
          answers.push({ prefetch, body: await response.text() });
          await route.fulfill({ response });
        },
      );
      const bodies = (prefetch: boolean) => answers.filter((answer) => answer.prefetch === prefetch).map(({ body }) => body);
      // A full load of the login page, whose "Back to the call" link is in view: Next prefetches it.
      await page.goto(`${appUrl}/login`);
      await expect.poll(() => bodies(true).length, { timeout: 20_000 }).toBeGreaterThan(0);
      await page.waitForLoadState('networkidle');
      for (const body of bodies(true)) {
        expect(body).not.toMatch(TOKEN);
        expect(body).not.toContain('Signed in as');
      }

      await Promise.all([page.waitForURL(`${appUrl}/`), page.getByRole('link', { name: 'Back to the call' }).click()]);
      await page.locator('.lk-ctr-token-status[data-status="ready"]').waitFor(VISIBLE);
      expect(call.tokenRouteCalls).toEqual([]);
      // The visit's answer is what a prefetch holding the page's data would carry: the same check
      // finds the token in it, so the prefetch's answers above would have shown one. (A token
      // minted in a layout above a loading.tsx is prefetched, and fails the check above.)
      expect(bodies(false).join('\n')).toMatch(TOKEN);
      expect(bodies(false).join('\n')).toContain('Signed in as pia.');
    } finally {
      await call.close();
    }
  });

  test('signed out: the route’s 401 shows as a typed error (code http, HTTP 401), not a crash', async () => {
    const call = await openCallPage(browser);
    try {
      const { page } = call;
      await page.goto(`${appUrl}/`);
      // No token came with the page: the provider asks the route on mount, which refuses.
      await page.locator('.lk-ctr-token-status[data-status="error"]').waitFor(VISIBLE);

      await call.connectButton().click();
      const notice = page.locator('.lk-ctr-error-notice[data-code="http"]');
      await notice.waitFor(VISIBLE);
      expect(await notice.locator('.lk-ctr-error-notice-message').textContent()).toMatch(/answered HTTP 401/);
      expect(await call.connectButton().getAttribute('data-state')).toBe('disconnected');
      expect(call.tokenRouteCalls.length).toBeGreaterThan(0);
      expect(call.tokenRouteCalls.every(({ method, status }) => method === 'POST' && status === 401)).toBe(true);
      // Besides the browser's note on each refused request and LiveKit's warning that its pre-warm
      // failed: no page error, no other console error, no hydration complaint.
      const unexpected = call.problems.filter((problem) => !/status of 401|prepareConnection failed: CustomTokenError/.test(problem));
      expect(unexpected).toEqual([]);
    } finally {
      await call.close();
    }
  });
});
