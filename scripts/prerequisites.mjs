#!/usr/bin/env node
/**
 * Where the real parts the tests and `npm start` need are, found the same way everywhere:
 *
 * - Chromium: `CHROMIUM_PATH`, then the usual install paths (Debian, Ubuntu, Fedora, snap, macOS).
 * - Redis: `redis-server` on `PATH` (`REDIS_SERVER_PATH` to point elsewhere), which `scripts/redis-server.mjs` starts.
 * - LiveKit server: see `scripts/livekit-server.mjs` (`PATH`, then the cache, then a build with Go).
 *
 *   node scripts/prerequisites.mjs   # prints what it finds and how to get what is missing
 *
 * Importable: `findChromium`, `findRedisServer`, `missingChromium`, `missingRedisServer`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COMPATIBLE_VERSIONS,
  HOW_TO_GET_GO,
  LIVEKIT_SERVER_VERSION,
  findServerOnPath,
  goCommand,
  hasServerBinary,
  noGoReason,
  otherServerOnPath,
  serverBinary,
} from './livekit-server.mjs';

const CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The first executable named `name` on `PATH`, or `null`. */
export function onPath(name) {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder && existsSync(join(folder, name))) return join(folder, name);
  }
  return null;
}

/** Chromium's executable: `CHROMIUM_PATH` when set (even if wrong, so a typo is reported), else the first usual path that exists. */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  return CHROMIUM_PATHS.find((path) => existsSync(path)) ?? onPath('chromium') ?? onPath('chromium-browser');
}

/** `null` when Chromium is there, else what to install. */
export function missingChromium() {
  if (findChromium()) return null;
  if (process.env.CHROMIUM_PATH) return `no Chromium at CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`;
  return `no Chromium (looked in ${CHROMIUM_PATHS.slice(0, 3).join(', ')}, … and PATH) — apt-get install chromium, or set CHROMIUM_PATH`;
}

/** `redis-server`'s executable: `REDIS_SERVER_PATH` when set (even if wrong, so a typo is reported), else `PATH`'s. */
export function findRedisServer() {
  if (process.env.REDIS_SERVER_PATH) return existsSync(process.env.REDIS_SERVER_PATH) ? process.env.REDIS_SERVER_PATH : null;
  return onPath('redis-server');
}

/** `null` when `redis-server` is there, else what to install. */
export function missingRedisServer() {
  if (findRedisServer()) return null;
  if (process.env.REDIS_SERVER_PATH) return `no redis-server at REDIS_SERVER_PATH=${process.env.REDIS_SERVER_PATH}`;
  return 'no redis-server on PATH — apt-get install redis-server (or brew install redis), or set REDIS_SERVER_PATH';
}

function describeLiveKitServer() {
  const onPathServer = findServerOnPath();
  if (onPathServer) return `${onPathServer} (PATH)`;
  const other = otherServerOnPath ? `; ${otherServerOnPath}` : '';
  if (hasServerBinary()) return `${serverBinary()} (cache${other})`;
  const go = goCommand();
  return go
    ? `not built yet — npm test / npm start build ${LIVEKIT_SERVER_VERSION} with ${go} on first use (about 2 minutes)${other}`
    : `MISSING (${noGoReason()}${other}) — install ${HOW_TO_GET_GO}, or put livekit-server ${COMPATIBLE_VERSIONS} on PATH`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = (path) => spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.trim().split('\n')[0] ?? '';
  const chromium = findChromium();
  const redis = findRedisServer();
  console.log(`LiveKit server: ${describeLiveKitServer()}`);
  console.log(`Chromium:       ${chromium ? `${chromium} (${version(chromium)})` : `MISSING — ${missingChromium()}`}`);
  console.log(`redis-server:   ${redis ? `${redis} (${version(redis)})` : `MISSING — ${missingRedisServer()}`}`);
}
