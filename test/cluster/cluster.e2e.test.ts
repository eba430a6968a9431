import { randomUUID } from 'node:crypto';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { openApp, type AppPage } from '../e2e/harness/appPage';
import { launchChromium, type E2EBrowser } from '../e2e/harness/browser';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET } from '../e2e/harness/livekit';
import { AGENT_NAME } from '../e2e/harness/tokenEndpoint';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
/** Pages left playing video would slow the next test: each test closes what it opened. */
const opened: AppPage[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.page.context().close();
});

/** A busy machine can take many seconds to boot an agent job: generous, but bounded. */
const AGENT_TIMEOUT_MS = 45_000;

/** The app in a new browser context, getting its tokens — and so its server URL — from node `node`'s endpoint (1 or 2). */
async function openThroughNode(node: 1 | 2, params: Record<string, string>): Promise<AppPage & { signalPorts: () => string[] }> {
  const app = await openApp(browser, { endpoint: inject('nodeEndpoints')[node - 1]!, ...params });
  opened.push(app);
  const ports: string[] = [];
  app.page.on('websocket', (socket) => ports.push(new URL(socket.url()).port));
  return Object.assign(app, { signalPorts: () => [...new Set(ports)] });
}

const portOf = (node: 1 | 2) => new URL(inject('nodeUrls')[node - 1]!).port;

/** The participants node `node` lists in `room`, through its own HTTP API. */
async function participantsOn(node: 1 | 2, room: string): Promise<string[]> {
  const client = new RoomServiceClient(inject('nodeUrls')[node - 1]!.replace('ws:', 'http:'), LIVEKIT_API_KEY, LIVEKIT_API_SECRET);
  const participants = await client.listParticipants(room);
  return participants.map(({ identity }) => identity).sort();
}

/** `app` shows `identity`'s camera: subscribed, and its `<video>` decoding more frames over time. */
async function expectCameraPlaying(app: AppPage, identity: string) {
  await expect.poll(() => app.remoteVideo(identity)).toMatchObject({ frames: expect.any(Number) });
  const { frames } = (await app.remoteVideo(identity))!;
  await expect.poll(async () => (await app.remoteVideo(identity))?.frames).toBeGreaterThan(frames);
}

async function pairAcrossNodes(room: string) {
  const alice = await openThroughNode(1, { room, identity: 'alice' });
  const bob = await openThroughNode(2, { room, identity: 'bob' });
  await Promise.all([alice.start(), bob.start()]);
  await expect.poll(alice.state).toMatchObject({ connectionState: 'connected', error: null });
  await expect.poll(bob.state).toMatchObject({ connectionState: 'connected', error: null });
  return { alice, bob };
}

describe('two LiveKit nodes sharing one Redis', () => {
  test('two browsers connected through different nodes to one room see each other’s cameras', async () => {
    const room = `cluster-pair-${randomUUID().slice(0, 8)}`;
    const { alice, bob } = await pairAcrossNodes(room);

    expect(alice.signalPorts()).toEqual([portOf(1)]);
    expect(bob.signalPorts()).toEqual([portOf(2)]);
    await expectCameraPlaying(alice, 'bob');
    await expectCameraPlaying(bob, 'alice');
    // One room across the cluster: each node lists both participants.
    expect(await participantsOn(1, room)).toEqual(['alice', 'bob']);
    expect(await participantsOn(2, room)).toEqual(['alice', 'bob']);
  });

  test('the agent worker registered on node 1 is dispatched for a room joined through node 2, and reaches listening', async () => {
    const carol = await openThroughNode(2, {
      identity: 'carol',
      agent: AGENT_NAME,
      freshRoom: '1',
      agentTimeoutMs: String(AGENT_TIMEOUT_MS),
    });
    await carol.start();

    await expect.poll(carol.state, { timeout: AGENT_TIMEOUT_MS + 5_000 }).toMatchObject({
      connectionState: 'connected',
      agent: { state: 'listening' },
      error: null,
    });
    expect(carol.signalPorts()).toEqual([portOf(2)]);
    const { agent } = (await carol.state())!;
    await expectCameraPlaying(carol, agent.identity!);
  });

  // Runs last: it leaves node 2 draining (the global teardown stops it).
  test(
    'node 2 stopped mid-call (one SIGTERM): its client loses signalling, retries for about 45 s, then is disconnected with reason UNKNOWN_REASON; the client on node 1 stays connected',
    { timeout: 150_000 },
    async () => {
      const room = `cluster-stop-${randomUUID().slice(0, 8)}`;
      const { alice, bob } = await pairAcrossNodes(room);
      await expectCameraPlaying(alice, 'bob');
      const seenBefore = (await bob.state())!.connectionStates.length;
      const aliceSeenBefore = (await alice.state())!.connectionStates.length;

      const response = await fetch(`${inject('appUrl')}/__e2e/node2/sigterm`, { method: 'POST' });
      expect(response.status).toBe(204);
      // A draining node closes its signal listener but keeps its rooms running: the socket is gone, and livekit-client says so.
      await expect.poll(async () => (await bob.state())?.connectionState, { timeout: 30_000 }).toBe('signalReconnecting');
      // It retries the same URL on its default policy (10 attempts, about 45 s) and gives up: a typed, final state.
      await expect.poll(bob.state, { timeout: 90_000, interval: 500 }).toMatchObject({
        connectionState: 'disconnected',
        error: { code: 'disconnected', reason: 'UNKNOWN_REASON' },
      });
      expect((await bob.state())!.connectionStates.slice(seenBefore)).toEqual(['signalReconnecting', 'disconnected']);
      // Node 1 is unaffected: its client never left connected.
      expect(await alice.state()).toMatchObject({ connectionState: 'connected', error: null });
      expect((await alice.state())!.connectionStates.slice(aliceSeenBefore)).toEqual([]);
    },
  );
});
