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

/** The app in a new browser context, getting its tokens — and so its server URL — from node `node`'s endpoint (1 or 2), or from the one that routes to node 2 while it answers. */
async function openThroughNode(node: 1 | 2 | 'routing', params: Record<string, string>) {
  const endpoint = node === 'routing' ? inject('routingEndpoint') : inject('nodeEndpoints')[node - 1]!;
  // The server URL of every token the endpoint sent, in order (read as the page receives it).
  const served: string[] = [];
  const app = await openApp(browser, { endpoint, ...params }, (page) =>
    page.route(endpoint, async (route) => {
      const response = await route.fetch();
      if (route.request().method() === 'POST' && response.ok()) served.push(((await response.json()) as { server_url: string }).server_url);
      await route.fulfill({ response });
    }),
  );
  opened.push(app);
  const signals: { port: string; token: string | null }[] = [];
  app.page.on('websocket', (socket) => {
    const url = new URL(socket.url());
    signals.push({ port: url.port, token: url.searchParams.get('access_token') });
  });
  return Object.assign(app, { signalPorts: () => [...new Set(signals.map(({ port }) => port))], signals, served });
}

const portOf = (node: 1 | 2) => new URL(inject('nodeUrls')[node - 1]!).port;

/** Node `node`'s room service, through its own HTTP API. */
const roomService = (node: 1 | 2) =>
  new RoomServiceClient(inject('nodeUrls')[node - 1]!.replace('ws:', 'http:'), LIVEKIT_API_KEY, LIVEKIT_API_SECRET);

/** The participants node `node` lists in `room`. */
async function participantsOn(node: 1 | 2, room: string): Promise<string[]> {
  const participants = await roomService(node).listParticipants(room);
  return participants.map(({ identity }) => identity).sort();
}

/**
 * `app` shows `identity`'s camera: subscribed, and its `<video>` decoding more frames over time —
 * read twice, half a second apart, on whichever element shows it then. A count taken once and
 * compared later may be a frozen element's: after a rejoin the page showed the earlier camera's
 * (1,280 frames) until the new one's element replaced it, counting from zero.
 */
async function expectCameraPlaying(app: AppPage, identity: string) {
  const decoding = async () => {
    const before = (await app.remoteVideo(identity))?.frames;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = (await app.remoteVideo(identity))?.frames;
    return before !== undefined && after !== undefined && after > before;
  };
  await expect.poll(decoding, { timeout: 20_000 }).toBe(true);
}

