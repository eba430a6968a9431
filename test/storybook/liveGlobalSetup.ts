import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/livekit-server.mjs';
import { startAgentWorker } from '../e2e/harness/agentWorker';
import { AGENT_REGISTRATION_TIMEOUT_MS } from '../e2e/harness/realParts';

const logDir = fileURLToPath(new URL('../../test-results/storybook-live/', import.meta.url));

/** The LiveKit server and the agent worker the Playground talks to, once for the run (run it under `flock /tmp/lk-ports.lock`). */
export default async function setup(): Promise<() => Promise<void>> {
  mkdirSync(logDir, { recursive: true });
  const server = await startServer({ logFile: `${logDir}livekit-server.log` });
  const agent = startAgentWorker(`${logDir}agent-worker.log`);
  try {
    await agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
  } catch (error) {
    await agent.stop();
    await server.stop();
    throw error;
  }
  return async () => {
    await agent.stop();
    await server.stop();
  };
}
