import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startServer } from '../../scripts/livekit-server.mjs';
import { startAppServer } from './harness/appServer';
import { AGENT_REGISTRATION_TIMEOUT_MS, startRealParts } from './harness/realParts';

const logDir = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));
const appDir = fileURLToPath(new URL('./app/', import.meta.url));

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
  const parts = await startRealParts(logDir);
  try {
    let { server } = parts;
    const { agent } = parts;
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
        await Promise.race([
          exited,
          new Promise((_, reject) => setTimeout(() => reject(new Error('livekit-server outlived SIGKILL by 5 s')), 5_000)),
        ]);
      },
      'livekit/start': async () => {
        if (server.process.exitCode === null && server.process.signalCode === null) return;
        const registered = agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
        server = await startServer({ logFile: `${logDir}livekit-server-restarted.log` });
        parts.onTeardown(() => server.stop());
        await registered;
      },
    });
    parts.onTeardown(app.close);
    project.provide('appUrl', app.url);
  } catch (error) {
    await parts.teardown();
    throw error;
  }
  return parts.teardown;
}
