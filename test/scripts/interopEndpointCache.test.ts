import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(join(tmpdir(), 'lkctr-interop-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * `node scripts/interop-endpoints.mjs build` keeps the Go token endpoint in
 * `$LKCTR_CACHE/interop/go-endpoint-<hash>` and uses any file of that name from then on. A build
 * stopped while it wrote the binary (Ctrl+C, a CI timeout) must not leave one there.
 */
describe('the Go token endpoint in the cache (scripts/interop-endpoints.mjs)', { timeout: 60_000 }, () => {
  it('a build cut short leaves no binary under the name later runs use', async () => {
    const cache = join(scratch, 'cache');
    // A `go` that writes the first bytes of its output, then hangs until killed.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'go'),
      '#!/bin/sh\n[ "$1" = version ] && { echo "go version go1.26.0 linux/amd64"; exit 0; }\n' +
        'while [ "$1" != -o ]; do shift; done\nprintf "\\177ELF" > "$2"\nexec sleep 60\n',
    );
    chmodSync(join(bin, 'go'), 0o755);
    const building = spawn(process.execPath, ['scripts/interop-endpoints.mjs', 'build'], {
      cwd: root,
      env: { ...process.env, LKCTR_CACHE: cache, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
      detached: true,
      stdio: 'ignore',
    });
    const interop = join(cache, 'interop');
    const written = () => existsSync(interop) && readdirSync(interop).some((name) => name.startsWith('go-endpoint-'));
    try {
      await expect.poll(written, { timeout: 20_000 }).toBe(true);
    } finally {
      process.kill(-building.pid!, 'SIGKILL'); // the node and its `go`
    }
    expect(readdirSync(interop).filter((name) => /^go-endpoint-[0-9a-f]{12}$/.test(name))).toEqual([]);
  });
});
