// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFitsJoin } from '../../../src/server/token/checkFitsJoin';
import { livekitLimits } from '../../../src/core/livekitLimits';
import { mintToken } from '../../../src/server/token/mintToken';
import type { TokenPlan } from '../../../src/server/token/planToken';
import { API_KEY, API_SECRET } from '../../helpers/tokens';
import { propertyRuns } from '../../helpers/propertyRuns';

const issuer = { apiKey: API_KEY, ttlSeconds: 600 };
const metadataPlan = (metadata: string): TokenPlan => ({ identity: 'alice', grants: {}, roomName: 'r', agents: [], metadata });

/** Text of `count` copies of one unit: ASCII, a control character (6 bytes of JSON), a quote, two- to four-byte characters. */
const text = fc
  .record({ unit: fc.constantFrom('a', '\u0001', '"', '\\', 'é', '€', '😀'), count: fc.integer({ min: 0, max: 300_000 }) })
  .map(({ unit, count }) => unit.repeat(count));

/** Runs of the property (60); raise them and pick the seed to explore: `CHECK_FITS_JOIN_PROPERTY_RUNS=600 CHECK_FITS_JOIN_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('CHECK_FITS_JOIN_PROPERTY', 60);

describe('checkFitsJoin', () => {
  // About a hundred signed tokens of up to 2 MB: seconds of CPU, more on a loaded machine.
  it('refuses exactly the plans whose signed token is longer than livekitLimits.joinTokenBytes', { timeout: 60_000 }, async () => {
    const plan = fc
      .record({ metadata: text, attribute: text, agentMetadata: text })
      .map(({ metadata, attribute, agentMetadata }): TokenPlan => ({
        identity: 'alice',
        grants: {},
        roomName: 'standup',
        metadata,
        attributes: { a: attribute },
        agents: [{ agentName: 'agent', metadata: agentMetadata }],
      }));
    // Lengths near the bound: the longest run of each unit that fits, found once by bisection, ± 3.
    const longest = new Map<string, number>();
    const longestRun = (unit: string) => {
      const minted = (count: number) => mintToken(metadataPlan(unit.repeat(count)), { ...issuer, apiSecret: API_SECRET }) as string;
      let [low, high] = [0, 2 ** 21];
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (minted(middle).length <= livekitLimits.joinTokenBytes) low = middle;
        else high = middle - 1;
      }
      return low;
    };
    const nearBound = fc
      .record({ unit: fc.constantFrom('a', '\u0001', 'é', '😀'), delta: fc.integer({ min: -3, max: 3 }) })
      .map(({ unit, delta }) => {
        if (!longest.has(unit)) longest.set(unit, longestRun(unit));
        return metadataPlan(unit.repeat(Math.max(0, longest.get(unit)! + delta)));
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(plan, nearBound), async (p) => {
        const length = (await mintToken(p, { ...issuer, apiSecret: API_SECRET })).length;
        if (length <= livekitLimits.joinTokenBytes) expect(() => checkFitsJoin(p, issuer)).not.toThrow();
        else
          expect(() => checkFitsJoin(p, issuer)).toThrow(
            `The token would be ${length} bytes, longer than a join can carry (${livekitLimits.joinTokenBytes})`,
          );
      }),
      { numRuns: RUNS, ...seed },
    );
  });

  it('names the parts, largest first', () => {
    const plan: TokenPlan = {
      identity: 'alice',
      grants: {},
      roomName: 'r',
      agents: [{ agentName: 'x', metadata: 'm' }],
      metadata: '\u0001'.repeat(200_000),
    };
    expect(() => checkFitsJoin(plan, issuer)).toThrow(/largest first: metadata 1200002, room_config.agents' metadata 5, attributes 2\./);
  });
});
