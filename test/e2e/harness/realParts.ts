import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { missingServerBinary, startServer } from '../../../scripts/livekit-server.mjs';
import { startAgentWorker } from './agentWorker';
import { chromiumPath } from './browser';

const packageDist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

/** How long the agent worker may take to register with the server. */
export const AGENT_REGISTRATION_TIMEOUT_MS = 30_000;

/** What a global setup has started, and how to stop it all (last started, first stopped). */
export interface RealParts {
  server: Awaited<ReturnType<typeof startServer>>;
  agent: ReturnType<typeof startAgentWorker>;
  /** Stops something started later with the rest. */
  onTeardown(cleanup: () => Promise<void>): void;
  teardown(): Promise<void>;
}

/**
 * The part every browser suite shares: checks the prerequisites (server binary, Chromium, a
 * package build), then starts the LiveKit server and the agent worker, logging into `logDir`.
 * The agent's registration is left to the caller to await (`agent.waitForRegistration`).
 */
export async function startRealParts(logDir: string): Promise<RealParts> {
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
    const server = await startServer({ logFile: `${logDir}livekit-server.log` });
    cleanups.push(() => server.stop());
    const agent = startAgentWorker(`${logDir}agent-worker.log`);
    cleanups.push(() => agent.stop());
    return { server, agent, onTeardown: (cleanup) => cleanups.push(cleanup), teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}
