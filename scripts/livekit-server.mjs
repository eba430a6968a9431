#!/usr/bin/env node
/**
 * The real LiveKit server (the open-source Go SFU), built from its Go module into a cache folder
 * and run on loopback with `test/e2e/livekit.yaml`.
 *
 *   node scripts/livekit-server.mjs build   # go install, skipped when the binary is there
 *   node scripts/livekit-server.mjs start   # run in the foreground until Ctrl+C (builds it first if needed)
 *   node scripts/livekit-server.mjs path    # print the binary's path
 *
 * The binary is, in this order: a `livekit-server` on `PATH` of the pinned minor version (Homebrew's,
 * say), the one in the cache folder — `$LKCTR_CACHE` (CI sets it to a machine-level folder), else
 * `<repo>/.cache` — or, when neither is there, built into the cache with Go (`npm test` and
 * `npm start` do that on first use). Importable too: `serverBinary`, `buildServer`, `startServer` — which
 * also starts further nodes of a cluster on other ports, sharing a Redis
 * (`startServer({ node: { port, rtcUdpPort, redisAddress } })`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
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

/** The binary to run: a compatible `livekit-server` on `PATH`, else the cache's (which may not be built yet). */
export function serverBinary() {
  return findServerOnPath() ?? cachedBinary();
}

function cachedBinary() {
  return join(cacheDir(), 'bin', 'server');
}

/** The version a binary reports (`livekit-server version 1.13.5`), or `null`. */
function versionOf(path) {
  const { stdout = '' } = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /version (\d+\.\d+\.\d+)/.exec(stdout ?? '')?.[1] ?? null;
}

/** Same major and minor as the pinned version, and at least its patch: the config and the tests' expectations hold. */
function isCompatible(version) {
  if (!version) return false;
  const [major, minor, patch] = version.split('.').map(Number);
  const [pinnedMajor, pinnedMinor, pinnedPatch] = LIVEKIT_SERVER_VERSION.split('.').map(Number);
  return major === pinnedMajor && minor === pinnedMinor && patch >= pinnedPatch;
}

/** The versions `isCompatible` takes, in words. */
export const COMPATIBLE_VERSIONS = `${LIVEKIT_SERVER_VERSION} or a later ${LIVEKIT_SERVER_VERSION.replace(/\.\d+$/, '')}`;

let pathServer;
/** A `livekit-server` on `PATH` of another version, not used (`<path> is <version>`), if any. */
export let otherServerOnPath = null;
/** A `livekit-server` on `PATH` at a compatible version (looked up once), or `null`. */
export function findServerOnPath() {
  if (pathServer !== undefined) return pathServer;
  pathServer = null;
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = folder && join(folder, 'livekit-server');
    if (!candidate || !existsSync(candidate)) continue;
    const version = versionOf(candidate);
    if (isCompatible(version)) return (pathServer = candidate);
    otherServerOnPath ??= `${candidate} is ${version ?? 'of no version it says'}, not ${COMPATIBLE_VERSIONS}`;
  }
  return pathServer;
}

/** `true` when a compatible binary is on `PATH` or in the cache. */
export function hasServerBinary() {
  return findServerOnPath() !== null || (existsSync(cachedBinary()) && versionOf(cachedBinary()) === LIVEKIT_SERVER_VERSION);
}

/** `null` when the server binary is there, else what is missing and how to get it. */
export function missingServerBinary() {
  if (hasServerBinary()) return null;
  return `No livekit-server ${LIVEKIT_SERVER_VERSION} at ${serverBinary()}: run node scripts/livekit-server.mjs build`;
}

/**
 * The oldest Go that builds the pinned server and the interop endpoint: their go.mod files say
 * `go 1.26`, which Go 1.21 and later fetch and switch to by themselves (`GOTOOLCHAIN=auto`, the
 * default); an older Go refuses them.
 */
const OLDEST_GO = 21;
/** How to get such a Go, for every message that needs one. */
export const HOW_TO_GET_GO =
  'Go 1.26 or later (brew install go, or the archive from go.dev/dl; Debian 12 and Ubuntu 22.04 install an older golang-go), ' +
  'or any Go from 1.21 on, which fetches the 1.26 toolchain itself';

/** A Go found on this machine that is too old to use (`go version`'s line), if any. */
let tooOldGo = null;

/** The `go` command of a Go that can build the pinned modules, or `null` (see `tooOldGo`). */
export function goCommand() {
  for (const candidate of ['go', '/usr/local/go/bin/go', join(process.env.HOME ?? '', 'go', 'bin', 'go'), '/opt/homebrew/bin/go']) {
    const { status, stdout } = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (status !== 0) continue;
    const minor = Number(/go1\.(\d+)/.exec(stdout ?? '')?.[1]);
    if (minor >= OLDEST_GO) return candidate;
    tooOldGo ??= `${candidate}: ${String(stdout).trim()}`;
  }
  return null;
}

/** Why there is no Go to build with: none found, or only one too old. */
export function noGoReason() {
  return tooOldGo ? `the only Go found is too old (${tooOldGo})` : 'no Go found';
}

/** What to do when there is neither a binary nor a Go to build it. */
export const HOW_TO_GET_THE_SERVER =
  `Install ${HOW_TO_GET_GO}, and run npm test / npm start again — ` +
  `they build livekit-server ${LIVEKIT_SERVER_VERSION} once (about 2 minutes) — or put livekit-server ` +
  `${COMPATIBLE_VERSIONS} on PATH.`;

