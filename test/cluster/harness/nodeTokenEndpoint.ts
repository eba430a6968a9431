import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ServerEntry from '../../../src/server/index';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET } from '../../e2e/harness/livekit';
import { AGENT_NAME } from '../../e2e/harness/tokenEndpoint';

/** The package's own build of `livekit-custom-token-react/server` (types from its source). */
const serverEntry = fileURLToPath(new URL('../../../dist/server/index.js', import.meta.url));

/** How long a node's HTTP API may take to answer before the endpoint passes on to the next node. */
const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/**
 * A token endpoint that sends its clients to a node of the cluster: the package's
 * `createTokenHandler` with a node's URL as `serverUrl`, on its Node adapter, on 127.0.0.1 and a
 * free port, letting the test app's origin call it. Honours the requested room and identity.
 *
 * Given several nodes, it is an app's own node choice: each request gets the first of them whose
 * HTTP API answers (a handler per node, as an app holding one `createTokenHandler` per node would).
 */
export async function startNodeTokenEndpoint(
  serverUrls: string[],
  appOrigin: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { createTokenHandler, toNodeHandler } = (await import(pathToFileURL(serverEntry).href)) as typeof ServerEntry;
  const handlers = serverUrls.map((serverUrl) =>
    toNodeHandler(
      createTokenHandler({
        apiKey: LIVEKIT_API_KEY,
        apiSecret: LIVEKIT_API_SECRET,
        serverUrl,
        ttl: 600,
        agents: [AGENT_NAME],
        cors: { origin: appOrigin },
        authorize: () => ({ identity: 'cluster-user', allowRequestedIdentity: true }),
        onError: (error) => console.error('cluster token endpoint:', error),
      }),
    ),
  );
  const answers = (serverUrl: string) =>
    fetch(serverUrl.replace('ws:', 'http:'), { signal: AbortSignal.timeout(HEALTH_CHECK_TIMEOUT_MS) }).then(
      async (answer) => {
        await answer.body?.cancel();
        return true;
      },
      () => false,
    );
  // The last node is the fallback: it is not asked (nor is a single node).
  const last = serverUrls.length - 1;
  const route = async (...args: Parameters<(typeof handlers)[number]>) => {
    for (const [index, serverUrl] of serverUrls.entries())
      if (index === last || (await answers(serverUrl))) return handlers[index]!(...args);
  };
  const server = createServer((request, response) => void route(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
