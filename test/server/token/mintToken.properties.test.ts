// @vitest-environment node
import fc from 'fast-check';
import { AccessToken, RoomAgentDispatch, RoomConfiguration, TokenVerifier, type VideoGrant } from 'livekit-server-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mintToken } from '../../../src/server/token/mintToken';
import { signJwt as signWithWebCrypto } from '../../../src/server/platform/signJwt.web';
import type { TokenPlan } from '../../../src/server/token/planToken';
import { propertyRuns } from '../../helpers/propertyRuns';

/**
 * 10 000 generated requests in `npm test`. `npm run mutation` asks for fewer (test/mutation/vitest.config.ts):
 * a mutant that changes a claim fails within the first few, and 10 000 for each of the hundreds of
 * mutants this test covers would put the run past an hour on two cores.
 */
const { numRuns: RUNS, ...seed } = propertyRuns('MINT_PROPERTY', 10_000);

afterEach(() => vi.useRealTimers());

const text = fc.string({ unit: 'binary', maxLength: 40 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const grants = fc.record(
  {
    canPublish: fc.boolean(),
    canSubscribe: fc.boolean(),
    canPublishData: fc.boolean(),
    canUpdateOwnMetadata: fc.boolean(),
    hidden: fc.boolean(),
    roomAdmin: fc.boolean(),
    agent: fc.boolean(),
    canPublishSources: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<TokenPlan['grants']>;

const plan: fc.Arbitrary<TokenPlan> = fc.record({
  identity: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  name: maybe(text),
  metadata: maybe(text),
  attributes: maybe(fc.dictionary(text, text, { maxKeys: 4 })),
  grants,
  roomName: text,
  agents: fc.array(fc.record({ agentName: text, metadata: maybe(text), deployment: maybe(text) }), { maxLength: 3 }),
});

/** What the SDK mints for the same plan: the code a user would write with `AccessToken`. */
async function sdkToken(p: TokenPlan, apiKey: string, apiSecret: string, ttl: number): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, {
    identity: p.identity,
    name: p.name,
    metadata: p.metadata,
    attributes: p.attributes,
    ttl,
  });
  token.addGrant({
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    ...(p.grants as VideoGrant),
    room: p.roomName,
    roomJoin: true,
  });
  if (p.agents.length > 0) token.roomConfig = new RoomConfiguration({ agents: p.agents.map((agent) => new RoomAgentDispatch(agent)) });
  return token.toJwt();
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('mintToken: the same token livekit-server-sdk mints', () => {
  it('is byte for byte the SDK’s JWT for 10 000 generated plans, verified by TokenVerifier, with node:crypto and with WebCrypto', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await fc.assert(
      fc.asyncProperty(
        plan,
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        async (p, apiKey, apiSecret, ttlSeconds, now) => {
          vi.setSystemTime(now);
          const ours = await mintToken(p, { apiKey, apiSecret, ttlSeconds });
          const theirs = await sdkToken(p, apiKey, apiSecret, ttlSeconds);
          expect(payloadOf(ours)).toEqual(payloadOf(theirs));
          expect(ours).toBe(theirs);
          const [header, payload] = ours.split('.');
          expect(await signWithWebCrypto(Buffer.from(payload!, 'base64url').toString('utf8'), apiSecret)).toBe(ours);
          expect(header).toBe(theirs.split('.')[0]);
          expect(await new TokenVerifier(apiKey, apiSecret).verify(ours, 0)).toMatchObject({ iss: apiKey, sub: p.identity });
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  }, 180_000);
});
