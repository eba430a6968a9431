import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(join(tmpdir(), 'lkctr-missing-prerequisites-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const emptyCache = join(scratch, 'cache');
mkdirSync(emptyCache);

/**
 * A machine without the real part a test file needs: an empty cache folder (no LiveKit server
 * built into it), `REDIS_SERVER_PATH` naming no file. `npm test`'s stages run with `LKCTR_NPM_TEST=1`.
 */
function runVitest(project: string, file: string, how: { CI?: string; LKCTR_NPM_TEST?: string }) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    LKCTR_CACHE: emptyCache,
    REDIS_SERVER_PATH: join(scratch, 'no-redis-server'),
  };
  delete env.CI;
  delete env.LKCTR_NPM_TEST;
  const { status, stdout, stderr } = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', project, file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...env, ...how },
    timeout: 120_000,
  });
  return { status, output: stdout + stderr };
}

const files = [
  ['server', 'test/server/livekitServer.loopback.test.ts', /No livekit-server 1\.13\.5/],
  ['server', 'test/server/token/joinLength.livekit.test.ts', /No livekit-server 1\.13\.5/],
  ['scripts', 'test/scripts/redisServer.test.ts', /no redis-server at REDIS_SERVER_PATH=/],
] as const;

describe('a test file whose real part (LiveKit server, redis-server) is missing', { timeout: 150_000 }, () => {
  it.each(files)('fails in CI, naming what is missing, rather than passing with its tests skipped (%s: %s)', (project, file, why) => {
    const { status, output } = runVitest(project, file, { CI: 'true' });
    expect(status, output).toBe(1);
    expect(output).toMatch(why);
  });

  it('fails under npm test outside CI too (its stages run with LKCTR_NPM_TEST=1)', () => {
    const [project, file, why] = files[0];
    const { status, output } = runVitest(project, file, { LKCTR_NPM_TEST: '1' });
    expect(status, output).toBe(1);
    expect(output).toMatch(why);
  });

  it('is skipped by hand (npx vitest), saying what is missing', () => {
    const [project, file, why] = files[0];
    const { status, output } = runVitest(project, file, {});
    expect(status, output).toBe(0);
    expect(output).toMatch(/skipped/);
    expect(output).toMatch(why);
  });
});
