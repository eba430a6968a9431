import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../src/server';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { handlerConfig } from '../server/handlerConfig';
import { listen, type Listening } from '../server/listen';
import { startRedisServer, type RedisServer } from './redisServer';

let redis: RedisServer;
let browser: E2EBrowser;
let endpoint: Listening;
let app: Listening;
let stranger: Listening;

/** A page that only serves itself: its origin is what the endpoint's CORS policy sees. */
const page = () => listen((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));

beforeAll(async () => {
  [redis, browser, app, stranger] = await Promise.all([startRedisServer(), launchChromium(), page(), page()]);
  const handler = createTokenHandler(
    handlerConfig({
      // The app's session cookie decides who the caller is, as with cookie-based auth.
      authorize: (request) => (request.headers.get('cookie')?.includes('session=alice') ? { identity: 'alice' } : null),
      cors: { origin: [app.origin], credentials: true },
      limits: { tokens: { limit: 1, windowSeconds: 60 } },
      limitStore: { redis: await redis.client(), keyPrefix: `cors:${randomUUID()}`, timeoutMs: 10_000 },
    }),
  );
  endpoint = await listen(toNodeHandler(handler));
});

afterAll(async () => {
  await Promise.all([browser?.close(), endpoint?.close(), app?.close(), stranger?.close()]);
  await redis?.stop();
});

/** Two credentialed token requests from a page at `origin`, as its own script would send them. */
async function twoRequestsFrom(origin: string) {
  const tab = await browser.newPage();
  await tab.context().addCookies([{ name: 'session', value: 'alice', url: endpoint.origin, sameSite: 'Lax' }]);
  await tab.goto(origin);
  return tab.evaluate(async (url) => {
    const send = async () => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        const body = (await response.json()) as { participant_token?: string; error?: { code: string } };
        return {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          token: Boolean(body.participant_token),
          code: body.error?.code,
        };
      } catch (error) {
        return { blocked: String(error) };
      }
    };
    return [await send(), await send()];
  }, `${endpoint.origin}/api/token`);
}

describe('limits and CORS in Chromium', () => {
  it('a listed origin gets its token with the cookie, then a 429 whose Retry-After its script can read', async () => {
    const [first, second] = await twoRequestsFrom(app.origin);
    expect(first).toEqual({ status: 201, retryAfter: null, token: true, code: undefined });
    expect(second).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number((second as { retryAfter: string }).retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('a page on any other origin cannot read the answer at all', async () => {
    const results = await twoRequestsFrom(stranger.origin);
    for (const result of results) expect(result).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
  });
});
