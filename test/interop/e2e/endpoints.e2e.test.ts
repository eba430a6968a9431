import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { claims, openApp } from '../../e2e/harness/appPage';
import { launchChromium, type E2EBrowser } from '../../e2e/harness/browser';
import { AGENT_NAME } from '../../e2e/harness/tokenEndpoint';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** A busy machine can take many seconds to boot an agent job: generous, but bounded. */
const AGENT_TIMEOUT_MS = 45_000;

/** The agents a token dispatches, whichever case its SDK wrote the field in. */
function agentNames(token: string): string[] {
  const agents: Record<string, string>[] = claims(token).roomConfig?.agents ?? [];
  return agents.map((agent) => agent.agentName ?? agent.agent_name ?? '');
}

const endpoints = [
  { sdk: 'Go (server-sdk-go)', url: () => inject('goEndpoint') },
  { sdk: 'Python (livekit-api)', url: () => inject('pythonEndpoint') },
];

describe.each(endpoints)('the standard token endpoint written with LiveKit’s $sdk SDK', ({ url }) => {
  test('honours room_name, participant_identity, participant_name and room_config, and answers 201 with server_url and participant_token', async () => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        room_name: 'interop-direct',
        participant_identity: 'carol',
        participant_name: 'Carol',
        room_config: { agents: [{ agent_name: AGENT_NAME }] },
      }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { server_url: string; participant_token: string };
    expect(body.server_url).toBe('ws://127.0.0.1:7880');
    expect(claims(body.participant_token)).toMatchObject({
      sub: 'carol',
      name: 'Carol',
      video: { room: 'interop-direct', roomJoin: true },
    });
    expect(agentNames(body.participant_token)).toEqual([AGENT_NAME]);
  });

  test(
    'behind the provider’s tokenEndpoint in Chromium: connected as the identity asked for, and e2e-agent dispatched to listening',
    { timeout: 90_000 },
    async () => {
      const id = randomUUID().slice(0, 8);
      const app = await openApp(browser, {
        endpoint: url(),
        room: `interop-${id}`,
        identity: `user-${id}`,
        name: 'Interop User',
        agent: AGENT_NAME,
        agentTimeoutMs: String(AGENT_TIMEOUT_MS),
      });
      await app.start();

      await expect.poll(app.state, { timeout: AGENT_TIMEOUT_MS + 5_000 }).toMatchObject({
        connectionState: 'connected',
        token: { status: 'ready', identity: `user-${id}`, room: `interop-${id}` },
        agent: { state: 'listening' },
        error: null,
      });
      const sent = app.sentTokens[0]!.token;
      expect(claims(sent)).toMatchObject({ sub: `user-${id}`, name: 'Interop User', video: { room: `interop-${id}` } });
      expect(agentNames(sent)).toEqual([AGENT_NAME]);
    },
  );
});