/** Builds the server with `go install` unless the pinned binary is cached. Throws with the command on failure. */
export function buildServer({ log = console.log } = {}) {
  if (hasServerBinary()) {
    log(`livekit-server ${LIVEKIT_SERVER_VERSION}: ${serverBinary()}`);
    return serverBinary();
  }
  const go = goCommand();
  const command = `CGO_ENABLED=0 GOBIN=${join(cacheDir(), 'bin')} go install -trimpath ${module}`;
  if (!go) {
    const other = otherServerOnPath ? ` (${otherServerOnPath})` : '';
    throw new Error(`No livekit-server ${LIVEKIT_SERVER_VERSION}${other}, and ${noGoReason()} to build it. ${HOW_TO_GET_THE_SERVER}`);
  }
  mkdirSync(join(cacheDir(), 'bin'), { recursive: true });
  const logFile = join(cacheDir(), 'livekit-server-build.log');
  log(`livekit-server ${LIVEKIT_SERVER_VERSION}: building it once for this machine with Go (about 2 minutes; log ${logFile})`);
  const started = Date.now();
  const out = openSync(logFile, 'w');
  const { status, error } = spawnSync(go, ['install', '-trimpath', module], {
    stdio: ['ignore', out, out],
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: join(cacheDir(), 'bin') },
  });
  closeSync(out);
  if (status !== 0 || !hasServerBinary()) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`livekit-server build failed (exit ${status}${error ? `, ${error.message}` : ''}): ${command}\n${tail}`);
  }
  log(`livekit-server ${LIVEKIT_SERVER_VERSION}: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return serverBinary();
}

/**
 * Where one node of the server listens, and the Redis it shares with the other nodes of a cluster
 * (LiveKit's multi-node mode). The defaults are `test/e2e/livekit.yaml`'s single node.
 * @typedef {{ port?: number, rtcUdpPort?: number, redisAddress?: string }} ServerNode
 */
const DEFAULT_NODE = { port: 7880, rtcUdpPort: 7882 };

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
  const { port, rtcUdpPort, redisAddress } = { ...DEFAULT_NODE, ...node };
  if (port === DEFAULT_NODE.port && rtcUdpPort === DEFAULT_NODE.rtcUdpPort && !redisAddress) return configPath;
  const replace = (text, pattern, line) => {
    if (!pattern.test(text)) throw new Error(`test/e2e/livekit.yaml has no line matching ${pattern}`);
    return text.replace(pattern, line);
  };
  let config = readFileSync(configPath, 'utf8');
  config = replace(config, /^port: \d+$/m, `port: ${port}`);
  config = replace(config, /^ {2}udp_port: \d+$/m, `  udp_port: ${rtcUdpPort}`);
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

/**
 * The process listening on TCP `port` (any address), read from Linux's `/proc`: its id and command
 * line, or `null` (another system, or a process this user may not look into).
 */
function listenerOn(port) {
  try {
    const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const LISTEN = '0A';
    const inodes = new Set(
      ['tcp', 'tcp6'].flatMap((table) =>
        readFileSync(`/proc/net/${table}`, 'utf8')
          .split('\n')
          .map((line) => line.trim().split(/\s+/))
          .filter(([, local, , state]) => local?.endsWith(hexPort) && state === LISTEN)
          .map((columns) => columns[9]),
      ),
    );
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const fds = readdirOrNone(`/proc/${pid}/fd`);
      if (fds.some((fd) => inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkOrNone(`/proc/${pid}/fd/${fd}`))?.[1]))) {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        return { pid: Number(pid), command };
      }
    }
  } catch {
    // Not Linux: no /proc to read.
  }
  return null;
}

/** A folder's entries, or none when it is gone or not ours to read (a process that exited, another user's). */
function readdirOrNone(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function readlinkOrNone(path) {
  try {
    return readlinkSync(path);
  } catch {
    return '';
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
  const missing = missingServerBinary();
  if (missing) throw new Error(missing);
  const { httpUrl, wsUrl } = nodeUrls(node.port);
  if (await isHealthy(httpUrl)) {
    const listener = listenerOn(Number(new URL(httpUrl).port));
    const which = listener
      ? `process ${listener.pid} (${listener.command.slice(0, 200)}) — a LiveKit server an earlier run left? — stop it (kill ${listener.pid})`
      : 'stop it';
    throw new Error(`Something already answers on ${httpUrl}: ${which} before the end-to-end tests.`);
  }
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
  const exited = child.exitCode !== null;
  await stop();
  const log = readFileSync(logFile, 'utf8');
  // The one line that says why, where a port is taken (LiveKit logs it last, after unrelated warnings).
  const taken = /listen (tcp|udp) [\d.]*:(\d+): bind: address already in use/.exec(log);
  if (taken)
    throw new Error(`port ${taken[2]} (${taken[1].toUpperCase()}) is in use by another program; livekit-server needs it. Log ${logFile}`);
  const tail = log.split('\n').slice(-20).join('\n');
  const what = exited
    ? `exited (code ${child.exitCode}) before answering ${httpUrl}/`
    : `did not answer ${httpUrl}/ within ${timeoutMs} ms`;
  throw new Error(`livekit-server ${what}. Log ${logFile}:\n${tail}`);
}

async function main(command) {
  if (command === 'build') return void buildServer();
  if (command === 'path') return void console.log(serverBinary());
  if (command === 'start') {
    if (!hasServerBinary()) buildServer();
    const server = await startServer({ logFile: join(cacheDir(), 'livekit-server.log') });
    console.log(
      `livekit-server on ${LIVEKIT_WS_URL} (keys ${LIVEKIT_API_KEY}: ${LIVEKIT_API_SECRET}), log ${server.logFile}; Ctrl+C stops it`,
    );
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
