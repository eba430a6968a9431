import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { exampleDir, prepareExample } from '../../test/nextjs/prepare.mjs';

const fixtures = fileURLToPath(new URL('../nextjs/', import.meta.url));

function jsFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((file) => file.endsWith('.js') && statSync(file).isFile());
}

/** Builds `bench/nextjs/<variant>` inside the example (its node_modules hold the packed package); gzipped client JS. */
function buildVariant(variant) {
  const dir = `.bench-${variant}`;
  const copy = join(exampleDir, dir);
  rmSync(copy, { recursive: true, force: true });
  cpSync(join(fixtures, variant), copy, { recursive: true });
  try {
    const { status, stdout, stderr } = spawnSync(join(exampleDir, 'node_modules/.bin/next'), ['build', dir], {
      cwd: exampleDir,
      encoding: 'utf8',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
      timeout: 10 * 60_000,
    });
    if (status !== 0) throw new Error(`next build of the ${variant} page failed (exit ${status}):\n${(stdout + stderr).slice(-3_000)}`);
    const files = jsFiles(join(copy, '.next/static'));
    const gzip = files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
    return { files: files.length, gzip };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const kB = (bytes) => (bytes / 1024).toFixed(1);

/**
 * Row 3b: what a Next.js App Router page adds to the browser's JavaScript when it renders the
 * provider and the five components — against the same page on LiveKit alone (its own session,
 * provider and components) and without either. Three `next build`s of `bench/nextjs/*` with the
 * example's dependencies (the package installed from its packed tarball, as a user's app gets
 * it). Slow (minutes): run with `--nextjs`.
 */
export function nextjsRow() {
  prepareExample({ build: false });
  const pages = [
    { name: 'page without LiveKit (a heading only)', ...buildVariant('without') },
    { name: 'baseline: LiveKit alone (TokenSource.endpoint + useSession + SessionProvider + its components)', ...buildVariant('livekit') },
    { name: 'ours: CustomTokenSessionProvider + the five components', ...buildVariant('with') },
  ];
  const [empty, liveKit] = pages;
  return {
    id: '3b-nextjs',
    title: '3b. What a Next.js page adds: client JavaScript of `next build` (all .next/static JS, gzipped)',
    baseline: 'the same page on LiveKit alone',
    columns: ['page', 'gzip kB', 'added over the empty page, kB', 'added over LiveKit alone, kB'],
    rows: pages.map((page) => [page.name, kB(page.gzip), kB(page.gzip - empty.gzip), page === empty ? '–' : kB(page.gzip - liveKit.gzip)]),
  };
}
