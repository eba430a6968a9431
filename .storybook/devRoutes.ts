import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_HTTP_URL, LIVEKIT_WS_URL } from '../scripts/livekit-server.mjs';
import type * as ServerEntry from '../src/server/index.ts';

/** The agent the end-to-end worker serves (`test/e2e/agent/worker.mjs`): the one agent the dev endpoint dispatches. */
export const DEV_AGENT_NAME = 'e2e-agent';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * What the live stories need beside Storybook, by path: `POST /api/livekit-token` is the
 * package's `createTokenHandler` with the dev keys `devkey`/`secret` (anyone may join any room
 * under the identity they ask for — dev only), and `GET /api/livekit-status` tells the
 * Playground whether the local LiveKit server answers. Mounted on Storybook's dev server
 * (`tokenEndpointPlugin.ts`) and on the live test's static server.
 */
export function devRoutes({ createTokenHandler, toNodeHandler }: typeof ServerEntry): Record<string, NodeHandler> {
  const token = toNodeHandler(
    createTokenHandler({
      apiKey: LIVEKIT_API_KEY,
      apiSecret: LIVEKIT_API_SECRET,
      serverUrl: LIVEKIT_WS_URL,
      ttl: '10m',
      agents: [DEV_AGENT_NAME],
      authorize: () => ({ identity: `guest-${randomUUID().slice(0, 8)}`, allowRequestedIdentity: true }),
      onError: (error) => console.error('token endpoint:', error),
    }),
  );
  const status: NodeHandler = async (_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ livekit: await isLiveKitUp(), livekitUrl: LIVEKIT_WS_URL, agentName: DEV_AGENT_NAME }));
  };
  return { '/api/livekit-token': token, '/api/livekit-status': status };
}

async function isLiveKitUp(): Promise<boolean> {
  try {
    const response = await fetch(`${LIVEKIT_HTTP_URL}/`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}
