import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { propertyRuns } from './propertyRuns';

afterEach(() => vi.unstubAllEnvs());

/** The values fast-check draws for a property run with `parameters`. */
function drawn(parameters: fc.Parameters<[number]>): number[] {
  const values: number[] = [];
  fc.assert(
    fc.property(fc.integer(), (value) => {
      values.push(value);
    }),
    parameters,
  );
  return values;
}

describe('propertyRuns: a file’s fast-check runs and seed from the environment', () => {
  it('runs the given count from a random seed when the environment names neither', () => {
    vi.stubEnv('SAMPLE_PROPERTY_RUNS', undefined);
    vi.stubEnv('SAMPLE_PROPERTY_SEED', undefined);
    expect(propertyRuns('SAMPLE_PROPERTY', 100)).toEqual({ numRuns: 100 });
    expect(drawn(propertyRuns('SAMPLE_PROPERTY', 100))).toHaveLength(100);
  });

  it('runs <name>_RUNS times from <name>_SEED: the same values again for the same seed', () => {
    vi.stubEnv('SAMPLE_PROPERTY_RUNS', '7');
    vi.stubEnv('SAMPLE_PROPERTY_SEED', '-1868836576');
    const first = drawn(propertyRuns('SAMPLE_PROPERTY', 100));
    expect(first).toHaveLength(7);
    expect(drawn(propertyRuns('SAMPLE_PROPERTY', 100))).toEqual(first);
  });

  it.each(['many', '1.5', '0', '-3'])('refuses <name>_RUNS=%s, which would run the property never or not as asked', (runs) => {
    vi.stubEnv('SAMPLE_PROPERTY_RUNS', runs);
    expect(() => propertyRuns('SAMPLE_PROPERTY', 100)).toThrow(/^SAMPLE_PROPERTY_RUNS must be /);
  });

  it('refuses a <name>_SEED that is no whole number', () => {
    vi.stubEnv('SAMPLE_PROPERTY_SEED', '0x1g');
    expect(() => propertyRuns('SAMPLE_PROPERTY', 100)).toThrow('SAMPLE_PROPERTY_SEED must be a whole number: "0x1g"');
  });
});
