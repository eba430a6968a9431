import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claims, openApp, type AppPage } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { AGENT_NAME } from './harness/tokenEndpoint';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** The agent's camera as `useCameraTracks` reports it (undefined: not there). */
const agentCamera = (app: AppPage) => async () => {
  const state = await app.state();
  return state?.cameraRefs.find(({ identity }) => identity === state.agent.identity);
};
/** The agent's camera is subscribed in `useCameraTracks`, and its `<video>` shows the agent's 320×240 frames, more over time. */
async function expectAgentCameraPlaying(app: AppPage) {
  await expect.poll(agentCamera(app)).toEqual(expect.objectContaining({ published: true, subscribed: true }));
  const agent = (await app.state())!.agent.identity!;
  await expect.poll(() => app.remoteVideo(agent)).toMatchObject({ width: 320, height: 240, frames: expect.any(Number) });
  const { frames } = (await app.remoteVideo(agent))!;
  await expect.poll(async () => (await app.remoteVideo(agent))?.frames).toBeGreaterThan(frames);
}
/** A busy machine can take many seconds to boot an agent job: generous, but bounded. */
const AGENT_TIMEOUT_MS = 45_000;
const agentParams = { agent: AGENT_NAME, freshRoom: '1', agentTimeoutMs: String(AGENT_TIMEOUT_MS) };
const untilAgentReady = { timeout: AGENT_TIMEOUT_MS + 5_000 };

describe('an agent dispatched by the token', () => {
  test(
    'joins, reaches listening in useAgentStatus, and its camera is subscribed in useCameraTracks and plays',
    { timeout: 90_000 },
    async () => {
      const app = await openApp(browser, { room: 'e2e-agent', ...agentParams });
      await app.start();

      await expect
        .poll(app.state, untilAgentReady)
        .toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
      await expectAgentCameraPlaying(app);
      expect(claims(app.sentTokens[0]!.token).roomConfig.agents[0].agentName).toBe(AGENT_NAME);
    },
  );

  test('end() then start() uses a fresh token and room, and the agent is dispatched again', { timeout: 150_000 }, async () => {
    const app = await openApp(browser, { room: 'e2e-agent-again', ...agentParams });
    await app.start();
    await expect.poll(app.state, untilAgentReady).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' } });
    const firstRoom = (await app.state())!.token.room;

    await app.end();
    await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected' });
    await app.start();

    await expect
      .poll(app.state, untilAgentReady)
      .toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
    await expectAgentCameraPlaying(app);
    const [first, second] = app.sentTokens.map(({ token }) => claims(token));
    expect(app.sentTokens).toHaveLength(2);
    expect(second!.video.room).not.toBe(first!.video.room);
    expect((await app.state())!.token.room).toBe(second!.video.room);
    expect(second!.video.room).not.toBe(firstRoom);
  });
});
