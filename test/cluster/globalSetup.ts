import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { missingServerBinary, startServer, type RunningLiveKitServer } from '../../scripts/livekit-server.mjs';
import { startAgentWorker } from '../e2e/harness/agentWorker';
import { startAppServer } from '../e2e/harness/appServer';
import { chromiumPath } from '../e2e/harness/browser';
import { startNodeTokenEndpoint } from './harness/nodeTokenEndpoint';
import { startRedisServer } from '../../scripts/redis-server.mjs';

const logDir = fileURLToPath(new URL('../../test-results/cluster/', import.meta.url));
/** The worker registers in about 2 s on an idle machine; a shared, loaded one can take a minute. */
const AGENT_REGISTRATION_TIMEOUT_MS = 90_000;
const appDir = fileURLToPath(new URL('../e2e/app/', import.meta.url));
const packageDist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Node 1 keeps the single-node ports (7880–7882); node 2 listens ten above them. */
export const NODE_PORTS = [
  { port: 7880, rtcUdpPort: 7882 },
  { port: 7890, rtcUdpPort: 7892 },
] as const;

declare module 'vitest' {
  export interface ProvidedContext {
    /** `ws://` URL of each node, in order. */
    nodeUrls: string[];
    /** The token endpoint that sends its clients to each node, in order. */
    nodeEndpoints: string[];
    /** A token endpoint that sends its clients to node 2 while node 2 answers, else to node 1: an app's own node choice. */
    routingEndpoint: string;
    /** Each node's LiveKit node ID (`ND_…`), in order: a room can be created on a chosen node. */
    nodeIds: string[];
  }
}

/** A node's ID, from the line livekit-server logs when it starts (the ID is random per start). */
function nodeIdFrom(logFile: string): string {
  const id = /"nodeID": "(ND_\w+)"/.exec(readFileSync(logFile, 'utf8'))?.[1];
  if (!id) throw new Error(`No node ID in ${logFile}`);
  return id;
}

/**
 * Starts the cluster once: Redis, two LiveKit nodes sharing it, the agent worker registered on
 * node 1 only, the test app, a token endpoint per node, and one that picks node 2 while it answers. `POST /__e2e/node2/sigterm` (on the
 * app server) sends node 2 one SIGTERM, as an orchestrator stopping a node would.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const noServer = missingServerBinary();
  if (noServer) throw new Error(noServer);
  chromiumPath(); // throws, saying what to install, when there is none
  if (!existsSync(packageDist)) throw new Error('No package build in dist/: run npm run build');
  mkdirSync(logDir, { recursive: true });

  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  };
  try {
    const redis = await startRedisServer();
    cleanups.push(redis.stop);
    const nodes: RunningLiveKitServer[] = [];
    for (const [index, ports] of NODE_PORTS.entries()) {
      const node = await startServer({
        logFile: `${logDir}livekit-node${index + 1}.log`,
        node: { ...ports, redisAddress: `127.0.0.1:${redis.port}` },
      });
      cleanups.push(node.stop);
      nodes.push(node);
    }
    const agent = startAgentWorker(`${logDir}agent-worker.log`);
    cleanups.push(agent.stop);
    // The app builds while the agent registers.
    const registered = agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
    registered.catch(() => {});
    await build({ configFile: `${appDir}vite.config.ts` });
    await registered;
    const app = await startAppServer(`${appDir}dist`, {
      'node2/sigterm': async () => void nodes[1]!.process.kill('SIGTERM'),
    });
    cleanups.push(app.close);
    const endpoints = [];
    for (const node of nodes) {
      const endpoint = await startNodeTokenEndpoint([node.wsUrl], app.url);
      cleanups.push(endpoint.close);
      endpoints.push(endpoint.url);
    }
    const routing = await startNodeTokenEndpoint([nodes[1]!.wsUrl, nodes[0]!.wsUrl], app.url);
    cleanups.push(routing.close);
    project.provide('appUrl', app.url);
    project.provide(
      'nodeUrls',
      nodes.map(({ wsUrl }) => wsUrl),
    );
    project.provide('nodeEndpoints', endpoints);
    project.provide('routingEndpoint', routing.url);
    project.provide(
      'nodeIds',
      nodes.map(({ logFile }) => nodeIdFrom(logFile)),
    );
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
