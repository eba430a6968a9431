// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/server/request/concatBytes';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `CONCAT_BYTES_PROPERTY_RUNS` / `CONCAT_BYTES_PROPERTY_SEED`. */
const RUNS = propertyRuns('CONCAT_BYTES_PROPERTY', 100);

const total = (chunks: Uint8Array[]) => chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);

describe('concatBytes', () => {
  it('joins chunks in order into one array of their total length', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array()), (chunks) => {
        const joined = concatBytes(chunks, total(chunks));
        expect([...joined]).toEqual(chunks.flatMap((chunk) => [...chunk]));
      }),
      RUNS,
    );
  });

  it('returns the only chunk itself, without copying it', () => {
    const chunk = Uint8Array.of(1, 2, 3);
    expect(concatBytes([chunk], 3)).toBe(chunk);
  });

  it('returns an empty array for no chunks', () => {
    expect(concatBytes([], 0)).toEqual(new Uint8Array(0));
  });
});
