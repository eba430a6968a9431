#!/usr/bin/env node
/**
 * `npm run mutation [-- stryker options]`: runs Stryker (stryker.config.mjs) over `src/core` and
 * `src/server`, then writes the score per file and every surviving mutant into MUTATION.md,
 * between its `mutation-report` markers. Exits non-zero when Stryker does (score under `break`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const { status } = spawnSync('npx', ['stryker', 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const minutes = ((Date.now() - started) / 60_000).toFixed(1);

const report = JSON.parse(readFileSync(`${root}.cache/mutation/mutation.json`, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

// Incremental unless --force: only mutants whose code or covering tests changed were run again.
const kind = process.argv.includes('--force') ? 'every mutant run' : 'incremental: only what changed since the last run';
const rows = [];
const survivors = [];
const equivalents = [];
const total = { detected: 0, undetected: 0, equivalent: 0, static: 0 };
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status));
  const ignored = mutants.filter((m) => m.status === 'Ignored');
  // Stryker ignores mutants of module-level code itself (`ignoreStatic`); every other ignored
  // mutant carries a `// Stryker disable next-line <mutator>: <reason>` comment in the source.
  const isStatic = (m) => /static/i.test(m.statusReason ?? '');
  const equivalent = ignored.filter((m) => !isStatic(m));
  total.detected += detected;
  total.undetected += undetected.length;
  total.equivalent += equivalent.length;
  total.static += ignored.length - equivalent.length;
  rows.push(
    `| \`${file}\` | ${detected} | ${undetected.length} | ${equivalent.length} | ${percent(detected, detected + undetected.length)} |`,
  );
  for (const m of undetected) survivors.push(`- \`${file}:${m.location.start.line}\` ${describe(m)} (${m.status})`);
  for (const m of equivalent) equivalents.push(`- \`${file}:${m.location.start.line}\` ${describe(m)}: ${m.statusReason}`);
}
const score = percent(total.detected, total.detected + total.undetected);

const section = [
  '<!-- mutation-report:start (written by npm run mutation) -->',
  `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} min wall clock (${kind}), on ${Object.keys(report.files).length} files.`,
  `**Mutation score: ${score}** (${total.detected} detected of ${total.detected + total.undetected}; killed or timed out). ` +
    `Not scored: ${total.equivalent} equivalent mutants, each with its reason below, and ${total.static} mutants of module-level code (\`ignoreStatic\`).`,
  '',
  '| file | detected | survived | equivalent | score |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  survivors.length ? 'Survivors (tests still to write):' : 'No survivors.',
  '',
  ...survivors,
  '',
  '### Equivalent mutants',
  '',
  'Mutants no test can kill because no caller can observe the difference; each is marked in the source with',
  '`// Stryker disable next-line <mutator>: <reason>`, and the reason is repeated here:',
  '',
  ...equivalents,
  '<!-- mutation-report:end -->',
].join('\n');

const path = `${root}MUTATION.md`;
const doc = readFileSync(path, 'utf8');
writeFileSync(path, doc.replace(/<!-- mutation-report:start[\s\S]*<!-- mutation-report:end -->/, section));
console.log(`\nMutation score ${score}: written to MUTATION.md`);
process.exit(status ?? 1);

/** The mutator and its replacement, on one line. */
function describe(m) {
  const replacement = String(m.replacement ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, 80);
  return `${m.mutatorName} → \`${replacement.replaceAll('`', "'")}\``;
}

function percent(part, whole) {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`;
}