/** Alice through node 1 and Bob through node 2 (`bobThrough`: or the endpoint that routes him there), both connected to `room`. */
async function pairAcrossNodes(room: string, bobThrough: 2 | 'routing' = 2) {
  const alice = await openThroughNode(1, { room, identity: 'alice' });
  const bob = await openThroughNode(bobThrough, { room, identity: 'bob' });
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

  // Runs last: it stops node 2 (the global teardown only reaps it). LiveKit hosts each room on one node and relays,
  // over Redis, the signalling of participants connected through another; a stopping node drains — it keeps serving
  // until no participant is left in the rooms it hosts — and only then closes. So the test pins one room on each
  // node, and checks both phases — and then what starting again does, with tokens from an endpoint that names node 2
  // while it answers and node 1 once it does not.
  test(
    'node 2 stopped mid-call (one SIGTERM): calls go on while it drains; once its own rooms are empty it closes, and a client relayed through it retries for about 45 s, then is disconnected with reason UNKNOWN_REASON; clients on node 1 stay connected; start() then connects through node 1 with a new token, and a token prefetched naming node 2 fails one start, after which restart() joins through node 1 with the agent',
    { timeout: 240_000 },
    async () => {
      const [onNode1, onNode2] = [1, 2].map((node) => `cluster-stop-on${node}-${randomUUID().slice(0, 8)}`) as [string, string];
      for (const [index, room] of [onNode1, onNode2].entries())
        await roomService(1).createRoom({ name: room, nodeId: inject('nodeIds')[index] });
      const relayed = await pairAcrossNodes(onNode1, 'routing'); // bob's signalling relayed through node 2 to node 1
      const hosted = await pairAcrossNodes(onNode2); // the room itself on node 2
      expect(relayed.bob.signalPorts()).toEqual([portOf(2)]);
      const everyone = [relayed.alice, relayed.bob, hosted.alice, hosted.bob];
      const before = await Promise.all(everyone.map(async (app) => (await app.state())!.connectionStates.length));
      const statesSince = async (app: (typeof everyone)[number]) =>
        (await app.state())!.connectionStates.slice(before[everyone.indexOf(app)]);
      // A page open but not started: its token, fetched ahead (`prefetch`), names node 2.
      const late = await openThroughNode('routing', {
        room: `cluster-late-${randomUUID().slice(0, 8)}`,
        identity: 'frank',
        agent: AGENT_NAME,
        agentTimeoutMs: String(AGENT_TIMEOUT_MS),
      });
      await expect.poll(async () => (await late.state())?.token.status).toBe('ready');
      expect(late.served).toEqual([inject('nodeUrls')[1]]);

      const response = await fetch(`${inject('appUrl')}/__e2e/node2/sigterm`, { method: 'POST' });
      expect(response.status).toBe(204);

      // Draining: every call goes on, through node 2 or hosted on it.
      await new Promise((resolve) => setTimeout(resolve, 6_000)); // past the node's first 5 s check of its participants
      for (const [app, peer] of [
        [relayed.alice, 'bob'],
        [relayed.bob, 'alice'],
        [hosted.alice, 'bob'],
        [hosted.bob, 'alice'],
      ] as const) {
        expect(await app.state()).toMatchObject({ connectionState: 'connected', error: null });
        await expectCameraPlaying(app, peer);
      }

      // The room on node 2 empties (its call ends), so node 2 closes — and with it the relay of bob's signalling.
      await Promise.all([hosted.alice.end(), hosted.bob.end()]);
      // livekit-client says so at once (the node waits out any room of the earlier tests it hosts: up to 20 s of departure grace),
      await expect.poll(async () => (await relayed.bob.state())?.connectionState, { timeout: 45_000 }).toBe('signalReconnecting');
      // retries the same URL on its default policy (10 attempts, about 45 s) and gives up: a typed, final state.
      await expect.poll(relayed.bob.state, { timeout: 90_000, interval: 500 }).toMatchObject({
        connectionState: 'disconnected',
        error: { code: 'disconnected', reason: 'UNKNOWN_REASON' },
      });
      expect(await statesSince(relayed.bob)).toEqual(['signalReconnecting', 'disconnected']);
      // Node 1 is unaffected: its client never left connected.
      expect(await relayed.alice.state()).toMatchObject({ connectionState: 'connected', error: null });
      expect(await statesSince(relayed.alice)).toEqual([]);

      // Starting again: a new token, which the endpoint now sends to node 1 — the client is told nothing else.
      const [firstJoin] = relayed.bob.signals;
      await relayed.bob.start();
      await expect.poll(relayed.bob.state).toMatchObject({ connectionState: 'connected', error: null });
      expect(relayed.bob.served).toEqual([inject('nodeUrls')[1], inject('nodeUrls')[0]]);
      expect(relayed.bob.signals.at(-1)!.port).toBe(portOf(1));
      expect(relayed.bob.signals.at(-1)!.token).not.toBe(firstJoin!.token);
      await expectCameraPlaying(relayed.bob, 'alice');
      await expectCameraPlaying(relayed.alice, 'bob');

      // The token fetched ahead still names node 2: the first start fails, typed, and fetches the next token at once,
      await late.start();
      await expect.poll(late.state, { timeout: 45_000 }).toMatchObject({
        connectionState: 'disconnected',
        error: { code: 'connection_failed', reason: 'ServerUnreachable' },
      });
      await expect.poll(() => late.served).toEqual([inject('nodeUrls')[1], inject('nodeUrls')[0]]);
      await expect.poll(async () => (await late.state())?.token.status).toBe('ready');
      // which names node 1: Try again (ErrorNotice's button calls restart()) joins there, and the agent comes.
      await late.page.getByTestId('restart').click();
      await expect.poll(late.state, { timeout: AGENT_TIMEOUT_MS + 5_000 }).toMatchObject({
        connectionState: 'connected',
        agent: { state: 'listening' },
        error: null,
      });
      expect(late.signals.at(-1)!.port).toBe(portOf(1));
    },
  );
});
