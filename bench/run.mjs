#!/usr/bin/env node
/**
 * `npm run bench`: the package side by side with what users would use instead, every number
 * measured in this run. Prints the table and writes `bench/RESULTS.md` with the machine.
 *
 *   npm run bench               # build, then rows 1–6 (row 5 needs Chromium and the LiveKit server)
 *   npm run bench -- --smoke    # a tiny input on the existing build, rows 1–4 and 6; writes no RESULTS.md
 *   npm run bench -- --no-browser  # skip row 5
 *   npm run bench -- --nextjs   # also row 3b: two `next build`s of a page with and without the package (minutes)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasServerBinary, serverBinary } from '../scripts/livekit-server.mjs';
import { missingChromium } from '../scripts/prerequisites.mjs';
import { machineMarkdown, resultToMarkdown } from './markdown.mjs';
import { bundleRow } from './rows/bundle.mjs';
import { nextjsRow } from './rows/nextjs.mjs';
import { tokenCacheRow } from './rows/tokenCache.mjs';
import { tokenHandlerRow } from './rows/tokenHandler.mjs';
import { tokenLimitsRow } from './rows/tokenLimits.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const smoke = args.has('--smoke');
const withBrowser = !smoke && !args.has('--no-browser');
const startedAt = new Date();
const out = mkdtempSync(join(tmpdir(), 'lkctr-bench-'));
const skipped = [];

function run(command, commandArgs, env = {}) {
  const { status } = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return status === 0;
}

/** Runs the vitest project `name` of `bench/vitest.config.ts`, whose files write their results into `out`. */
function vitestProject(name, env = {}) {
  return run('npx', ['vitest', 'run', '-c', 'bench/vitest.config.ts', '--project', name, '--silent=passed-only'], {
    BENCH_OUT: out,
    BENCH_SMOKE: smoke ? '1' : '0',
    ...env,
  });
}

/** Why row 5 cannot run here, or null. */
function browserRowBlocker() {
  const noChromium = missingChromium();
  if (noChromium) return noChromium;
  if (!hasServerBinary()) return `no LiveKit server at ${serverBinary()} (node scripts/livekit-server.mjs build)`;
  return null;
}

function gitCommit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  return dirty ? `${head} (with uncommitted changes under src/ or bench/)` : head;
}

if (!smoke || !existsSync(join(root, 'dist/index.js'))) {
  if (!run('npm', ['run', 'build', '--silent'])) throw new Error('npm run build failed');
}

const results = [];
if (!vitestProject('jsdom')) throw new Error('bench rows 1–2 (jsdom) failed');
results.push(await bundleRow());
if (args.has('--nextjs')) results.push(nextjsRow());
else skipped.push('3b. What a Next.js page adds with the provider and components: not run (pass --nextjs: two `next build`s, minutes)');
results.push(await tokenHandlerRow({ smoke }));
results.push(await tokenLimitsRow({ smoke }));
results.push(tokenCacheRow({ smoke }));
if (withBrowser) {
  const blocker = browserRowBlocker();
  if (blocker) skipped.push(`5. start() → connected in Chromium: skipped — ${blocker}`);
  else if (!vitestProject('browser')) throw new Error('bench row 5 (Chromium) failed');
} else {
  skipped.push(`5. start() → connected in Chromium: not run (${smoke ? '--smoke' : '--no-browser'})`);
}
for (const file of readdirSync(out)) results.push(JSON.parse(readFileSync(join(out, file), 'utf8')));
rmSync(out, { recursive: true, force: true });
results.sort((a, b) => a.id.localeCompare(b.id));

const expected = ['1-generator-calls', '2-renders', '3-bundle', '4-token-handler', '4b-token-limits', '6-token-cache'];
const missing = expected.filter((id) => !results.some((result) => result.id === id && result.rows.length > 0));
if (missing.length > 0) throw new Error(`bench: no result for ${missing.join(', ')}`);

const tables = results.map(resultToMarkdown).join('\n\n');
const notRun = skipped.length > 0 ? `\n\n### Not measured in this run\n\n${skipped.map((line) => `- ${line}`).join('\n')}` : '';
console.log(`\n${tables}${notRun}\n`);
if (smoke) {
  console.log('bench smoke: every row produced a table (tiny inputs; numbers not meaningful, RESULTS.md untouched)');
} else {
  const markdown = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.mjs`); every number below comes from the one run described here, side by side with its baseline. Machines here are shared and noisy: the ratios and counts are the claims, not the absolute times.',
    '',
    '## Machine',
    '',
    machineMarkdown({ startedAt, commit: gitCommit() }),
    '',
    '## Results',
    '',
    tables + notRun,
    '',
  ].join('\n');
  writeFileSync(join(root, 'bench/RESULTS.md'), markdown);
  console.log('wrote bench/RESULTS.md');
}
