import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedisServer, missingRedisServer } from '../../scripts/prerequisites.mjs';
import { skipWithout } from '../helpers/prerequisites';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The machine's `redis-server` (`REDIS_SERVER_PATH`, else `PATH`'s), or `''`. */
const redisServer = findRedisServer() ?? '';
const noRedis = skipWithout(missingRedisServer());
const scratch = mkdtempSync(join(tmpdir(), 'lkctr-redis-path-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `args` in a new Node with `env` added; returns its exit status and output. */
function node(args: string[], env: Record<string, string>) {
  const { status, stdout, stderr } = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { status, output: stdout + stderr };
}

/** Runs `code`, an ES module, in a new Node. */
const run = (code: string, env: Record<string, string>) => node(['--input-type=module', '-e', code], env);
const script = (name: string) => pathToFileURL(join(root, 'scripts', name)).href;

/**
 * `node scripts/prerequisites.mjs` tells a contributor where it found `redis-server` and how to
 * point at another one; the stages that start it (redis, runtimes, cluster, the bench) must use
 * that one, and say the same when there is none.
 */
describe.skipIf(noRedis)('redis-server, where scripts/prerequisites.mjs says it is', () => {
  it('is the binary the stages start, when REDIS_SERVER_PATH names it', () => {
    // A redis-server that leaves a mark when it runs.
    const marker = join(scratch, 'ran');
    const wrapper = join(scratch, 'my-redis-server');
    writeFileSync(wrapper, `#!/bin/sh\ntouch '${marker}'\nexec '${redisServer}' "$@"\n`);
    chmodSync(wrapper, 0o755);

    const found = node(['scripts/prerequisites.mjs'], { REDIS_SERVER_PATH: wrapper });
    expect(found.output).toContain(`redis-server:   ${wrapper}`);

    rmSync(marker, { force: true });
    const started = run(
      `const { startRedisServer } = await import('${script('redis-server.mjs')}');
       const server = await startRedisServer();
       await server.stop();
       console.log('started on', server.port);`,
      { REDIS_SERVER_PATH: wrapper },
    );
    expect(started.output).toContain('started on');
    expect(existsSync(marker), 'the stages started REDIS_SERVER_PATH').toBe(true);
  });

  it('is missing for the stages too when REDIS_SERVER_PATH names nothing', () => {
    const nothing = join(scratch, 'no-such-redis-server');
    const said = node(['scripts/prerequisites.mjs'], { REDIS_SERVER_PATH: nothing });
    expect(said.output).toContain(`redis-server:   MISSING — no redis-server at REDIS_SERVER_PATH=${nothing}`);
    const checked = run(
      `const { hasRedisServer } = await import('${script('redis-server.mjs')}');
       console.log('hasRedisServer', hasRedisServer());`,
      { REDIS_SERVER_PATH: nothing },
    );
    expect(checked.output).toContain('hasRedisServer false');
  });
});
