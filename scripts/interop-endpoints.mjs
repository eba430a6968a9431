#!/usr/bin/env node
/**
 * The standard token endpoints written with LiveKit's Go and Python server SDKs
 * (`test/interop/go/endpoint/`, `test/interop/python/endpoint.py`): built once per machine into
 * `$LKCTR_CACHE/interop/` — the Go binary and the Python venv, each keyed by a hash of its
 * sources, so an edit rebuilds it — and started on 127.0.0.1 on a free port.
 *
 *   node scripts/interop-endpoints.mjs build   # go build + python -m venv / pip install, skipped when cached
 *
 * Importable too: `missingInteropToolchain`, `buildInteropEndpoints`, `startInteropEndpoint`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOW_TO_GET_GO, cacheDir, goCommand, noGoReason } from './livekit-server.mjs';

const interopDir = fileURLToPath(new URL('../test/interop/', import.meta.url));
const goModule = join(interopDir, 'go');
const pythonDir = join(interopDir, 'python');

/** A hash of the files a build reads: a new hash is a new cache entry. */
function hashOf(files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

function pythonCommand() {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

export function goEndpointBinary() {
  const sources = ['go.mod', 'go.sum', 'endpoint/main.go'].map((file) => join(goModule, file));
  return join(cacheDir(), 'interop', `go-endpoint-${hashOf(sources)}`);
}

export function pythonVenv() {
  return join(cacheDir(), 'interop', `venv-${hashOf([join(pythonDir, 'requirements.txt')])}`);
}

const venvPython = (venv) => join(venv, 'bin', 'python');
/** Written into a venv once pip has installed everything: a venv without it is rebuilt. */
const COMPLETE = '.lkctr-complete';

/** What the interop stage needs that `npm ci` does not install (`null`: nothing missing). */
export function missingInteropToolchain() {
  if (!existsSync(goEndpointBinary()) && !goCommand()) return `${noGoReason()} to build the Go token endpoint — install ${HOW_TO_GET_GO}`;
  if (!existsSync(join(pythonVenv(), COMPLETE)) && !pythonCommand())
    return 'no python3 with venv to run the Python token endpoint — apt-get install python3-venv';
  return null;
}

function run(command, args, options) {
  const { status, error } = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${status}${error ? `, ${error.message}` : ''})`);
}

/** Builds what is not cached yet. Throws with the failing command. */
export function buildInteropEndpoints({ log = console.log } = {}) {
  mkdirSync(join(cacheDir(), 'interop'), { recursive: true });
  const binary = goEndpointBinary();
  if (existsSync(binary)) {
    log(`Go token endpoint: cached at ${binary}`);
  } else {
    const go = goCommand();
    if (!go) throw new Error(`${noGoReason()} to build test/interop/go/endpoint — install ${HOW_TO_GET_GO}`);
    const started = Date.now();
    // Written under a name of this process, renamed once built: a build cut short (Ctrl+C, a CI
    // timeout) never leaves a file under the name the next run takes as built.
    const partial = `${binary}.partial-${process.pid}`;
    try {
      run(go, ['build', '-o', partial, './endpoint'], { cwd: goModule });
      renameSync(partial, binary);
    } finally {
      rmSync(partial, { force: true });
    }
    log(`Go token endpoint: built in ${((Date.now() - started) / 1000).toFixed(0)} s → ${binary}`);
  }

  const venv = pythonVenv();
  if (existsSync(join(venv, COMPLETE))) {
    log(`Python token endpoint: venv cached at ${venv}`);
  } else {
    const python = pythonCommand();
    if (!python) throw new Error('python3 with venv is not installed: apt-get install python3-venv');
    const started = Date.now();
    rmSync(venv, { recursive: true, force: true });
    run(python, ['-m', 'venv', venv]);
    run(venvPython(venv), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(pythonDir, 'requirements.txt')]);
    writeFileSync(join(venv, COMPLETE), '');
    log(`Python token endpoint: venv made in ${((Date.now() - started) / 1000).toFixed(0)} s → ${venv}`);
  }
}

/**
 * Starts one endpoint on 127.0.0.1 (a free port) and resolves with its URL once it listens.
 * `stop()` ends it. Its output goes to `logFile`.
 *
 * @param {'go' | 'python'} language
 * @param {{ livekitUrl: string, apiKey: string, apiSecret: string, allowedOrigin: string, logFile: string, timeoutMs?: number }} options
 */
export function startInteropEndpoint(language, { livekitUrl, apiKey, apiSecret, allowedOrigin, logFile, timeoutMs = 60_000 }) {
  const [command, args] = language === 'go' ? [goEndpointBinary(), []] : [venvPython(pythonVenv()), ['-u', join(pythonDir, 'endpoint.py')]];
  const child = spawn(command, args, {
    env: {
      ...process.env,
      LIVEKIT_URL: livekitUrl,
      LIVEKIT_API_KEY: apiKey,
      LIVEKIT_API_SECRET: apiSecret,
      ALLOWED_ORIGIN: allowedOrigin,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        void stop().then(() => reject(new Error(`The ${language} token endpoint did not listen within ${timeoutMs} ms; log: ${logFile}`))),
      timeoutMs,
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop });
      }
    });
    child.once(
      'exit',
      (code) => (clearTimeout(timer), reject(new Error(`The ${language} token endpoint exited (${code}); log: ${logFile}`))),
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== 'build') {
    console.error('usage: node scripts/interop-endpoints.mjs build');
    process.exit(1);
  }
  try {
    buildInteropEndpoints();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
