import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ServerEntry from '../../../src/server/index';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from './livekit';

/** The package's own build of `livekit-custom-token-react/server` (types from its source). */
const serverEntry = fileURLToPath(new URL('../../../dist/server/index.js', import.meta.url));

export const AGENT_NAME = 'e2e-agent';
/** Allowed by the endpoint, served by no worker. */
export const UNSERVED_AGENT_NAME = 'e2e-agent-nobody-serves';

type NodeHandler = ReturnType<typeof ServerEntry.toNodeHandler>;

/**
 * The token endpoint mounted beside the test app: the package's `createTokenHandler` on its Node
 * adapter. The query string picks a variant: `secret=wrong` signs with a secret the LiveKit
 * server does not know; `ttl=<seconds>` sets the token lifetime; `serverUrl=ws://127.0.0.1:<port>`
 * sends the page to another loopback address (a proxy in front of the server). A request without a room gets a
 * fresh one; the requested identity is honoured, else a fresh one is chosen.
 */
export async function createTokenEndpoint(): Promise<(url: URL) => NodeHandler> {
  const { createTokenHandler, toNodeHandler } = (await import(pathToFileURL(serverEntry).href)) as typeof ServerEntry;
  const variants = new Map<string, NodeHandler>();
  return (url) => {
    const secret = url.searchParams.get('secret') === 'wrong' ? 'not-the-server-secret' : LIVEKIT_API_SECRET;
    const ttl = Number(url.searchParams.get('ttl') ?? 600);
    const serverUrl = url.searchParams.get('serverUrl') ?? LIVEKIT_WS_URL;
    if (!serverUrl.startsWith('ws://127.0.0.1:')) throw new Error(`e2e token endpoint: serverUrl must be on loopback, got ${serverUrl}`);
    const key = `${secret}|${ttl}|${serverUrl}`;
    if (!variants.has(key)) {
      const handler = createTokenHandler({
        apiKey: LIVEKIT_API_KEY,
        apiSecret: secret,
        serverUrl,
        ttl,
        agents: [AGENT_NAME, UNSERVED_AGENT_NAME],
        authorize: () => ({ identity: `user-${randomUUID().slice(0, 8)}`, allowRequestedIdentity: true }),
        onError: (error) => console.error('token endpoint:', error),
      });
      variants.set(key, toNodeHandler(handler));
    }
    return variants.get(key)!;
  };
}
