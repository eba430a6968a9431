import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp, type AppPage } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { heapUsedAfterGc } from './harness/mediaProbe';
import { participantsIn, roomService } from './harness/roomService';
import { delayPeerConnected, peerConnected } from './harness/slowPeerConnection';
import { startSlowSignal } from './harness/slowSignal';
import { AGENT_NAME } from './harness/tokenEndpoint';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** The tracks the LiveKit server has from anyone in `room`. */
const tracksIn = (room: string) =>
  roomService.listParticipants(room).then(
    (list) => list.flatMap(({ tracks }) => tracks),
    () => [],
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('leaving and rejoining an agent call quickly', () => {
  // Each start comes 1–15 s after the end before it, so every session starts within an earlier
  // one's agent timeout (20 s): LiveKit's shared timer used to fail the new session 0.3–1.7 s in.
  // Each call is held for a while, so a stale timeout would land inside a live session.
  const gapsMs = [1_000, 3_000, 8_000, 15_000, 1_000];
  const holdMs = 3_000;

  test('five end/start cycles, each reaching listening and staying there without an agent failure', { timeout: 200_000 }, async () => {
    const app = await openApp(browser, { room: 'e2e-rejoin', agent: AGENT_NAME, freshRoom: '1', agentTimeoutMs: '20000' });
    for (const [cycle, gapMs] of gapsMs.entries()) {
      await app.start();
      await expect
        .poll(app.state, { timeout: 20_000 })
        .toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
      await sleep(holdMs);
      expect(await app.state(), `cycle ${cycle + 1}, ${holdMs} ms into the call`).toMatchObject({
        connectionState: 'connected',
        error: null,
      });
      await app.end();
      await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected', error: null });
      expect((await app.state())!.agent.failureReasons, `cycle ${cycle + 1}`).toEqual([]);
      await sleep(gapMs);
    }
    expect(app.sentTokens).toHaveLength(gapsMs.length);
  });
});

describe('leaving before the agent is ready, with fresh rooms', () => {
  test(
    'end() as soon as the room is connected, then start(): the next session joins a new room and its agent reaches listening',
    { timeout: 90_000 },
    async () => {
      const app = await openApp(browser, { room: 'e2e-cancel', agent: AGENT_NAME, freshRoom: '1', agentTimeoutMs: '20000' });
      await app.start();
      await expect.poll(app.state, { timeout: 20_000, interval: 20 }).toMatchObject({ connectionState: 'connected' });
      await app.end();
      await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected', error: null });

      await app.start();
      await expect
        .poll(app.state, { timeout: 25_000 })
        .toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
      // The first room may still hold the first agent, or dispatch none to a second join: never joined again.
      const rooms = app.sentTokens.map(({ token }) => (decodeJwt(token) as { video?: { room?: string } }).video?.room);
      expect(rooms).toHaveLength(2);
      expect(rooms[1]).not.toBe(rooms[0]);
      await app.end();
    },
  );
});

describe('unmounting while connecting', () => {
  const delaysMs = [0, 25, 50, 100, 200, 400, 800, 1_200];
  const tries = 2;
  /** The promise: this long after unmounting, nothing is left. */
  const withinMs = 2_000;

  /** Opens the app on its own room, clicks start and unmounts the provider `delayMs` later (timed in the page); resolves at the unmount. The page's console lines go to `logs`. */
  async function unmountAfter(delayMs: number, room: string, logs: string[] = []): Promise<AppPage> {
    const app = await openApp(browser, { room });
    app.page.on('console', (message) => logs.push(message.text()));
    await app.page.evaluate(
      (delay) =>
        new Promise<void>((resolve) => {
          const click = (id: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!.click();
          click('start');
          setTimeout(() => resolve(click('unmount')), delay);
        }),
      delayMs,
    );
    return app;
  }

  /**
   * livekit-client's own log line when `disconnect()` aborts a `connect()` still pending. In one
   * run, 3 of 192 such tries left a participant on the server — never publishing — until its
   * departure timeout (about 20 s); not seen since, and not pinned down: the two moments where a
   * leave could be lost are held open and checked below (`leaving at the two moments…`).
   * LiveKit's own `useSession` aborts the same way on unmount.
   */
  const CONNECT_ABORTED = 'Abort connection attempt due to user initiated disconnect';
  /** Rooms where such an aborted connect left a participant behind, checked at the end of the sweep. */
  const abortedConnectLeftovers: string[] = [];

  /** One try: within 2 s of the unmount, no live track and nobody in the room; returns the peer connections left open. */
  async function tryOnce(delayMs: number, room: string): Promise<number> {
    const logs: string[] = [];
    const app = await unmountAfter(delayMs, room, logs);
    const nothingLeft = async () => ({ liveTracks: (await app.media()).liveTracks, participants: await participantsIn(room) });
    try {
      await expect.poll(nothingLeft, { timeout: withinMs, interval: 100 }).toEqual({ liveTracks: 0, participants: [] });
    } catch (error) {
      // Only a leave that aborted a pending connect may leave anyone, and then with nothing live and nothing published.
      if (!logs.some((line) => line.includes(CONNECT_ABORTED))) throw error;
      expect(await nothingLeft()).toMatchObject({ liveTracks: 0 });
      expect(await tracksIn(room)).toEqual([]);
      abortedConnectLeftovers.push(room);
    }
    const { peerConnections, closedPeerConnections } = await app.media();
    await app.page.close();
    return peerConnections - closedPeerConnections;
  }

  test(
    `within 2 s of unmounting, no camera captures and nobody of ours is in the room (delays ${delaysMs.join(', ')} ms, ${tries} tries each)`,
    { timeout: 120_000 },
    async () => {
      const rooms: string[] = [];
      const openPeerConnections: number[] = [];
      for (const delayMs of delaysMs) {
        const attempts = Array.from({ length: tries }, (_, attempt) => `e2e-unmount-${delayMs}-${attempt}-${Date.now()}`);
        rooms.push(...attempts);
        openPeerConnections.push(...(await Promise.all(attempts.map((room) => tryOnce(delayMs, room)))));
      }
      // A connect the abandoned start made late would show up here.
      await sleep(withinMs);
      for (const room of rooms.filter((room) => !abortedConnectLeftovers.includes(room))) {
        expect(await participantsIn(room), `late participants in ${room}`).toEqual([]);
      }
      // Such a participant is the server's to drop: gone by its departure timeout, having published nothing.
      for (const room of abortedConnectLeftovers) {
        await expect.poll(() => participantsIn(room), { timeout: 30_000, interval: 500 }).toEqual([]);
      }
      console.info(
        `unmount sweep: participants left past 2 s by a leave that aborted a pending connect: ${abortedConnectLeftovers.length}`,
      );
      // livekit-client can leave a peer connection open when `connect()` is interrupted (upstream:
      // one cut off before the server answered its join, `failedJoinPeerConnection.e2e.test.ts`):
      // reported, not asserted — the package cannot reach it.
      console.info(`unmount sweep: peer connections left open per try: ${openPeerConnections.join(' ')}`);
    },
  );
});

describe('leaving at the two moments of a connect where the server has us and the page does not know yet', () => {
  // The unmount sweep lands on these moments by chance; here each is held open long enough to
  // leave inside it. (An end() there lets the connect finish, then leaves: within the 2 s too.) First: the server has joined the participant and answered the signal
  // WebSocket's upgrade, and the page's socket is still opening (a proxy holds the answer back).
  // Second: the peer connection is up on both ends and livekit-client's `connect()` is still
  // pending (the page hears of the connection late).
  const holdMs = 600;
  const withinMs = 2_000;
  const moments = {
    'the signal socket still opening': async (room: string) => {
      const signal = await startSlowSignal(holdMs);
      const app = await openApp(browser, { room, serverUrl: signal.url });
      await app.start();
      await signal.answered();
      return { app, close: signal.close };
    },
    'the peer connection up and connect() pending': async (room: string) => {
      const app = await openApp(browser, { room }, (page) => page.addInitScript(delayPeerConnected, holdMs));
      await app.start();
      await peerConnected(app.page);
      return { app, close: async () => {} };
    },
  };
  const ways = { unmount: (app: AppPage) => app.unmount(), 'end()': (app: AppPage) => app.end() };

  for (const [moment, reach] of Object.entries(moments)) {
    for (const [way, leave] of Object.entries(ways)) {
      test(`${way} with ${moment}: nothing capturing and nobody of ours in the room within 2 s`, { timeout: 60_000 }, async () => {
        const room = `e2e-leave-mid-connect-${Date.now()}`;
        const { app, close } = await reach(room);
        try {
          expect(await app.state()).toMatchObject({ connectionState: 'connecting' });
          expect(await participantsIn(room)).toHaveLength(1);
          await leave(app);
          const nothingLeft = async () => ({ liveTracks: (await app.media()).liveTracks, participants: await participantsIn(room) });
          await expect.poll(nothingLeft, { timeout: withinMs, interval: 100 }).toEqual({ liveTracks: 0, participants: [] });
          // And no connect comes later.
          await sleep(withinMs);
          expect(await nothingLeft()).toEqual({ liveTracks: 0, participants: [] });
        } finally {
          await app.page.close();
          await close();
        }
      });
    }
  }
});

describe('end() again while the previous end() is still disconnecting', () => {
  /** Connected, then `end()`, `start()` `startAfterMs` later and `end()` `endAfterMs` after that (timed in the page). */
  const tries = [
    { startAfterMs: 0, endAfterMs: 0 },
    { startAfterMs: 1, endAfterMs: 5 },
    { startAfterMs: 3, endAfterMs: 10 },
    { startAfterMs: 5, endAfterMs: 20 },
    { startAfterMs: 0, endAfterMs: 15 },
  ];
  const withinMs = 2_000;

  test(
    `within 2 s of the last end(), no camera captures and nobody of ours is in the room (${tries.length} tries)`,
    { timeout: 120_000 },
    async () => {
      for (const [index, { startAfterMs, endAfterMs }] of tries.entries()) {
        const room = `e2e-end-start-end-${index}-${Date.now()}`;
        const app = await openApp(browser, { room, identity: 'leaver' });
        await app.start();
        // The start has finished: the camera is published (so the first end() has it to unpublish).
        await expect
          .poll(app.state)
          .toMatchObject({ connectionState: 'connected', cameras: [{ identity: 'leaver', isLocal: true }], error: null });
        await sleep(200);
        await app.page.evaluate(
          ([startAfter, endAfter]) =>
            new Promise<void>((resolve) => {
              const click = (id: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!.click();
              click('end');
              setTimeout(() => {
                click('start');
                setTimeout(() => resolve(click('end')), endAfter);
              }, startAfter);
            }),
          [startAfterMs, endAfterMs] as const,
        );
        const nothingLeft = async () => ({ liveTracks: (await app.media()).liveTracks, participants: await participantsIn(room) });
        const label = `try ${index + 1}: end, start ${startAfterMs} ms later, end ${endAfterMs} ms after that`;
        await expect.poll(nothingLeft, { message: label, timeout: withinMs, interval: 100 }).toEqual({ liveTracks: 0, participants: [] });
        // And it stays so: no start behind the last end() reconnects later.
        await sleep(withinMs);
        expect(await nothingLeft(), label).toEqual({ liveTracks: 0, participants: [] });
        expect(await app.state(), label).toMatchObject({ connectionState: 'disconnected', error: null });
        await app.page.close();
      }
    },
  );
});

describe('restart() clicked twice while connected', () => {
  // A double click on a "move the call" button: the second restart's end() lands while the first
  // one's start() is connecting. livekit-client, cut off mid-connect, went on unwinding that
  // connect beside the next one on the same room: "PC manager is closed", the page disconnected,
  // and the next connect's participant left on the server.
  const gapsMs = [40, 80, 40, 80, 40, 80];

  test(
    `ends connected: one participant of ours, publishing, and no error (${gapsMs.length} tries, 40–80 ms apart)`,
    { timeout: 180_000 },
    async () => {
      for (const [index, gapMs] of gapsMs.entries()) {
        const room = `e2e-restart-twice-${index}-${Date.now()}`;
        const app = await openApp(browser, { room, identity: 'mover' });
        await app.start();
        await expect
          .poll(app.state)
          .toMatchObject({ connectionState: 'connected', cameras: [{ identity: 'mover', isLocal: true }], error: null });
        await app.page.evaluate(
          (gap) =>
            new Promise<void>((resolve) => {
              const click = () => document.querySelector<HTMLButtonElement>('[data-testid="restart"]')!.click();
              click();
              setTimeout(() => resolve(click()), gap);
            }),
          gapMs,
        );
        const label = `try ${index + 1}: restart, restart ${gapMs} ms later`;
        const settled = async () => ({
          state: (await app.state())?.connectionState,
          error: (await app.state())?.error ?? null,
          liveTracks: (await app.media()).liveTracks,
          server: (await roomService.listParticipants(room).catch(() => [])).map(({ identity, tracks }) => `${identity}:${tracks.length}`),
        });
        const expected = { state: 'connected', error: null, liveTracks: 1, server: ['mover:1'] };
        await expect.poll(settled, { message: label, timeout: 15_000, interval: 250 }).toEqual(expected);
        await sleep(2_000);
        expect(await settled(), label).toEqual(expected);
        await app.page.close();
      }
    },
  );
});

describe('a long-lived page', () => {
  const cycles = 20;

  test(
    `${cycles} connect/end cycles: every peer connection closed, no camera left on, heap flat, one token per cycle`,
    { timeout: 150_000 },
    async () => {
      const app = await openApp(browser, { room: 'e2e-soak', identity: 'soak' });
      let heapAtCycle5 = 0;
      for (let cycle = 1; cycle <= cycles; cycle += 1) {
        await app.start();
        await expect
          .poll(app.state)
          .toMatchObject({ connectionState: 'connected', cameras: [{ identity: 'soak', isLocal: true }], error: null });
        await app.end();
        await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected', error: null });
        if (cycle === 5) heapAtCycle5 = await heapUsedAfterGc(app.page);
      }
      // Peer connections close a moment after `disconnected` is shown.
      await expect.poll(async () => (await app.media()).closedPeerConnections).toBe((await app.media()).peerConnections);
      const media = await app.media();
      const heapGrowth = (await heapUsedAfterGc(app.page)) - heapAtCycle5;
      const generatorCalls = (await app.generatorCalls()).length;
      console.info(
        `soak: ${media.peerConnections} peer connections created, ${media.closedPeerConnections} closed; heap growth cycle 5 → ${cycles}: ${(heapGrowth / 1024).toFixed(0)} KiB; ${generatorCalls} generator calls`,
      );

      expect(media.peerConnections).toBeGreaterThanOrEqual(cycles);
      expect(media.liveTracks).toBe(0);
      expect(media.tracks).toBe(cycles);
      expect(heapGrowth).toBeLessThan(2 * 1024 * 1024);
      // One per session, plus the token ready for the session that never came.
      expect(generatorCalls).toBeGreaterThanOrEqual(cycles);
      expect(generatorCalls).toBeLessThanOrEqual(cycles + 2);
    },
  );
});
