#!/usr/bin/env node
/**
 * `npm start`: the local LiveKit server (found, or built once with Go) and the test agent worker, then
 * Storybook's dev server on 127.0.0.1:6006 (`npm start -- --port N` for another) with the package's
 * token endpoint mounted on it. Prints the URLs; Ctrl+C stops everything it started. A taken
 * Storybook port stops it before anything starts; a LiveKit server that cannot start leaves the
 * offline stories.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  LIVEKIT_API_KEY,
  LIVEKIT_API_SECRET,
  LIVEKIT_HTTP_URL,
  LIVEKIT_SERVER_VERSION,
  LIVEKIT_WS_URL,
  buildServer,
  cacheDir,
  hasServerBinary,
  startServer,
} from './livekit-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = storybookPort();
const STORYBOOK_URL = `http://127.0.0.1:${port}`;
const agentWorker = join(root, 'test/e2e/agent/worker.mjs');

/** `--port N` (6006 without it), or a message on how to give it and an exit. */
function storybookPort() {
  try {
    const { port } = parseArgs({ options: { port: { type: 'string', default: '6006' } } }).values;
    if (/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535) return port;
    console.error(`npm start -- --port ${port}: a port is a number from 1 to 65535.`);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}. npm start takes one option: npm start -- --port 6007`);
  }
  process.exit(1);
}

/** Stops, last started first. */
const stops = [];

async function isLiveKitUp() {
  try {
    return (await fetch(`${LIVEKIT_HTTP_URL}/`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Whether another program listens on `port` of 127.0.0.1 (Storybook would move to the next port, away from the URLs printed). */
function isPortTaken(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** The LiveKit server: already running, started from the cached binary, or how to build it. */
async function startLiveKit() {
  if (await isLiveKitUp()) {
    console.log(`• LiveKit server: already answering on ${LIVEKIT_WS_URL} — using it (not started here)`);
    return true;
  }
  if (!hasServerBinary()) {
    try {
      buildServer({ log: (line) => console.log(`• ${line}`) });
    } catch (error) {
      console.log(`• LiveKit server ${LIVEKIT_SERVER_VERSION}: not available — the live stories will say so.`);
      console.log(`  ${error instanceof Error ? error.message : error}`);
      return false;
    }
  }
  let server;
  try {
    server = await startServer();
  } catch (error) {
    console.log(`• LiveKit server: could not start — the live stories will say so.`);
    console.log(`  ${error instanceof Error ? error.message : error}`);
    return false;
  }
  stops.push(() => server.stop());
  console.log(`• LiveKit server: ${LIVEKIT_WS_URL} (keys ${LIVEKIT_API_KEY}: ${LIVEKIT_API_SECRET}), log ${server.logFile}`);
  return true;
}

/** The `@livekit/agents` worker of the end-to-end tests, serving the agent `e2e-agent`. */
function startAgentWorker() {
  const logFile = join(cacheDir(), 'agent-worker.log');
  mkdirSync(cacheDir(), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [agentWorker, 'dev', '--log-level', 'info'], {
    cwd: root,
    env: { ...process.env, LIVEKIT_URL: LIVEKIT_WS_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.once('exit', (code, signal) => stopping || console.log(`• agent worker exited (${signal ?? code}); log ${logFile}`));
  stops.push(() => stopChild(child));
  console.log(`• agent worker: e2e-agent (dispatch it from the Playground), log ${logFile}`);
}

/** Storybook's dev server, in the foreground; telemetry off; on its port or not at all (`--exact-port`). */
function startStorybook() {
  const bin = join(root, 'node_modules/storybook/dist/bin/dispatcher.js');
  const child = spawn(
    process.execPath,
    // --exact-port: should the port be taken after all, exit rather than serve on another.
    [bin, 'dev', '--port', port, '--exact-port', '--host', '127.0.0.1', '--ci', '--no-open', '--disable-telemetry', '--no-version-updates'],
    {
      cwd: root,
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
      stdio: 'inherit',
    },
  );
  stops.push(() => stopChild(child));
  child.once('exit', (code) => void stopAll(code ?? 0));
  console.log(`• Storybook: ${STORYBOOK_URL}  — Playground: ${STORYBOOK_URL}/?path=/story/playground--playground`);
  console.log(`  token endpoint (dev keys): POST ${STORYBOOK_URL}/api/livekit-token\n  Ctrl+C stops everything started here.\n`);
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  for (const stop of stops.reverse()) await stop().catch((error) => console.error(error));
  process.exit(code);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

if (await isPortTaken(port)) {
  console.error(
    `Port ${port} of 127.0.0.1 is in use by another program (an npm start already running?): stop it, or give Storybook another port: npm start -- --port ${Number(port) + 1}`,
  );
  process.exit(1);
}

try {
  if (await startLiveKit()) startAgentWorker();
  else console.log('• agent worker: not started (it needs the LiveKit server)');
  startStorybook();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stopAll(1);
}
