import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { AGENT_REGISTRATION_TIMEOUT_MS, startRealParts } from '../e2e/harness/realParts';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from '../e2e/harness/livekit';
import { nextBuild, nextStart } from './harness/next';
import { exampleDir, prepareExample } from './prepare.mjs';

const logDir = fileURLToPath(new URL('../../test-results/nextjs/', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    nextAppUrl: string;
    nextBuildOutput: string;
    exampleDir: string;
    logDir: string;
  }
}

/**
 * Installs the example from the packed package, then starts the real parts once — the LiveKit
 * server and the e2e agent — builds the example with `next build` while the agent registers,
 * and runs `next start`. (The install blocks the event loop, up to a minute on a cold machine:
 * it runs before the agent is there to be waited for.)
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  prepareExample({ build: false });
  const parts = await startRealParts(logDir);
  try {
    const registered = parts.agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
    registered.catch(() => {}); // awaited after the build; until then a failure must not go unhandled

    const build = await nextBuild(exampleDir, `${logDir}next-build.log`);
    if (build.exitCode !== 0)
      throw new Error(`next build of examples/nextjs failed (exit ${build.exitCode}):\n${build.output.slice(-4_000)}`);
    console.log(`next build of examples/nextjs: ${build.seconds.toFixed(0)} s`);
    await registered;

    const app = await nextStart(exampleDir, `${logDir}next-start.log`, {
      LIVEKIT_URL: LIVEKIT_WS_URL,
      LIVEKIT_API_KEY,
      LIVEKIT_API_SECRET,
      DEMO_SESSION_SECRET: randomBytes(32).toString('hex'),
    });
    parts.onTeardown(app.stop);
    project.provide('nextAppUrl', app.url);
    project.provide('nextBuildOutput', build.output);
    project.provide('exampleDir', exampleDir);
    project.provide('logDir', logDir);
  } catch (error) {
    await parts.teardown();
    throw error;
  }
  return parts.teardown;
}
