#!/usr/bin/env node
/**
 * Installs `examples/nextjs` the way a user's app would get the package: from its packed tarball.
 *
 *   node test/nextjs/prepare.mjs [--skip-build]
 *
 * 1. `npm run build` at the root (unless --skip-build), then `npm pack` into
 *    `examples/nextjs/vendor/livekit-custom-token-react.tgz` (what the example's package.json names).
 * 2. The example's other dependencies, exactly as its lock file says: kept when already installed
 *    for this lock, else hard-linked from `$LKCTR_CACHE/nextjs-example/<lock hash>`, else `npm ci`
 *    (then copied there, under that name only once complete). CI starts from a fresh clone; the cache lives on the machine. The lock
 *    pins no integrity for the tarball: it changes with every build, and a pinned one fails
 *    `npm ci` (EINTEGRITY) on a machine whose npm cache does not hold that old tarball.
 * 3. The fresh tarball unpacked over `node_modules/livekit-custom-token-react`, since installed
 *    dependencies are reused across builds.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../../scripts/livekit-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleDir = join(root, 'examples/nextjs');
const PACKAGE = 'livekit-custom-token-react';
const tarball = join(exampleDir, 'vendor', `${PACKAGE}.tgz`);
const modules = join(exampleDir, 'node_modules');
const keyFile = join(modules, '.lkctr-lock-key');

function run(command, args, cwd) {
  const { status, error } = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${status}${error ? `, ${error.message}` : ''})`);
}

/** Serialises npm with other installs on a shared machine (`flock /tmp/npm.lock`) where flock exists. */
function withNpmLock([command, ...args]) {
  const hasFlock = spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
  return hasFlock ? ['flock', ['/tmp/npm.lock', command, ...args]] : [command, args];
}

function packTarball() {
  const vendor = dirname(tarball);
  rmSync(vendor, { recursive: true, force: true });
  mkdirSync(vendor, { recursive: true });
  // --ignore-scripts: built just above; prepack's build would run under the test run's NODE_ENV (a development JSX build).
  run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', vendor], root);
  const [packed] = readdirSync(vendor).filter((name) => name.endsWith('.tgz'));
  if (!packed) throw new Error(`npm pack left no tarball in ${vendor}`);
  renameSync(join(vendor, packed), tarball);
}

/** Names the installed dependencies: a hash of the lock (which pins no integrity for the tarball, see above). */
function lockKey() {
  const lockText = readFileSync(join(exampleDir, 'package-lock.json'), 'utf8');
  if (JSON.parse(lockText).packages[`node_modules/${PACKAGE}`].integrity !== undefined) {
    throw new Error(
      `examples/nextjs/package-lock.json pins the integrity of the ${PACKAGE} tarball, which changes with every build ` +
        '(npm install writes it): delete that "integrity" line, or `npm ci` fails with EINTEGRITY on a fresh machine.',
    );
  }
  return createHash('sha256').update(`${process.platform}-${process.arch}\n${lockText}`).digest('hex').slice(0, 16);
}

function installDependencies() {
  const key = lockKey();
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return console.log(`examples/nextjs: node_modules up to date (${key})`);
  const cached = join(cacheDir(), 'nextjs-example', key);
  rmSync(modules, { recursive: true, force: true });
  if (restoreFromCache(cached, modules)) {
    console.log(`examples/nextjs: node_modules from ${cached}`);
  } else {
    run(...withNpmLock(['npm', 'ci', '--no-audit', '--no-fund']), exampleDir);
    saveToCache(modules, cached);
  }
  writeFileSync(keyFile, key);
}

/**
 * Written into a copy in the cache last, before it takes its name: a folder there without it is
 * a copy cut short by an older version of this script, never used.
 */
const COMPLETE = '.lkctr-complete';

/** Hard-links (else copies) the cache's copy `cached` to `modules`; `false` when there is no complete copy. */
export function restoreFromCache(cached, modules) {
  if (!existsSync(join(cached, COMPLETE))) return false;
  if (spawnSync('cp', ['-al', cached, modules]).status !== 0) run('cp', ['-a', cached, modules], root);
  return true;
}

/**
 * Copies `modules` into the cache as `cached`: into a folder of this process first, renamed once
 * complete, so a copy cut short (Ctrl+C, a CI timeout) never has the name the next run looks for.
 * Such leftovers of processes no longer running are removed.
 */
export function saveToCache(modules, cached) {
  const parent = dirname(cached);
  const partialPrefix = `${basename(cached)}.partial-`;
  mkdirSync(parent, { recursive: true });
  for (const entry of readdirSync(parent)) {
    if (entry.startsWith(partialPrefix) && !isRunning(Number(entry.slice(partialPrefix.length)))) {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
  const partial = join(parent, `${partialPrefix}${process.pid}`);
  run('cp', ['-a', modules, partial], root);
  writeFileSync(join(partial, COMPLETE), '');
  rmSync(cached, { recursive: true, force: true });
  renameSync(partial, cached);
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Unpacks the fresh tarball as npm would, after checking the lock still lists its dependencies. */
function installTarball() {
  const target = join(modules, PACKAGE);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  run('tar', ['xzf', tarball, '--strip-components=1', '-C', target], root);
  const wanted = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).dependencies ?? {};
  const locked =
    JSON.parse(readFileSync(join(exampleDir, 'package-lock.json'), 'utf8')).packages[`node_modules/${PACKAGE}`].dependencies ?? {};
  if (JSON.stringify(wanted) !== JSON.stringify(locked)) {
    throw new Error(
      `The package's dependencies changed: run (cd examples/nextjs && npm install ./vendor/${PACKAGE}.tgz) and commit its package-lock.json, minus the "integrity" line npm writes for the tarball.`,
    );
  }
}

export function prepareExample({ build = true } = {}) {
  const started = Date.now();
  if (build) run('npm', ['run', 'build'], root);
  packTarball();
  installDependencies();
  installTarball();
  console.log(`examples/nextjs: prepared in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    prepareExample({ build: !process.argv.includes('--skip-build') });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
