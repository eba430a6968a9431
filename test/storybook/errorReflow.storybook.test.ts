// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Room, setLogLevel } from 'livekit-client';
import { createElement, Fragment } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectButton, CustomTokenSessionProvider, ErrorNotice, TokenStatusView } from '../../src/index';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';

/**
 * A token error on a phone, or at 400 % zoom (WCAG 1.4.10, reflow at 320 CSS px): the call screen
 * of the README fails for real in jsdom (its token endpoint, on 127.0.0.1, answers 401), and the
 * page it renders is laid out in Chromium with the package's stylesheet.
 */
// A path, not a URL: under jsdom, `URL` is jsdom's, which Node's `fs` does not take.
const stylesheet = readFileSync(join(import.meta.dirname, '../../src/styles.css'), 'utf8');
// An endpoint on another host than the page, as an app's auth service often is: its URL is in the message.
const ENDPOINT_PATH = '/v1/realtime/livekit-token-for-support-calls?tenant=customer-success-emea';

let browser: E2EBrowser;
let endpoint: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  setLogLevel('silent');
  const server = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'Sign in to join the call.' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${ENDPOINT_PATH}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  browser = await launchChromium();
});

afterAll(async () => {
  cleanup();
  await browser?.close();
  await endpoint?.close();
});

describe('a token error at 320 CSS px', () => {
  it('wraps the message, the endpoint URL in it included, in the ErrorNotice and the token panel: nothing wider than the screen', async () => {
    render(
      createElement(
        CustomTokenSessionProvider,
        { tokenEndpoint: endpoint.url, roomName: 'support', room: new Room(), retries: 0, prefetch: false, microphone: false },
        createElement(
          Fragment,
          null,
          createElement(ErrorNotice, { action: createElement('a', { href: '/sign-in' }, 'Sign in') }),
          createElement(ConnectButton),
          createElement(TokenStatusView),
        ),
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByRole('alert', undefined, { timeout: 10_000 });
    expect(alert.textContent).toContain(ENDPOINT_PATH);

    const page = await browser.newPage();
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      await page.setContent(`<!doctype html><style>${stylesheet}</style><main>${document.body.innerHTML}</main>`);
      const overflowing = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.lk-ctr-error-notice-message, .lk-ctr-token-status-error')]
          .filter((message) => message.scrollWidth > message.clientWidth)
          .map((message) => `${message.className}: ${message.scrollWidth} px of ${message.clientWidth}`),
      );
      expect(await page.locator('.lk-ctr-token-status-error').count()).toBe(1);
      expect(overflowing).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    } finally {
      await page.context().close();
    }
  });
});
