#!/usr/bin/env node
/**
 * `npm start`: the local LiveKit server (found, or built once with Go) and the test agent worker, then
 * Storybook's dev server on 127.0.0.1:6006 with the package's token endpoint mounted on it.
 * Prints the URLs; Ctrl+C stops everything it started.
 *
 *   npm start -- --port 6010   # Storybook on another port
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
const STORYBOOK_PORT = storybookPort();
const STORYBOOK_URL = `http://127.0.0.1:${STORYBOOK_PORT}`;
const agentWorker = join(root, 'test/e2e/agent/worker.mjs');
/** Stops, last started first. */
const stops = [];

async function isLiveKitUp() {
  try {
    return (await fetch(`${LIVEKIT_HTTP_URL}/`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
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
  const server = await startServer();
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

/** `--port`, 6006 by default; anything else it is given ends the start with the usage. */
function storybookPort() {
  try {
    const { port } = parseArgs({ options: { port: { type: 'string', default: '6006' } } }).values;
    if (/^\d+$/.test(port) && Number(port) > 0 && Number(port) < 65536) return port;
    console.error(`--port ${port} is not a port.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  }
  console.error('usage: npm start [-- --port <Storybook port, 6006 by default>]');
  process.exit(2);
}

/**
 * `true` when Storybook's port is free on 127.0.0.1. Asked before anything starts: with `--ci`,
 * Storybook itself moves to the next free port without a word, away from the URLs printed here.
 */
function isStorybookPortFree() {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(Number(STORYBOOK_PORT), '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Storybook's dev server, in the foreground; telemetry off; on its port or not at all (`--exact-port`). */
function startStorybook() {
  const bin = join(root, 'node_modules/storybook/dist/bin/dispatcher.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      'dev',
      '--port',
      STORYBOOK_PORT,
      '--exact-port',
      '--host',
      '127.0.0.1',
      '--ci',
      '--no-open',
      '--disable-telemetry',
      '--no-version-updates',
    ],
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

if (!(await isStorybookPortFree())) {
  console.error(
    `127.0.0.1:${STORYBOOK_PORT} is in use (another npm start, or another Storybook?): stop it, or run npm start -- --port <another port>.`,
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
