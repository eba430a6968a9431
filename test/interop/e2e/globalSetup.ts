import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { buildInteropEndpoints, startInteropEndpoint } from '../../../scripts/interop-endpoints.mjs';
import { startAppServer } from '../../e2e/harness/appServer';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from '../../e2e/harness/livekit';
import { startRealParts } from '../../e2e/harness/realParts';

const logDir = fileURLToPath(new URL('../../../test-results/interop/', import.meta.url));
/** The worker registers in about 2 s on an idle machine; a shared, loaded one can take a minute. */
const AGENT_REGISTRATION_TIMEOUT_MS = 90_000;
const appDir = fileURLToPath(new URL('../../e2e/app/', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    goEndpoint: string;
    pythonEndpoint: string;
  }
}

/**
 * Starts the real parts once: the LiveKit server and the agent worker (the end-to-end harness's),
 * the test app, and the Go and Python token endpoints — built first if this machine has not
 * built them yet — which let the app's origin call them (CORS).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildInteropEndpoints();
  const parts = await startRealParts(logDir);
  try {
    // The app builds while the agent registers.
    const registered = parts.agent.waitForRegistration(AGENT_REGISTRATION_TIMEOUT_MS);
    registered.catch(() => {});
    await build({ configFile: `${appDir}vite.config.ts` });
    await registered;
    const app = await startAppServer(`${appDir}dist`, {});
    parts.onTeardown(app.close);
    project.provide('appUrl', app.url);

    const endpointOptions = { livekitUrl: LIVEKIT_WS_URL, apiKey: LIVEKIT_API_KEY, apiSecret: LIVEKIT_API_SECRET, allowedOrigin: app.url };
    const go = await startInteropEndpoint('go', { ...endpointOptions, logFile: `${logDir}go-endpoint.log` });
    parts.onTeardown(go.stop);
    const python = await startInteropEndpoint('python', { ...endpointOptions, logFile: `${logDir}python-endpoint.log` });
    parts.onTeardown(python.stop);
    project.provide('goEndpoint', go.url);
    project.provide('pythonEndpoint', python.url);
  } catch (error) {
    await parts.teardown();
    throw error;
  }
  return parts.teardown;
}
