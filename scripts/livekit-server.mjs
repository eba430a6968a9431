#!/usr/bin/env node
/**
 * The real LiveKit server (the open-source Go SFU), built from its Go module into a cache folder
 * and run on loopback with `test/e2e/livekit.yaml`.
 *
 *   node scripts/livekit-server.mjs build   # go install, skipped when the binary is there
 *   node scripts/livekit-server.mjs start   # run in the foreground until Ctrl+C
 *   node scripts/livekit-server.mjs path    # print the binary's path
 *
 * The cache folder is `$LKCTR_CACHE` (CI sets it to a machine-level folder), else `<repo>/.cache`.
 * Importable too: `serverBinary`, `buildServer`, `startServer` — which also starts further nodes of
 * a cluster on other ports, sharing a Redis (`startServer({ node: { port, rtcTcpPort, rtcUdpPort, redisAddress } })`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIVEKIT_SERVER_VERSION = '1.13.5';
export const LIVEKIT_HTTP_URL = 'http://127.0.0.1:7880';
export const LIVEKIT_WS_URL = 'ws://127.0.0.1:7880';
export const LIVEKIT_API_KEY = 'devkey';
export const LIVEKIT_API_SECRET = 'secret';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configPath = join(root, 'test/e2e/livekit.yaml');
const module = `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_SERVER_VERSION}`;

export function cacheDir() {
  return process.env.LKCTR_CACHE || join(root, '.cache');
}

export function serverBinary() {
  return join(cacheDir(), 'bin', 'server');
}

/** `true` when the cached binary exists and reports the pinned version. */
export function hasServerBinary() {
  if (!existsSync(serverBinary())) return false;
  const { stdout = '' } = spawnSync(serverBinary(), ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return stdout.includes(LIVEKIT_SERVER_VERSION);
}

/** The `go` command on PATH or in Go's default install folder; `null` without Go. */
export function goCommand() {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    if (spawnSync(candidate, ['version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

/** Builds the server with `go install` unless the pinned binary is cached. Throws with the command on failure. */
export function buildServer({ log = console.log } = {}) {
  if (hasServerBinary()) {
    log(`livekit-server ${LIVEKIT_SERVER_VERSION}: cached at ${serverBinary()}`);
    return serverBinary();
  }
  const go = goCommand();
  const command = `CGO_ENABLED=0 GOBIN=${join(cacheDir(), 'bin')} go install -trimpath ${module}`;
  if (!go) throw new Error(`Go is not installed; cannot run: ${command}`);
  mkdirSync(join(cacheDir(), 'bin'), { recursive: true });
  log(`livekit-server ${LIVEKIT_SERVER_VERSION}: building — ${command}`);
  const started = Date.now();
  const { status, error } = spawnSync(go, ['install', '-trimpath', module], {
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: join(cacheDir(), 'bin') },
  });
  if (status !== 0 || !hasServerBinary()) {
    throw new Error(`livekit-server build failed (exit ${status}${error ? `, ${error.message}` : ''}): ${command}`);
  }
  log(`livekit-server ${LIVEKIT_SERVER_VERSION}: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return serverBinary();
}

/**
 * Where one node of the server listens, and the Redis it shares with the other nodes of a cluster
 * (LiveKit's multi-node mode). The defaults are `test/e2e/livekit.yaml`'s single node.
 * @typedef {{ port?: number, rtcTcpPort?: number, rtcUdpPort?: number, redisAddress?: string }} ServerNode
 */
const DEFAULT_NODE = { port: 7880, rtcTcpPort: 7881, rtcUdpPort: 7882 };

/** The URLs of the node listening on `port`. */
export function nodeUrls(port = DEFAULT_NODE.port) {
  return { httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
}

/**
 * `test/e2e/livekit.yaml` with the node's ports and, for a cluster, a `redis:` block; written
 * beside the log so a reader sees exactly what the node ran with. The single default node runs
 * the file itself.
 */
function nodeConfigPath(node, logFile) {
  const { port, rtcTcpPort, rtcUdpPort, redisAddress } = { ...DEFAULT_NODE, ...node };
  if (port === DEFAULT_NODE.port && rtcTcpPort === DEFAULT_NODE.rtcTcpPort && rtcUdpPort === DEFAULT_NODE.rtcUdpPort && !redisAddress) return configPath;
  const replace = (text, pattern, line) => {
    if (!pattern.test(text)) throw new Error(`test/e2e/livekit.yaml has no line matching ${pattern}`);
    return text.replace(pattern, line);
  };
  let config = readFileSync(configPath, 'utf8');
  config = replace(config, /^port: \d+$/m, `port: ${port}`);
  config = replace(config, /^  tcp_port: \d+$/m, `  tcp_port: ${rtcTcpPort}`);
  config = replace(config, /^  udp_port: \d+$/m, `  udp_port: ${rtcUdpPort}`);
  if (redisAddress) config += `redis:\n  address: ${redisAddress}\n`;
  const path = logFile.replace(/\.log$/, '') + '.yaml';
  writeFileSync(path, config);
  return path;
}

async function isHealthy(httpUrl = LIVEKIT_HTTP_URL) {
  try {
    const response = await fetch(`${httpUrl}/`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts the server, resolves once `GET /` answers 200. The returned `stop()` sends SIGTERM twice
 * (the first waits for participants to leave), then SIGKILL if it is still running after 5 s.
 * `node` starts it on other ports, or as one node of a cluster sharing a Redis (default: the single
 * node of `test/e2e/livekit.yaml` on 7880–7882).
 *
 * @param {{ logFile?: string, timeoutMs?: number, node?: ServerNode }} [options]
 */
export async function startServer({ logFile = join(cacheDir(), 'livekit-server.log'), timeoutMs = 15_000, node = {} } = {}) {
  if (!hasServerBinary()) throw new Error(`No livekit-server ${LIVEKIT_SERVER_VERSION} at ${serverBinary()}: run node scripts/livekit-server.mjs build`);
  const { httpUrl, wsUrl } = nodeUrls(node.port);
  if (await isHealthy(httpUrl)) throw new Error(`Something already answers on ${httpUrl}: stop it before the end-to-end tests.`);
  mkdirSync(dirname(logFile), { recursive: true });
  const config = nodeConfigPath(node, logFile);
  const out = openSync(logFile, 'w');
  const child = spawn(serverBinary(), ['--config', config], { stdio: ['ignore', out, out] });
  closeSync(out);

  const stop = async () => {
    child.kill('SIGTERM');
    if (await waitForExit(child, 1_000)) return;
    child.kill('SIGTERM');
    if (await waitForExit(child, 5_000)) return;
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await isHealthy(httpUrl)) return { process: child, logFile, stop, httpUrl, wsUrl };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(`livekit-server did not answer ${httpUrl}/ within ${timeoutMs} ms (exit ${child.exitCode}). Log ${logFile}:\n${tail}`);
}

async function main(command) {
  if (command === 'build') return void buildServer();
  if (command === 'path') return void console.log(serverBinary());
  if (command === 'start') {
    const server = await startServer({ logFile: join(cacheDir(), 'livekit-server.log') });
    console.log(`livekit-server on ${LIVEKIT_WS_URL} (keys ${LIVEKIT_API_KEY}: ${LIVEKIT_API_SECRET}), log ${server.logFile}; Ctrl+C stops it`);
    const onSignal = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    await new Promise((resolve) => server.process.once('exit', resolve));
    return;
  }
  throw new Error('usage: node scripts/livekit-server.mjs build|start|path');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
