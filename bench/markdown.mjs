import { cpus, loadavg, platform, release, totalmem } from 'node:os';

/** A result (see `bench/writeResult.ts`) as a Markdown section: title, baseline, table, notes. */
export function resultToMarkdown(result) {
  const escape = (cell) => String(cell).replaceAll('|', '\\|');
  const lines = [`### ${result.title}`, '', `Baseline: ${result.baseline}`, ''];
  lines.push(`| ${result.columns.map(escape).join(' | ')} |`);
  lines.push(`| ${result.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of result.rows) lines.push(`| ${row.map(escape).join(' | ')} |`);
  if (result.notes?.length) lines.push('', ...result.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}

/** The machine and moment a run measured, for `bench/RESULTS.md`. */
export function machineMarkdown({ startedAt, commit }) {
  const [one, five] = loadavg();
  return [
    `- Date: ${startedAt.toISOString()}`,
    `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores (shared; load average ${one.toFixed(2)} / ${five.toFixed(2)} at the start)`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; OS: ${platform()} ${release()}`,
    `- Node: ${process.version}`,
    `- Commit: ${commit}`,
  ].join('\n');
}
