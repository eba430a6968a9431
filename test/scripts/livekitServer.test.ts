import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(join(tmpdir(), 'lkctr-livekit-path-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a livekit-server on PATH (scripts/livekit-server.mjs, scripts/prerequisites.mjs)', () => {
  it('of another version is named as the one not used, with the versions the tests take', () => {
    // Homebrew's, say, a release behind the pinned one.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    const onPath = join(bin, 'livekit-server');
    writeFileSync(onPath, '#!/bin/sh\necho "livekit-server version 1.13.2"\n');
    chmodSync(onPath, 0o755);
    const emptyCache = join(scratch, 'cache');
    mkdirSync(emptyCache);

    const { stdout } = spawnSync(process.execPath, ['scripts/prerequisites.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, LKCTR_CACHE: emptyCache },
      timeout: 30_000,
    });
    const line = stdout.split('\n').find((text) => text.startsWith('LiveKit server:'));
    expect(line).toContain(`${onPath} is 1.13.2, not 1.13.5 or a later 1.13`);
  });
});
