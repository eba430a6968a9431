/**
 * Debian's `redis-server` for the limits tests and the token handler bench: started on 127.0.0.1
 * at a free port, without persistence, never as a system service; stopped by whoever started it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, missingRedisServer } from './prerequisites.mjs';

/** `true` when the `redis-server` `node scripts/prerequisites.mjs` reports (`PATH`'s, or `REDIS_SERVER_PATH`) runs. */
export function hasRedisServer() {
  const binary = findRedisServer();
  if (!binary) return false;
  const { error, status } = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return !error && status === 0;
}

/**
 * Starts `redis-server` on 127.0.0.1 at a free port. With `cluster: true`, a node of a Redis
 * Cluster with no slots yet (its cluster bus on a free port of its own, its nodes file in a
 * temporary directory removed by `stop()`): the caller meets the nodes and assigns the slots.
 * @param {{ cluster?: boolean }} [options]
 * @returns {Promise<import('./redis-server.d.mts').RunningRedisServer>}
 */
export async function startRedisServer({ cluster = false } = {}) {
  const port = await freePort();
  const busPort = cluster ? await freePort() : undefined;
  const dir = cluster ? await mkdtemp(join(tmpdir(), 'lkctr-redis-cluster-')) : undefined;
  const args = cluster
    ? ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir]
    : [];
  let child = await spawnRedis(port, args);
  return {
    port,
    busPort,
    crash: () => kill(child),
    async restart() {
      await kill(child);
      child = await spawnRedis(port, args);
    },
    async stop() {
      await kill(child);
      if (dir) await rm(dir, { recursive: true, force: true });
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function spawnRedis(port, args) {
  const binary = findRedisServer();
  if (!binary) return Promise.reject(new Error(missingRedisServer()));
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}:\n${output}`)), 10_000);
    const settle = (error) => {
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      if (error) reject(error);
      else resolve(child);
    };
    child.stdout.on('data', (data) => {
      output += data.toString();
      if (output.includes('Ready to accept connections')) settle();
    });
    child.stdout.resume();
    child.stderr.on('data', (data) => (output += data.toString()));
    child.on('error', settle);
    child.on('exit', (code) => settle(new Error(`redis-server exited (${code}) on port ${port}:\n${output}`)));
  });
}

async function kill(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}
