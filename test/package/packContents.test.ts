// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What `npm publish` would put in the tarball, as `npm pack --dry-run --json` lists it. */
function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const [pack] = JSON.parse(output) as [{ files: { path: string }[] }];
  return pack.files.map((file) => file.path).sort();
}

describe('the published tarball (npm pack --dry-run)', () => {
  let files: string[];
  beforeAll(() => {
    files = packedFiles();
  }, 60_000);

  it('holds both entries with their types, the stylesheet, the license, readme and changelog', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/server/index.js',
        'dist/server/index.d.ts',
        'dist/server/browser.js',
        'dist/styles.css',
        'dist/styles.css.d.ts',
      ]),
    );
  });

  it('holds only the build, the sources its maps point to, and the package files', () => {
    const unexpected = files.filter(
      (file) => !/^(dist|src)\//.test(file) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(file),
    );
    expect(unexpected).toEqual([]);
  });

  it('holds no tests, stories, fixtures, examples or scripts', () => {
    const offending = files.filter((file) =>
      /(^|\/)(test|tests|__tests__|stories|fixtures|examples|scripts|bench)\/|\.(test|spec|stories)\.[cm]?[jt]sx?$/.test(file),
    );
    expect(offending).toEqual([]);
  });

  it('holds no secrets: no env files, keys, certificates or npm credentials', () => {
    const offending = files.filter((file) => /(^|\/)(\.env(\..*)?|\.npmrc|id_[a-z0-9]+)$|\.(pem|key|p12|pfx|crt)$/i.test(file));
    expect(offending).toEqual([]);
  });
});

describe('what npm pack and npm publish put in the tarball', () => {
  it('is built from the sources then, even in a checkout whose dist/ an earlier build left (prepare skips one)', () => {
    // A checkout as a contributor has it: the sources, and a dist/ from an earlier build of other sources.
    const checkout = mkdtempSync(join(tmpdir(), 'lkctr-pack-'));
    try {
      for (const file of ['package.json', 'src', 'scripts/prepare.mjs', 'vite.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'dist']) {
        cpSync(join(root, file), join(checkout, file), { recursive: true });
      }
      symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
      appendFileSync(join(checkout, 'dist/index.js'), '\n// left by an earlier build\n');
      execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: checkout, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(readFileSync(join(checkout, 'dist/index.js'), 'utf8')).not.toContain('left by an earlier build');
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  }, 120_000);
});
