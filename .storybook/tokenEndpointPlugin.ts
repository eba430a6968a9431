import type { Plugin, ViteDevServer } from 'vite';
import { randomUUID } from 'node:crypto';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_HTTP_URL, LIVEKIT_WS_URL } from '../scripts/livekit-server.mjs';
import type * as ServerEntry from '../src/server/index.ts';

/** The agent the end-to-end worker serves (`test/e2e/agent/worker.mjs`): the one agent the dev endpoint dispatches. */
export const DEV_AGENT_NAME = 'e2e-agent';

type NodeHandler = ReturnType<typeof ServerEntry.toNodeHandler>;

/**
 * Mounts the package's real token endpoint on Storybook's Vite dev server (never in the static
 * build): `POST /api/livekit-token` is `createTokenHandler` from `src/server` with the dev keys
 * `devkey`/`secret`, and `GET /api/livekit-status` tells the live stories whether the local
 * LiveKit server answers. Anyone may join any room under the identity they ask for — dev only.
 */
export function tokenEndpointPlugin(): Plugin {
  return {
    name: 'livekit-custom-token-react:token-endpoint',
    apply: 'serve',
    configureServer(server) {
      const tokenHandler = lazyTokenHandler(server);
      server.middlewares.use('/api/livekit-token', (req, res) => void tokenHandler().then((handle) => handle(req, res)));
      server.middlewares.use('/api/livekit-status', (_req, res) => {
        void isLiveKitUp().then((livekit) => {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ livekit, livekitUrl: LIVEKIT_WS_URL, agentName: DEV_AGENT_NAME }));
        });
      });
    },
  };
}

/** The handler, loaded from source through Vite on first use (so the TypeScript needs no build). */
function lazyTokenHandler(server: ViteDevServer): () => Promise<NodeHandler> {
  let handler: Promise<NodeHandler> | undefined;
  return () =>
    (handler ??= (server.ssrLoadModule('/src/server/index.ts') as Promise<typeof ServerEntry>).then(({ createTokenHandler, toNodeHandler }) =>
      toNodeHandler(
        createTokenHandler({
          apiKey: LIVEKIT_API_KEY,
          apiSecret: LIVEKIT_API_SECRET,
          serverUrl: LIVEKIT_WS_URL,
          ttl: '10m',
          agents: [DEV_AGENT_NAME],
          authorize: () => ({ identity: `guest-${randomUUID().slice(0, 8)}`, allowRequestedIdentity: true }),
          onError: (error) => console.error('token endpoint:', error),
        }),
      ),
    ));
}

async function isLiveKitUp(): Promise<boolean> {
  try {
    const response = await fetch(`${LIVEKIT_HTTP_URL}/`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}
