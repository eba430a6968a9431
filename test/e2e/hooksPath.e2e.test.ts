import { TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectJoinedWithANewToken, openApp, type AppPage } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { participantsIn, roomService } from './harness/roomService';
import { delayDeviceGrant } from './harness/slowDevice';
import { delayPeerConnected, peerConnected } from './harness/slowPeerConnection';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the hooks path: leaving while start() waits for the token', () => {
  test(
    'the call component unmounted while the page keeps the source: its token arrives, and nobody joins the room',
    { timeout: 60_000 },
    async () => {
      const room = `e2e-hooks-unmount-${Date.now()}`;
      const tokenDelayMs = 1_500;
      const app = await openApp(browser, { hooks: '1', room, identity: 'hooks-user', tokenDelayMs: String(tokenDelayMs) });
      // The start joins the mount's pre-warm call; the unmount comes while it is still waiting.
      await app.start();
      await app.unmount();
      await expect.poll(app.state).toMatchObject({ connectionState: 'unmounted' });

      // The call goes on for the page, which shows its token: LiveKit's start() got it too.
      await expect.poll(app.state, { timeout: tokenDelayMs + 5_000 }).toMatchObject({ token: { status: 'ready', room } });
      await sleep(2_000);
      expect(await participantsIn(room), 'nobody of ours in the room').toEqual([]);
      expect(app.sentTokens, 'no signal connection after the unmount').toEqual([]);
      expect(await app.generatorCalls()).toHaveLength(1);
      await app.page.close();
    },
  );
});

describe('the hooks path: removed by the server while still connecting', () => {
  test('the next start() joins the room again, with a new token', { timeout: 60_000 }, async () => {
    const room = `e2e-hooks-removed-connecting-${Date.now()}`;
    const identity = 'hooks-removed';
    // The page's peer connection is up (the server has joined the participant) 3 s before livekit-client hears of it.
    const app = await openApp(browser, { hooks: '1', room, identity }, (page) => page.addInitScript(delayPeerConnected, 3_000));
    try {
      await app.start();
      await peerConnected(app.page);
      expect(await app.state()).toMatchObject({ connectionState: 'connecting' });
      expect(await participantsIn(room)).toEqual([identity]);

      await roomService.removeParticipant(room, identity);
      await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected' });
      await expect.poll(() => participantsIn(room)).toEqual([]);

      await app.start();
      await expect.poll(() => participantsIn(room), { timeout: 10_000 }).toEqual([identity]);
      await expect.poll(app.state, { timeout: 10_000 }).toMatchObject({ connectionState: 'connected' });
      expect(app.sentTokens, 'a signal connection per start').toHaveLength(2);
      // The second with a token fetched after the removal (by the generator's log: one minted in the same second is the same JWT).
      await expectJoinedWithANewToken(app);
      await app.page.getByTestId('end').click();
      await expect.poll(() => participantsIn(room)).toEqual([]);
    } finally {
      await app.page.close();
    }
  });
});

describe('the hooks path: leaving at any moment of a start', () => {
  const identity = 'hooks-leaving';
  /** The promise: this long after leaving, nothing is left. */
  const withinMs = 2_000;
  const moments = {
    'the token fetch in flight': async (room: string) => {
      const app = await openApp(browser, { hooks: '1', room, identity, tokenDelayMs: '1500' });
      await app.start();
      return app;
    },
    // The tracks LiveKit's start() turns on before the token is in: livekit-client publishes them once connected.
    'the token fetch in flight and LiveKit’s microphone on': (room: string) => tracksOnBeforeTheToken(room, 'default'),
    'the token fetch in flight and the camera on': (room: string) => tracksOnBeforeTheToken(room, 'camera'),
    'the peer connection up and connect() pending': async (room: string) => {
      const app = await openApp(browser, { hooks: '1', room, identity }, (page) => page.addInitScript(delayPeerConnected, 3_000));
      await app.start();
      await peerConnected(app.page);
      return app;
    },
    'the room just connected': async (room: string) => {
      const app = await openApp(browser, { hooks: '1', room, identity });
      await app.start();
      await expect.poll(app.state, { interval: 20 }).toMatchObject({ connectionState: 'connected' });
      return app;
    },
  };
  async function tracksOnBeforeTheToken(room: string, hooksTracks: 'default' | 'camera') {
    const app = await openApp(browser, { hooks: '1', room, identity, tokenDelayMs: '4000', hooksTracks });
    await app.start();
    await expect.poll(async () => (await app.media()).liveTracks, { timeout: 3_000, interval: 50 }).toBe(1);
    expect(await app.state()).toMatchObject({ connectionState: 'disconnected' });
    return app;
  }
  const ways = { unmount: (app: AppPage) => app.unmount(), 'end()': (app: AppPage) => app.end() };

  for (const [moment, reach] of Object.entries(moments)) {
    for (const [way, leave] of Object.entries(ways)) {
      test(`${way} with ${moment}: within 2 s nobody of ours in the room, and no connect after`, { timeout: 60_000 }, async () => {
        const room = `e2e-hooks-leave-${Date.now()}`;
        const app = await reach(room);
        try {
          await leave(app);
          const sentAtLeave = app.sentTokens.length;
          const nothingLeft = async () => ({ liveTracks: (await app.media()).liveTracks, participants: await participantsIn(room) });
          await expect.poll(nothingLeft, { timeout: withinMs, interval: 100 }).toEqual({ liveTracks: 0, participants: [] });
          await sleep(withinMs);
          expect(await nothingLeft()).toEqual({ liveTracks: 0, participants: [] });
          expect(app.sentTokens.length, 'no signal connection after leaving').toBe(sentAtLeave);
        } finally {
          await app.page.close();
        }
      });
    }
  }
});

