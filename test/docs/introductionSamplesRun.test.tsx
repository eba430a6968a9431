import { render, screen, waitFor } from '@testing-library/react';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTokenPayload, setLogLevel } from 'livekit-client';
import * as React from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { toNodeHandler } from '../../src/server';
import { servePageOrigin } from '../helpers/pageOrigin';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';

setLogLevel('silent');

/**
 * Storybook's Introduction (`stories/Introduction.mdx`) shows four samples; `check-doc-samples`
 * typechecks them. Here they run as written — read from the page itself — but for what their
 * `declare`s stand for (your auth, your user lookup), given as globals, and the package's imports,
 * pointed at its source. Sample 4's components are not exported: it is left to the typecheck.
 */
const root = join(import.meta.dirname, '../..');
const samples = [...readFileSync(join(root, 'stories/Introduction.mdx'), 'utf8').matchAll(/```(tsx?)\n([\s\S]*?)```/g)];
// In the repository (git-ignored `.cache/`), so that a sample's JSX finds React's runtime, and outside
// node_modules, so that Vitest transforms it as the project's own code (the React 18 run's alias too).
const dir = join(root, '.cache/introduction-samples');

/** Sample `index` (from 0) of the page, imported. */
async function load<T>(index: number): Promise<T> {
  const [, extension, code] = samples[index]!;
  const source = code!
    .replaceAll("'livekit-custom-token-react/server'", JSON.stringify(join(root, 'src/server/index.ts')))
    .replaceAll("'livekit-custom-token-react/styles.css'", JSON.stringify(join(root, 'src/styles.css')))
    .replaceAll("'livekit-custom-token-react'", JSON.stringify(join(root, 'src/index.ts')));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `sample-${index + 1}.${extension}`);
  writeFileSync(file, source);
  return (await import(/* @vite-ignore */ file)) as T;
}

type Route = { POST: (request: Request) => Promise<Response> };
const users: Record<string, { id: string; displayName: string }> = { 'id-token-of-ada': { id: 'ada', displayName: 'Ada' } };

beforeEach(() => {
  vi.stubEnv('LIVEKIT_API_KEY', API_KEY);
  vi.stubEnv('LIVEKIT_API_SECRET', API_SECRET);
  vi.stubEnv('LIVEKIT_URL', SERVER_URL);
  // Sample 3's `getUser`: the bearer token of samples 1 and 2.
  vi.stubGlobal('getUser', async (request: Request) => users[request.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''] ?? null);
  // Samples 1 and 2's `auth`.
  vi.stubGlobal('auth', { currentUser: { getIdToken: async () => 'id-token-of-ada' } });
});

const ask = (POST: Route['POST'], body: object, authorization?: string) =>
  POST(
    new Request('http://localhost/api/livekit-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    }),
  );

describe("Storybook's Introduction samples, run", () => {
  it('3. the route mints for the signed-in user the rooms and the agent it allows, and refuses the others', async () => {
    const { POST } = await load<Route>(2);
    const granted = await ask(POST, { room_name: 'standup' }, 'Bearer id-token-of-ada');
    expect(granted.status, await granted.clone().text()).toBe(201);
    const { participant_token: token, server_url: serverUrl } = (await granted.json()) as { participant_token: string; server_url: string };
    expect(serverUrl).toBe(SERVER_URL);
    expect(decodeTokenPayload(token)).toMatchObject({ sub: 'ada', name: 'Ada', video: { room: 'standup' } });

    expect((await ask(POST, { room_name: 'standup' })).status).toBe(401);
    expect((await ask(POST, { room_name: 'desk-bob' }, 'Bearer id-token-of-ada')).status).toBe(403);
    const agent = { agents: [{ agent_name: 'another-agent' }] };
    expect((await ask(POST, { room_name: 'support-1a2b', room_config: agent }, 'Bearer id-token-of-ada')).status).toBe(403);
  });

  it.each([
    [1, 'Call', { room: 'standup', agent: undefined }],
    [2, 'SupportCall', { room: expect.stringMatching(/^support-[a-z0-9]+$/), agent: 'support-agent' }],
  ] as const)(
    '%i. %s gets its token from the route of 3 with the user’s ID token, on mount',
    async (sample, name, expected) => {
      const { POST } = await load<Route>(2);
      const tokens: string[] = [];
      await servePageOrigin({
        '/api/livekit-token': toNodeHandler(async (request) => {
          const response = await POST(request);
          if (response.ok) tokens.push(((await response.clone().json()) as { participant_token: string }).participant_token);
          return response;
        }),
      });
      const Sample = (await load<Record<string, React.ComponentType>>(sample - 1))[name]!;
      render(
        <React.StrictMode>
          <Sample />
        </React.StrictMode>,
      );
      expect(await screen.findByRole('button', { name: 'Connect' })).toBeTruthy();
      await waitFor(() => expect(tokens).toHaveLength(1), { timeout: 10_000 });
      const claims = decodeTokenPayload(tokens[0]!);
      expect(claims).toMatchObject({ sub: 'ada', video: { room: expected.room } });
      expect(claims.roomConfig?.agents?.map((agent) => agent.agentName)).toEqual(expected.agent ? [expected.agent] : undefined);
    },
    20_000,
  );
});
