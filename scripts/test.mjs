#!/usr/bin/env node
/**
 * `npm test`: every test, in stages. A stage whose prerequisite is missing fails the run in CI
 * (CI=true) and is skipped loudly elsewhere, with how to get it.
 *
 *   node scripts/test.mjs e2e redis   # only the stages whose names contain one of the words
 */
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingInteropToolchain } from './interop-endpoints.mjs';
import { buildServer, hasServerBinary } from './livekit-server.mjs';
import { findChromium, missingChromium, missingRedisServer } from './prerequisites.mjs';
import { hasRedisServer } from './redis-server.mjs';
import { installRuntimes } from './runtimes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const only = process.argv.slice(2);

/**
 * Stages run one after another, except consecutive ones of one `group`, which run side by side
 * (each output shown whole once it is done): the static checks only read the sources, and each
 * keeps one core busy — together about 40 s less than one after another on two cores.
 * A stage's `prepare` sets up what its tests need on first use; when it fails, the stage still
 * runs, and the tests that need it fail, naming it.
 * @type {{ name: string, command: string, args: string[], env?: Record<string, string>, group?: string, missing?: () => string | null, prepare?: () => void }[]}
 */
const stages = [
  { name: 'react18 test deps', command: 'npm', args: ['ci', '--prefix', 'test/react18', '--no-audit', '--no-fund'] },
  { name: 'oldest peers test deps', command: 'npm', args: ['ci', '--prefix', 'test/peers-oldest', '--no-audit', '--no-fund'] },
  { name: 'typecheck', command: 'npx', args: ['tsc', '-p', 'tsconfig.json'], group: 'static checks' },
  {
    name: 'lint (ESLint, type-aware, React hooks and Compiler rules; 0 warnings)',
    command: 'npm',
    args: ['run', 'lint'],
    group: 'static checks',
  },
  { name: 'format (Prettier; npm run format rewrites)', command: 'npm', args: ['run', 'format:check'], group: 'static checks' },
  {
    name: 'typecheck (src against the oldest LiveKit peers)',
    command: 'npx',
    args: ['tsc', '-p', 'test/peers-oldest/tsconfig.json'],
    group: 'static checks',
  },
  { name: 'build', command: 'npm', args: ['run', 'build'] },
  { name: 'package checks', command: 'npm', args: ['run', 'check:package'] },
  { name: 'API report (etc/*.api.md; npm run api updates it)', command: 'node', args: ['scripts/api-report.mjs'] },
  {
    name: 'docs samples (every ts/tsx block of README.md and docs/*.md, against the packed package)',
    command: 'node',
    args: ['scripts/check-doc-samples.mjs'],
  },
  {
    name: 'unit (React 19 and 18, oldest LiveKit peers)',
    command: 'npx',
    args: ['vitest', 'run'],
    // Two server tests join a real LiveKit server: built here on first use, like the e2e stages'.
    prepare: buildServer,
  },
  {
    // No lower-case "cluster" in the name: `node scripts/test.mjs cluster` picks the LiveKit cluster stage alone.
    name: 'redis (limits on two handler instances sharing a real Redis, and on a Redis Cluster of three masters; CORS and Retry-After in Chromium)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/redis/vitest.config.ts'],
    missing: missingForLimits,
  },
  {
    name: 'install from git (prepare builds dist/, both entries import)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/install/vitest.config.ts'],
  },
  { name: 'bench smoke', command: 'npm', args: ['run', 'bench', '--', '--smoke'] },
  {
    name: 'runtimes (the built /server entry on Node 20 and 24, Bun, Deno, workerd, Edge Runtime; limits in Redis on the first four)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/runtimes/vitest.config.ts'],
    missing: () => missingRedis() ?? missingServerRuntimes(),
  },
  { name: 'storybook build', command: 'npx', args: ['storybook', 'build', '-o', 'storybook-static', '--quiet', '--disable-telemetry'] },
  {
    name: 'storybook (every story and docs page in Chromium, play functions)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/storybook/vitest.config.ts'],
    missing: missingChromium,
  },
  {
    name: 'e2e (Chromium, LiveKit server, agent)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/e2e/vitest.config.ts'],
    missing: missingForEndToEnd,
  },
  {
    name: 'storybook live (the Playground with the agent: accessibility, two browser contexts, LiveKit server)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/storybook/live.vitest.config.ts'],
    missing: missingForEndToEnd,
  },
  {
    name: "npm start (Storybook's port taken, a LiveKit port taken)",
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/storybook/start.vitest.config.ts'],
    missing: missingForEndToEnd,
  },
  {
    name: 'e2e on the oldest LiveKit peers (connect scenario)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/e2e/vitest.config.ts'],
    env: { E2E_PEERS: 'oldest' },
    missing: missingForEndToEnd,
  },
  {
    name: 'nextjs (packed package, next build, next start, Chromium, LiveKit server, agent)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/nextjs/vitest.config.ts'],
    missing: missingForEndToEnd,
  },
  {
    name: 'interop (token endpoints written with the Go and Python SDKs, Chromium, LiveKit server, agent)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/interop/e2e/vitest.config.ts'],
    missing: () => missingForEndToEnd() ?? missingInteropToolchain(),
  },
  {
    name: 'cluster (two LiveKit nodes sharing one Redis, Chromium, agent)',
    command: 'npx',
    args: ['vitest', 'run', '-c', 'test/cluster/vitest.config.ts'],
    missing: () => missingForEndToEnd() ?? missingRedis(),
  },
];