describe('the hooks path: left with LiveKit’s microphone on before the token, then joined again', () => {
  test('the next start() turns on a microphone of its own and publishes it', { timeout: 60_000 }, async () => {
    const room = `e2e-hooks-mic-rejoin-${Date.now()}`;
    const identity = 'hooks-mic-rejoin';
    const app = await openApp(browser, { hooks: '1', room, identity, tokenDelayMs: '2000', hooksTracks: 'default' });
    try {
      await app.start();
      await expect.poll(async () => (await app.media()).liveTracks, { timeout: 3_000, interval: 50 }).toBe(1);
      await app.end();
      await expect.poll(async () => (await app.media()).liveTracks, { timeout: 2_000, interval: 50 }).toBe(0);

      await app.start();
      await expect.poll(app.state, { timeout: 10_000 }).toMatchObject({ connectionState: 'connected' });
      const published = async () =>
        (await roomService.listParticipants(room)).flatMap(({ identity, tracks }) =>
          tracks.map(({ source, muted }) => ({ identity, source, muted })),
        );
      await expect.poll(published, { timeout: 10_000 }).toEqual([{ identity, source: TrackSource.MICROPHONE, muted: false }]);
      expect(await app.media(), 'two device requests, the second still capturing').toMatchObject({ tracks: 2, liveTracks: 1 });
      await app.end();
      await expect.poll(() => participantsIn(room), { timeout: 2_000, interval: 100 }).toEqual([]);
    } finally {
      await app.page.close();
    }
  });
});

describe('the hooks path: Join clicked twice, then Leave', () => {
  test('the second start(), held by LiveKit until the first session ended, joins nothing after end()', { timeout: 60_000 }, async () => {
    const room = `e2e-hooks-double-join-${Date.now()}`;
    const identity = 'hooks-double-join';
    // The first start's connect stays under way (peer connection up, livekit-client not told for 3 s) while Join is clicked again.
    const app = await openApp(browser, { hooks: '1', room, identity }, (page) => page.addInitScript(delayPeerConnected, 3_000));
    try {
      await app.start();
      await peerConnected(app.page);
      await app.start();
      await app.end();
      const sentAtLeave = app.sentTokens.length;
      await expect.poll(() => participantsIn(room), { timeout: 2_000, interval: 100 }).toEqual([]);
      await sleep(2_000);
      expect(await participantsIn(room), 'nobody of ours in the room').toEqual([]);
      expect(app.sentTokens.length, 'no signal connection after leaving').toBe(sentAtLeave);
      expect(await app.state()).toMatchObject({ connectionState: 'disconnected' });
    } finally {
      await app.page.close();
    }
  });
});

describe('the hooks path: Join clicked twice, then LiveKit’s <DisconnectButton>', () => {
  test(
    'the second start(), held by LiveKit until the first session ended, joins nothing; a start() after the leave joins',
    { timeout: 60_000 },
    async () => {
      const room = `e2e-hooks-double-join-leave-${Date.now()}`;
      const identity = 'hooks-double-join-leave';
      // The first start's connect stays under way (peer connection up, livekit-client not told for 3 s) while Join is clicked again.
      const app = await openApp(browser, { hooks: '1', room, identity }, (page) => page.addInitScript(delayPeerConnected, 3_000));
      try {
        await app.start();
        await peerConnected(app.page);
        await app.start();
        await app.page.getByTestId('leave-room').click();
        const sentAtLeave = app.sentTokens.length;
        await expect.poll(() => participantsIn(room), { timeout: 2_000, interval: 100 }).toEqual([]);
        await sleep(2_000);
        expect(await participantsIn(room), 'nobody of ours in the room').toEqual([]);
        expect(app.sentTokens.length, 'no signal connection after leaving').toBe(sentAtLeave);
        expect(await app.state()).toMatchObject({ connectionState: 'disconnected' });

        await app.start();
        await expect.poll(() => participantsIn(room), { timeout: 10_000 }).toEqual([identity]);
        await expect.poll(app.state, { timeout: 10_000 }).toMatchObject({ connectionState: 'connected' });
        await app.end();
        await expect.poll(() => participantsIn(room), { timeout: 2_000, interval: 100 }).toEqual([]);
      } finally {
        await app.page.close();
      }
    },
  );
});

