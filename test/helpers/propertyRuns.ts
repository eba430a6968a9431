/**
 * fast-check's run count and seed for the properties of one file, read from the environment: the
 * count from `<name>_RUNS` (else `runs`), the seed from `<name>_SEED` (else a random one, which a
 * failure prints). Raise the count to soak a property; set the seed CI printed to replay a failure
 * (docs/contributing.md). A count that is not a whole number above 0 throws: fast-check would run
 * `NaN` times, that is never, and pass.
 *
 * @example
 * ```ts
 * // CONCAT_BYTES_PROPERTY_RUNS=2000 CONCAT_BYTES_PROPERTY_SEED=<seed> npx vitest run <this file>
 * fc.assert(fc.property(fc.array(fc.uint8Array()), check), propertyRuns('CONCAT_BYTES_PROPERTY', 100));
 * ```
 */
export function propertyRuns(name: string, runs: number): { numRuns: number; seed?: number } {
  const numRuns = wholeNumber(`${name}_RUNS`) ?? runs;
  if (numRuns < 1) throw new Error(`${name}_RUNS must be at least 1: ${numRuns}`);
  const seed = wholeNumber(`${name}_SEED`);
  return seed === undefined ? { numRuns } : { numRuns, seed };
}

/**
 * For a file whose properties run different counts: each count times `<name>_SCALE` (else 1), with
 * the seed from `<name>_SEED`, as {@link propertyRuns} reads them.
 *
 * @example
 * ```ts
 * // PARITY_PROPERTY_SCALE=10 PARITY_PROPERTY_SEED=<seed> npx vitest run <this file>
 * const runs = scaledPropertyRuns('PARITY_PROPERTY');
 * fc.assert(fc.property(requests, check), runs(150));
 * ```
 */
export function scaledPropertyRuns(name: string): (runs: number) => { numRuns: number; seed?: number } {
  const scale = wholeNumber(`${name}_SCALE`) ?? 1;
  if (scale < 1) throw new Error(`${name}_SCALE must be at least 1: ${scale}`);
  const seed = wholeNumber(`${name}_SEED`);
  return (runs) => (seed === undefined ? { numRuns: runs * scale } : { numRuns: runs * scale, seed });
}

function wholeNumber(variable: string): number | undefined {
  const text = process.env[variable];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${variable} must be a whole number: ${JSON.stringify(text)}`);
  return value;
}
