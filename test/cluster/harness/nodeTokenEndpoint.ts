import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ServerEntry from '../../../src/server/index';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET } from '../../e2e/harness/livekit';
import { AGENT_NAME } from '../../e2e/harness/tokenEndpoint';

/** The package's own build of `livekit-custom-token-react/server` (types from its source). */
const serverEntry = fileURLToPath(new URL('../../../dist/server/index.js', import.meta.url));

/**
 * A token endpoint that sends its clients to one node of the cluster: the package's
 * `createTokenHandler` with that node's URL as `serverUrl`, on its Node adapter, on 127.0.0.1 and
 * a free port, letting the test app's origin call it. Honours the requested room and identity.
 */
export async function startNodeTokenEndpoint(serverUrl: string, appOrigin: string): Promise<{ url: string; close: () => Promise<void> }> {
  const { createTokenHandler, toNodeHandler } = (await import(pathToFileURL(serverEntry).href)) as typeof ServerEntry;
  const handler = createTokenHandler({
    apiKey: LIVEKIT_API_KEY,
    apiSecret: LIVEKIT_API_SECRET,
    serverUrl,
    ttl: 600,
    agents: [AGENT_NAME],
    cors: { origin: appOrigin },
    authorize: () => ({ identity: 'cluster-user', allowRequestedIdentity: true }),
    onError: (error) => console.error('cluster token endpoint:', error),
  });
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
