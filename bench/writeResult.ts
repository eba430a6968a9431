import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of the benchmark table: its own sub-table, measured in one run, beside its baseline. */
export interface BenchResult {
  id: string;
  title: string;
  /** What the package is compared with. */
  baseline: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

/** `BENCH_SMOKE=1`: a tiny input, to prove the script still works (`npm test`'s bench smoke stage). */
export const isSmoke = process.env.BENCH_SMOKE === '1';

/** Hands a result to `bench/run.mjs` through `$BENCH_OUT/<id>.json`. */
export function writeResult(result: BenchResult): void {
  const dir = process.env.BENCH_OUT;
  if (!dir) throw new Error('BENCH_OUT is not set: run the benchmarks with npm run bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.id}.json`), JSON.stringify(result, null, 2));
}

/** `a ÷ b` with two decimals, or `–` when `b` is zero. */
export function ratio(a: number, b: number): string {
  return b === 0 ? '–' : `${(a / b).toFixed(2)}×`;
}
