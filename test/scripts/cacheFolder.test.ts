import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(join(tmpdir(), 'lkctr-cache-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the set-up commands with a $LKCTR_CACHE that cannot be a folder', () => {
  // A file where the cache folder should be (a mistyped LKCTR_CACHE, a stray file in its place).
  const file = join(scratch, 'a-file');
  writeFileSync(file, '');
  const cache = join(file, 'cache');

  it.each([
    ['scripts/runtimes.mjs', 'install'],
    ['scripts/interop-endpoints.mjs', 'build'],
    ['scripts/livekit-server.mjs', 'build'],
  ])('node %s %s says why in one line, without a stack trace', (script, command) => {
    const { status, stderr } = spawnSync(process.execPath, [script, command], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LKCTR_CACHE: cache },
      timeout: 60_000,
    });
    expect(status).toBe(1);
    expect(stderr).toContain(`ENOTDIR: not a directory, mkdir '${cache}/`);
    expect(stderr, 'a stack trace').not.toMatch(/^\s+at /m);
  });
});
