import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreFromCache, saveToCache } from '../nextjs/prepare.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'lkctr-nextjs-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small `node_modules` as `npm ci` leaves it in `examples/nextjs`. */
function installedModules(name: string) {
  const modules = join(scratch, name, 'node_modules');
  mkdirSync(join(modules, 'next'), { recursive: true });
  writeFileSync(join(modules, 'next', 'package.json'), '{"name":"next"}');
  writeFileSync(join(modules, '.package-lock.json'), '{}');
  return modules;
}

/**
 * `test/nextjs/prepare.mjs` keeps the example's `node_modules` (440 MB) in
 * `$LKCTR_CACHE/nextjs-example/<lock hash>` and hard-links later runs from it. A run stopped
 * during that copy (Ctrl+C, a CI timeout) must not leave something the next run takes for it.
 */
describe("the Next.js example's node_modules in the cache (test/nextjs/prepare.mjs)", { timeout: 60_000 }, () => {
  it('a copy into the cache cut short is not restored by the next run', async () => {
    const modules = installedModules('cut-short');
    const cached = join(scratch, 'cut-short', 'cache', 'nextjs-example', 'key');
    // A `cp` that copies one file, then hangs until killed, like a copy of 440 MB stopped halfway.
    const bin = join(scratch, 'cut-short', 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'cp'), '#!/bin/sh\nfor last; do :; done\nmkdir -p "$last" && : > "$last/half-copied"\nexec sleep 60\n');
    chmodSync(join(bin, 'cp'), 0o755);
    const prepare = pathToFileURL(join(import.meta.dirname, '../nextjs/prepare.mjs')).href;
    const saving = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `(await import(${JSON.stringify(prepare)})).saveToCache(${JSON.stringify(modules)}, ${JSON.stringify(cached)})`,
      ],
      { env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }, detached: true, stdio: 'ignore' },
    );
    const cacheParent = join(cached, '..');
    const halfCopied = () =>
      existsSync(cacheParent) && readdirSync(cacheParent).some((entry) => existsSync(join(cacheParent, entry, 'half-copied')));
    try {
      await expect.poll(halfCopied, { timeout: 20_000 }).toBe(true);
    } finally {
      process.kill(-saving.pid!, 'SIGKILL'); // the node and its `cp`
    }

    const restored = join(scratch, 'cut-short', 'restored');
    expect(restoreFromCache(cached, restored), 'restored from a copy cut short').toBe(false);
    expect(existsSync(restored)).toBe(false);
  });

  it('a complete copy is restored, and replaces one cut short under the same name', () => {
    const modules = installedModules('complete');
    const cached = join(scratch, 'complete', 'cache', 'nextjs-example', 'key');
    // What an interrupted `cp -a` straight into the cache (before it copied to a temporary name) left.
    mkdirSync(cached, { recursive: true });
    writeFileSync(join(cached, 'half-copied'), '');

    saveToCache(modules, cached);
    const restored = join(scratch, 'complete', 'restored');
    expect(restoreFromCache(cached, restored)).toBe(true);
    expect(readFileSync(join(restored, 'next', 'package.json'), 'utf8')).toBe('{"name":"next"}');
    expect(existsSync(join(restored, 'half-copied')), 'a file of the copy cut short').toBe(false);
    expect(readdirSync(join(cached, '..')), 'temporary copies left in the cache').toEqual(['key']);
  });
});
