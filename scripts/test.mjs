#!/usr/bin/env node
/**
 * `npm test`: every test, in stages. A stage whose prerequisite is missing fails the run in CI
 * (CI=true) and is skipped loudly elsewhere, with how to get it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIVEKIT_SERVER_VERSION, hasServerBinary, serverBinary } from './livekit-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const only = process.argv.slice(2);

/** @type {{ name: string, command: string, args: string[], env?: Record<string, string>, missing?: () => string | null }[]} */
const stages = [
  { name: 'react18 test deps', command: 'npm', args: ['ci', '--prefix', 'test/react18', '--no-audit', '--no-fund'] },
  { name: 'oldest peers test deps', command: 'npm', args: ['ci', '--prefix', 'test/peers-oldest', '--no-audit', '--no-fund'] },
  { name: 'typecheck', command: 'npx', args: ['tsc', '-p', 'tsconfig.json'] },
  { name: 'typecheck (src against the oldest LiveKit peers)', command: 'npx', args: ['tsc', '-p', 'test/peers-oldest/tsconfig.json'] },
  { name: 'build', command: 'npm', args: ['run', 'build'] },
  { name: 'package checks', command: 'npm', args: ['run', 'check:package'] },
  { name: 'unit (React 19 and 18, oldest LiveKit peers)', command: 'npx', args: ['vitest', 'run'] },
  { name: 'bench smoke', command: 'npm', args: ['run', 'bench', '--', '--smoke'] },
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
];

/** Debian's Chromium, which `npm ci` cannot install. */
function missingChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(chromium) ? null : `no Chromium at ${chromium} — apt-get install chromium (or set CHROMIUM_PATH)`;
}

/** What the end-to-end stage needs that `npm ci` does not install. */
function missingForEndToEnd() {
  const chromium = missingChromium();
  if (chromium) return chromium;
  if (!hasServerBinary()) return `no LiveKit server ${LIVEKIT_SERVER_VERSION} at ${serverBinary()} — node scripts/livekit-server.mjs build (needs Go)`;
  return null;
}

const results = [];
for (const stage of stages) {
  if (only.length > 0 && !only.some((name) => stage.name.includes(name))) continue;
  const missing = stage.missing?.();
  if (missing) {
    if (inCI) {
      console.error(`\n✗ ${stage.name}: prerequisite missing in CI — ${missing}`);
      results.push({ stage: stage.name, ok: false });
      continue;
    }
    console.warn(`\n!!! SKIPPED ${stage.name}: ${missing}\n`);
    results.push({ stage: stage.name, ok: true, skipped: true });
    continue;
  }
  const envPrefix = Object.entries(stage.env ?? {}).map(([key, value]) => `${key}=${value} `).join('');
  console.log(`\n▶ ${stage.name}: ${envPrefix}${stage.command} ${stage.args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(stage.command, stage.args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...stage.env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${status === 0 ? '✓' : '✗'} ${stage.name} (${seconds} s)`);
  results.push({ stage: stage.name, ok: status === 0 });
}

console.log('\nSummary');
for (const { stage, ok, skipped } of results) console.log(`  ${skipped ? 'SKIPPED' : ok ? 'ok     ' : 'FAILED '} ${stage}`);
const passed = results.filter((r) => r.ok && !r.skipped).length;
const failed = results.filter((r) => !r.ok).length;
const skipped = results.filter((r) => r.skipped).length;
console.log(`stages: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
