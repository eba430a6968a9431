// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../../src/server';
import { handlerConfig, tokenRequest } from '../handlerConfig';
import { readResponse } from '../verify';
import { propertyRuns } from '../../helpers/propertyRuns';

/**
 * Each of LiveKit's limits the README and docs/server-security.md state (names 256 bytes of UTF-8,
 * metadata 512 KiB, attributes 64 KiB), at the bound and one byte past it, in every field that
 * carries it, with text of one- to four-byte characters: the bound passes into the token as sent,
 * one byte more is 400 `invalid_body` naming the field.
 */
const KiB = 1024;
const FIELDS = [
  { path: 'room_name', bound: 256, body: (value: string) => ({ room_name: value }), claim: (c: Claims) => c.video?.room },
  { path: 'participant_name', bound: 256, body: (value: string) => ({ participant_name: value }), claim: (c: Claims) => c.name },
  { path: 'participant_identity', bound: 256, body: (value: string) => ({ participant_identity: value }), claim: (c: Claims) => c.sub },
  {
    path: 'participant_metadata',
    bound: 512 * KiB,
    body: (value: string) => ({ participant_metadata: value }),
    claim: (c: Claims) => c.metadata,
  },
  {
    path: 'participant_attributes',
    bound: 64 * KiB,
    // Keys and values together: a one-byte key, the rest in its value.
    keyBytes: 1,
    body: (value: string) => ({ participant_attributes: { k: value } }),
    claim: (c: Claims) => c.attributes?.['k'],
  },
  {
    path: 'room_config.agents.0.agent_name',
    bound: 256,
    body: (value: string) => ({ room_config: { agents: [{ agent_name: value }] } }),
    claim: (c: Claims) => c.roomConfig?.agents?.[0]?.agentName,
  },
  {
    path: 'room_config.agents.0.deployment',
    bound: 256,
    body: (value: string) => ({ room_config: { agents: [{ agent_name: 'a', deployment: value }] } }),
    claim: (c: Claims) => c.roomConfig?.agents?.[0]?.deployment,
  },
  {
    path: 'room_config.agents.0.metadata',
    bound: 512 * KiB,
    body: (value: string) => ({ room_config: { agents: [{ agent_name: 'a', metadata: value }] } }),
    claim: (c: Claims) => c.roomConfig?.agents?.[0]?.metadata,
  },
] as const;
type Claims = NonNullable<Awaited<ReturnType<typeof readResponse>>['claims']>;

const handler = createTokenHandler(
  handlerConfig({
    authorize: () => ({ identity: 'kiosk', allowRequestedIdentity: true }),
    rooms: () => true,
    agents: () => true,
    maxBodyBytes: 2 * 1024 * KiB,
    onError: () => {},
  }),
);

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** Text of exactly `size` bytes of UTF-8: `units` repeated, topped up with ASCII. */
function textOfBytes(size: number, unit: string): string {
  const wide = unit.repeat(Math.floor(size / bytes(unit)));
  return wide + 'a'.repeat(size - bytes(wide));
}

/** Runs of the property (60); raise them and pick the seed to explore: `LIVEKIT_LIMITS_BOUNDS_PROPERTY_RUNS=600 LIVEKIT_LIMITS_BOUNDS_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('LIVEKIT_LIMITS_BOUNDS_PROPERTY', 60);

describe("LiveKit's limits, at and one byte past each bound", { timeout: 60_000 }, () => {
  it('issues the text at the bound as sent and refuses one byte more with invalid_body naming the field', async () => {
    const cases = fc.record({
      field: fc.constantFrom(...FIELDS),
      over: fc.boolean(),
      unit: fc.constantFrom('a', 'é', '€', '😀', 'a😀é'),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ field, over, unit }) => {
        const value = textOfBytes(field.bound - ('keyBytes' in field ? field.keyBytes : 0) + (over ? 1 : 0), unit);
        const { status, body, claims } = await readResponse(await handler(tokenRequest(field.body(value))));
        if (over) {
          expect(status).toBe(400);
          expect(body.error?.code).toBe('invalid_body');
          expect(body.error?.message).toContain(`${field.path}: must be at most ${field.bound} bytes`);
        } else {
          expect(status).toBe(201);
          expect(field.claim(claims!)).toBe(value);
        }
      }),
      { numRuns: RUNS, ...seed },
    );
  });
});
