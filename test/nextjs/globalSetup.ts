import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { hasServerBinary, serverBinary, startServer } from '../../scripts/livekit-server.mjs';
import { startAgentWorker } from '../e2e/harness/agentWorker';
import { CHROMIUM_PATH } from '../e2e/harness/browser';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from '../e2e/harness/livekit';
import { nextBuild, nextStart } from './harness/next';
import { exampleDir, prepareExample } from './prepare.mjs';

const logDir = fileURLToPath(new URL('../../test-results/nextjs/', import.meta.url));
const packageDist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const AGENT_REGISTRATION_TIMEOUT_MS = 30_000;

declare module 'vitest' {
  export interface ProvidedContext {
    nextAppUrl: string;
    nextBuildOutput: string;
    exampleDir: string;
    logDir: string;
  }
}

/**
 * Starts the real parts once — the LiveKit server and the e2e agent (first, so a busy port fails
 * fast) — installs the example from the packed package, builds it with `next build`, waits for
 * the agent to register and runs `next start`.
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
    const server = await startServer({ logFile: `${logDir}livekit-server.log` });
    cleanups.push(() => server.stop());
    const agent = startAgentWorker(`${logDir}agent-worker.log`);
    cleanups.push(() => agent.stop());
    const registered = agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
    registered.catch(() => {}); // awaited after the build; until then a failure must not go unhandled

    prepareExample({ build: false });
    const build = await nextBuild(exampleDir, `${logDir}next-build.log`);
    if (build.exitCode !== 0) throw new Error(`next build of examples/nextjs failed (exit ${build.exitCode}):\n${build.output.slice(-4_000)}`);
    console.log(`next build of examples/nextjs: ${build.seconds.toFixed(0)} s`);
    await registered;

    const app = await nextStart(exampleDir, `${logDir}next-start.log`, {
      LIVEKIT_URL: LIVEKIT_WS_URL,
      LIVEKIT_API_KEY,
      LIVEKIT_API_SECRET,
      DEMO_SESSION_SECRET: randomBytes(32).toString('hex'),
    });
    cleanups.push(app.stop);
    project.provide('nextAppUrl', app.url);
    project.provide('nextBuildOutput', build.output);
    project.provide('exampleDir', exampleDir);
    project.provide('logDir', logDir);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