describe('the hooks path: end() and start() again at once', () => {
  test('the new start() joins the room, and end() after it leaves nobody in the room', { timeout: 60_000 }, async () => {
    const room = `e2e-hooks-rejoin-${Date.now()}`;
    const identity = 'hooks-rejoin';
    const app = await openApp(browser, { hooks: '1', room, identity });
    try {
      await app.start();
      await expect.poll(app.state).toMatchObject({ connectionState: 'connected' });
      await app.page.evaluate(() => {
        const click = (id: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!.click();
        click('end');
        click('start');
      });
      await expect.poll(() => app.sentTokens.length).toBe(2);
      await expect.poll(app.state).toMatchObject({ connectionState: 'connected' });
      await expect.poll(() => participantsIn(room)).toEqual([identity]);
      await app.end();
      await expect.poll(() => participantsIn(room), { timeout: 2_000, interval: 100 }).toEqual([]);
    } finally {
      await app.page.close();
    }
  });
});

describe('the hooks path: a start that fails on its own with LiveKit’s tracks on before the token', () => {
  const identity = 'hooks-failed-start';
  const failures = {
    'the generator throwing': { generator: 'throws' },
    'a token the server refuses (wrong secret)': { secret: 'wrong' },
  };
  for (const [failure, params] of Object.entries(failures))
    for (const hooksTracks of ['default', 'camera'] as const)
      test(
        `${failure}, ${hooksTracks === 'default' ? 'LiveKit’s microphone' : 'the camera'} on: nothing capturing within 2 s`,
        { timeout: 60_000 },
        async () => {
          const room = `e2e-hooks-failed-${Date.now()}`;
          const app = await openApp(browser, { hooks: '1', room, identity, tokenDelayMs: '2000', hooksTracks, ...params });
          try {
            await app.start();
            await expect.poll(async () => (await app.media()).liveTracks, { timeout: 3_000, interval: 50 }).toBe(1);
            // The start has failed once its token failed, or the room it began to connect is disconnected again.
            const failed = async () => {
              const state = await app.state();
              return (
                state?.token.status === 'error' ||
                (state?.connectionStates.includes('connecting') && state.connectionState === 'disconnected')
              );
            };
            await expect.poll(failed, { timeout: 10_000, interval: 20 }).toBe(true);
            await expect.poll(async () => (await app.media()).liveTracks, { timeout: 2_000, interval: 50 }).toBe(0);
            expect(await participantsIn(room)).toEqual([]);
          } finally {
            await app.page.close();
          }
        },
      );
});

describe('the hooks path: a device the browser grants only after the start is over', () => {
  const identity = 'hooks-late-device';
  const grantDelayMs = 1_500;
  const overs = {
    'end()': { params: { tokenDelayMs: '4000' }, over: (app: AppPage) => app.end() },
    unmount: { params: { tokenDelayMs: '4000' }, over: (app: AppPage) => app.unmount() },
    'the generator throwing': { params: { tokenDelayMs: '300', generator: 'throws' }, over: async () => {} },
  };
  for (const [way, { params, over }] of Object.entries(overs))
    for (const hooksTracks of ['default', 'camera'] as const)
      test(
        `${hooksTracks === 'default' ? 'LiveKit’s microphone' : 'the camera'} granted after ${way}: stopped within 2 s of the grant`,
        { timeout: 60_000 },
        async () => {
          const room = `e2e-hooks-late-device-${Date.now()}`;
          const app = await openApp(browser, { hooks: '1', room, identity, hooksTracks, ...params }, (page) =>
            page.addInitScript(delayDeviceGrant, grantDelayMs),
          );
          try {
            await app.start();
            await over(app);
            await expect.poll(async () => (await app.media()).tracks, { timeout: grantDelayMs + 3_000, interval: 20 }).toBe(1);
            await expect.poll(async () => (await app.media()).liveTracks, { timeout: 2_000, interval: 50 }).toBe(0);
            expect(await participantsIn(room)).toEqual([]);
          } finally {
            await app.page.close();
          }
        },
      );
});

describe('the hooks path: a device granted after end(), with the next start() already asked', () => {
  test('that start() takes the device over: it joins and publishes it', { timeout: 60_000 }, async () => {
    const room = `e2e-hooks-late-device-next-${Date.now()}`;
    const identity = 'hooks-late-device-next';
    const app = await openApp(browser, { hooks: '1', room, identity, hooksTracks: 'default', tokenDelayMs: '2000' }, (page) =>
      page.addInitScript(delayDeviceGrant, 1_500),
    );
    try {
      await app.start();
      await app.end();
      await app.start();
      await expect.poll(app.state, { timeout: 10_000 }).toMatchObject({ connectionState: 'connected' });
      const published = async () =>
        (await roomService.listParticipants(room)).flatMap(({ identity, tracks }) =>
          tracks.map(({ source, muted }) => ({ identity, source, muted })),
        );
      await expect.poll(published, { timeout: 10_000 }).toEqual([{ identity, source: TrackSource.MICROPHONE, muted: false }]);
      expect(await app.media(), 'one device request, taken over by the second start(), capturing').toMatchObject({
        tracks: 1,
        liveTracks: 1,
      });
      await app.end();
      await expect.poll(async () => (await app.media()).liveTracks, { timeout: 2_000, interval: 50 }).toBe(0);
    } finally {
      await app.page.close();
    }
  });
});
