import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claims, openApp, type AppPage } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { AGENT_NAME } from './harness/tokenEndpoint';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** Whether the agent's published camera is among the references of `useCameraTracks`. */
const agentCamera = (app: AppPage) => async () => {
  const state = await app.state();
  return state?.cameraRefs.some(({ identity, published }) => identity === state.agent.identity && published) ?? false;
};
/** A busy machine can take many seconds to boot an agent job: generous, but bounded. */
const AGENT_TIMEOUT_MS = 45_000;
const agentParams = { agent: AGENT_NAME, freshRoom: '1', agentTimeoutMs: String(AGENT_TIMEOUT_MS) };
const untilAgentReady = { timeout: AGENT_TIMEOUT_MS + 5_000 };

describe('an agent dispatched by the token', () => {
  test('joins, reaches listening in useAgentStatus and its camera appears in useCameraTracks', { timeout: 90_000 }, async () => {
    const app = await openApp(browser, { room: 'e2e-agent', ...agentParams });
    await app.start();

    await expect.poll(app.state, untilAgentReady).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
    await expect.poll(agentCamera(app)).toBe(true);
    expect(claims(app.sentTokens[0]!.token).roomConfig.agents[0].agentName).toBe(AGENT_NAME);
  });

  test('end() then start() uses a fresh token and room, and the agent is dispatched again', { timeout: 150_000 }, async () => {
    const app = await openApp(browser, { room: 'e2e-agent-again', ...agentParams });
    await app.start();
    await expect.poll(app.state, untilAgentReady).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' } });
    const firstRoom = (await app.state())!.token.room;

    await app.end();
    await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected' });
    await app.start();

    await expect.poll(app.state, untilAgentReady).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
    await expect.poll(agentCamera(app)).toBe(true);
    const [first, second] = app.sentTokens.map(({ token }) => claims(token));
    expect(app.sentTokens).toHaveLength(2);
    expect(second!.video.room).not.toBe(first!.video.room);
    expect((await app.state())!.token.room).toBe(second!.video.room);
    expect(second!.video.room).not.toBe(firstRoom);
  });
});
