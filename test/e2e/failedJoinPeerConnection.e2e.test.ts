import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/**
 * Found by `randomOrders.e2e.test.ts` (seed 1, sequence 4: offline, then `connect={true}`). With
 * livekit-client 2.23.0 a connect that fails before the server answered its join leaves an
 * `RTCPeerConnection` open for the life of the page: Chromium's join sends the publisher's offer
 * with the join request, so `RTCEngine.join` creates the peer connection before the signal
 * socket opens; when that socket fails, the engine is still marked closed (its constructor's
 * `_isClosed = true`, cleared only by a join response), so `RTCEngine.close()` returns at once
 * without `cleanupPeerConnections()`, and the next connect makes a new engine. The package holds
 * no reference to the engine's peer connections (`room.engine` is livekit-client's internal), so
 * this stays open until livekit-client closes it; it never connected, so it carries no media.
 * Skipped until livekit-client closes it (both fail on 2.23.0): unskip to check a newer one.
 * `randomOrders.e2e.test.ts` allows exactly these (open, never connected) and no others.
 */
describe('a connect that fails before the server answers', () => {
  const ways = {
    'offline (the page cannot reach the server)': { params: {}, offline: true, reason: 'ServerUnreachable' },
    'a token the server refuses (wrong secret)': { params: { secret: 'wrong' }, offline: false, reason: 'NotAllowed' },
  };

  for (const [way, { params, offline, reason }] of Object.entries(ways)) {
    // Upstream (livekit-client 2.23.0 `RTCEngine.close()` skips a join that got no answer): see above.
    test.skip(`${way}: the failed start's peer connection is closed`, async () => {
      const app = await openApp(browser, { room: `e2e-failed-join-${Date.now()}`, ...params });
      // The mount-time token first, so that the start fails at the join, not at the token.
      await expect.poll(async () => (await app.state())?.token.status).toBe('ready');
      if (offline) await app.page.context().setOffline(true);
      await app.start();
      await expect
        .poll(app.state, { timeout: 30_000 })
        .toMatchObject({ connectionState: 'disconnected', isStarting: false, error: { code: 'connection_failed', reason } });
      await app.page.context().setOffline(false);
      expect((await app.media()).peerConnections).toBe(1);
      await expect.poll(async () => (await app.media()).closedPeerConnections, { timeout: 5_000 }).toBe(1);
      await app.page.close();
    });
  }
});
