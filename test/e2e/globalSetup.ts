import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { hasServerBinary, serverBinary, startServer } from '../../scripts/livekit-server.mjs';
import { startAgentWorker } from './harness/agentWorker';
import { startAppServer } from './harness/appServer';
import { CHROMIUM_PATH } from './harness/browser';

const logDir = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));
const appDir = fileURLToPath(new URL('./app/', import.meta.url));
const packageDist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const AGENT_REGISTRATION_TIMEOUT_MS = 30_000;

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
  }
}

/**
 * Starts the real parts once for the whole run: the LiveKit server, the agent worker (waiting for
 * it to register), and the test app (built from `dist/`) with its token endpoint.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasServerBinary()) throw new Error(`No LiveKit server at ${serverBinary()}: run node scripts/livekit-server.mjs build`);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install chromium`);
  if (!existsSync(packageDist)) throw new Error('No package build in dist/: run npm run build');
  mkdirSync(logDir, { recursive: true });

  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  };
  try {
    let server = await startServer({ logFile: `${logDir}livekit-server.log` });
    cleanups.push(() => server.stop());

    const agent = startAgentWorker(`${logDir}agent-worker.log`);
    cleanups.push(() => agent.stop());
    await agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);

    await build({ configFile: `${appDir}vite.config.ts` });
    const app = await startAppServer(`${appDir}dist`, {
      'livekit/stop': () => server.stop(),
      // A crash: no goodbye to anyone, the sockets just die. `livekit/start` brings it back on the same ports.
      'livekit/kill': async () => {
        const child = server.process;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error('livekit-server outlived SIGKILL by 5 s')), 5_000))]);
      },
      'livekit/start': async () => {
        if (server.process.exitCode === null && server.process.signalCode === null) return;
        const registered = agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
        server = await startServer({ logFile: `${logDir}livekit-server-restarted.log` });
        await registered;
      },
    });
    cleanups.push(app.close);
    project.provide('appUrl', app.url);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