// Chromium wherever it is installed (scripts/prerequisites.mjs): the stages read CHROMIUM_PATH.
const chromium = findChromium();
if (chromium) process.env.CHROMIUM_PATH = chromium;
// Tells the tests that npm test runs them: one that needs a missing part fails rather than skips
// (test/helpers/prerequisites.ts), as in CI.
process.env.LKCTR_NPM_TEST = '1';

/** Node 24, Bun, Deno, workerd and Edge Runtime: npm packages `npm ci` does not install, installed here on first use. */
function missingServerRuntimes() {
  try {
    installRuntimes();
    return null;
  } catch (error) {
    return `the server runtimes could not be installed (${error instanceof Error ? error.message : error}) — node scripts/runtimes.mjs install shows why`;
  }
}

/** Debian's redis-server (the limits and cluster stages start it themselves on 127.0.0.1). */
function missingRedis() {
  return missingRedisServer() ?? (hasRedisServer() ? null : 'redis-server --version failed: reinstall it');
}

/** The limits stage: Redis, and Chromium. */
function missingForLimits() {
  return missingRedis() ?? missingChromium();
}

/** What the end-to-end stages need that `npm ci` does not install; the LiveKit server is built here on first use (needs Go). */
function missingForEndToEnd() {
  const noChromium = missingChromium();
  if (noChromium) return noChromium;
  if (hasServerBinary()) return null;
  try {
    buildServer();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Runs a stage with its output passed through as it comes — or, `beside` other stages, held until
 * it is done — and kept for the failure digest.
 */
function run(stage, beside) {
  const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
  const child = spawn(stage.command, stage.args, {
    cwd: root,
    stdio: ['inherit', 'pipe', 'pipe'],
    env: { ...process.env, ...color, ...stage.env },
  });
  let output = '';
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    from.on('data', (chunk) => {
      if (!beside) to.write(chunk);
      output += chunk;
    });
  }
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ status: 1, output: `${output}\nError: could not run ${stage.command}: ${error.message}` }));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/**
 * The lines of a failed stage's output that say why — failing tests, assertion and other errors —
 * so the end of the log (all a CI summary may show) names the cause, not only the stage.
 */
function whyItFailed(output) {
  const lines = stripVTControlCharacters(output)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => /\bFAIL\b|Error\b|error TS\d|Expected|Received|✗|×|Timed out|timed out/.test(line));
  return [...new Set(lines)].slice(0, 30);
}

/** Runs one stage (`beside` others: its output shown whole once it is done) and says how it went. */
async function runStage(stage, beside) {
  const missing = stage.missing?.();
  if (missing) {
    if (inCI) {
      console.error(`\n✗ ${stage.name}: prerequisite missing in CI — ${missing}`);
      return { stage: stage.name, ok: false };
    }
    console.warn(`\n!!! SKIPPED ${stage.name}: ${missing}\n`);
    return { stage: stage.name, ok: true, skipped: true };
  }
  try {
    stage.prepare?.();
  } catch (error) {
    console.error(`\n!!! ${stage.name}: ${error instanceof Error ? error.message : error}`);
  }
  const envPrefix = Object.entries(stage.env ?? {})
    .map(([key, value]) => `${key}=${value} `)
    .join('');
  const heading = `\n▶ ${stage.name}: ${envPrefix}${stage.command} ${stage.args.join(' ')}`;
  if (!beside) console.log(heading);
  const started = Date.now();
  const { status, output } = await run(stage, beside);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (beside) process.stdout.write(`${heading}\n${output}`);
  console.log(`${status === 0 ? '✓' : '✗'} ${stage.name} (${seconds} s)`);
  return { stage: stage.name, ok: status === 0, why: status === 0 ? [] : whyItFailed(output) };
}

const selected = stages.filter((stage) => only.length === 0 || only.some((name) => stage.name.includes(name)));
// A name that matches nothing is a typo: say so, rather than pass with nothing run.
const unmatched = only.filter((name) => !stages.some((stage) => stage.name.includes(name)));
if (unmatched.length > 0) {
  console.error(`No stage matches ${unmatched.map((name) => `"${name}"`).join(', ')}. A stage runs when its name contains one given:`);
  for (const { name } of stages) console.error(`  ${name}`);
  process.exit(2);
}
const results = [];
for (let next = 0; next < selected.length;) {
  // The next stage, and those of its group right after it.
  const { group } = selected[next];
  let end = next + 1;
  while (group && selected[end]?.group === group) end += 1;
  const batch = selected.slice(next, end);
  next = end;
  if (batch.length > 1) console.log(`\n▶ ${group}, side by side: ${batch.map((stage) => stage.name).join('; ')}`);
  results.push(...(await Promise.all(batch.map((stage) => runStage(stage, batch.length > 1)))));
}

console.log('\nSummary');
for (const { stage, ok, skipped } of results) console.log(`  ${skipped ? 'SKIPPED' : ok ? 'ok     ' : 'FAILED '} ${stage}`);
const passed = results.filter((r) => r.ok && !r.skipped).length;
const failed = results.filter((r) => !r.ok).length;
const skipped = results.filter((r) => r.skipped).length;
console.log(`stages: ${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const { stage, why } of results.filter((r) => r.why?.length > 0)) {
  console.log(`\nWhy "${stage}" failed (from its output above):`);
  for (const line of why) console.log(`  ${line.slice(0, 300)}`);
}
process.exit(failed > 0 ? 1 : 0);
