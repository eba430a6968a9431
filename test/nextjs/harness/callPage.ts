import type { Page } from 'playwright-core';
import type { E2EBrowser } from '../../e2e/harness/browser';

export const TOKEN_ROUTE = '/api/livekit-token';

/** A request the page made to the token route, and the answer's status once it came. */
export interface TokenRouteCall {
  method: string;
  status: number | null;
}

export interface CallPage {
  page: Page;
  /** Every request to the token route since the page opened, in order. */
  tokenRouteCalls: TokenRouteCall[];
  /** Console messages of type error or warning, and uncaught page errors. */
  problems: string[];
  connectButton(): ReturnType<Page['locator']>;
  close(): Promise<void>;
}

/** A fresh browser context (its own cookies) with the token route's traffic and the console recorded. */
export async function openCallPage(browser: E2EBrowser): Promise<CallPage> {
  const page = await browser.newPage();
  const tokenRouteCalls: TokenRouteCall[] = [];
  const problems: string[] = [];
  const pending = new Map<object, TokenRouteCall>();
  page.on('request', (request) => {
    if (new URL(request.url()).pathname !== TOKEN_ROUTE) return;
    const call = { method: request.method(), status: null };
    tokenRouteCalls.push(call);
    pending.set(request, call);
  });
  page.on('response', (response) => {
    const call = pending.get(response.request());
    if (call) call.status = response.status();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console.${message.type()}: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return {
    page,
    tokenRouteCalls,
    problems,
    connectButton: () => page.locator('.lk-ctr-connect-button'),
    close: () => page.context().close(),
  };
}

/** Logs in through the example's form, which sets the signed cookie and redirects to the call. */
export async function logIn(call: CallPage, appUrl: string, name: string): Promise<void> {
  await call.page.goto(`${appUrl}/login`);
  await call.page.getByLabel('Your name').fill(name);
  await Promise.all([call.page.waitForURL(`${appUrl}/`), call.page.getByRole('button', { name: 'Log in' }).click()]);
}

/** React's hydration complaints, in development wording or as production error codes. */
export const HYDRATION_PROBLEM = /hydrat|did not match|react\.dev\/errors\/(418|419|422|423|425)/i;
