// @vitest-environment node
import fc from 'fast-check';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { API_KEY } from '../helpers/tokens';
import { handlerConfig } from './handlerConfig';
import { propertyRuns } from '../helpers/propertyRuns';

const SECRET = 'property-test-secret-7c1f0e9ab24d';
const ALLOWED_AGENT = 'support-agent';
const ALLOWED_ROOMS = ['lobby', 'stage'];

const handler = createTokenHandler(
  handlerConfig({ apiSecret: SECRET, agents: [ALLOWED_AGENT], rooms: ALLOWED_ROOMS, maxBodyBytes: 4096, onError: () => {} }),
);

/** Header values a real client could send: visible ASCII and spaces. */
const headerValue = fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;=?@ABCXYZabcxyz[]_{}~'.split('')), maxLength: 40 });

const anyString = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('', 'lobby', 'stage', 'alice', ALLOWED_AGENT, 'admin-agent'));
const anyValue = fc.oneof(
  anyString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyString, { maxLength: 3 }),
  fc.dictionary(anyString, anyString, { maxKeys: 3 }),
);

/** Mostly `valid`, sometimes any value: most bodies pass validation and reach the policies. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: anyValue, weight: 1 });

const agentArb = mostly(
  fc.oneof(
    fc.record(
      { agent_name: fc.constantFrom(ALLOWED_AGENT, 'admin-agent', ''), metadata: mostly(fc.string({ maxLength: 20 })) },
      { requiredKeys: [] },
    ),
    fc.record(
      { agentName: fc.constantFrom(ALLOWED_AGENT, 'admin-agent'), deployment: mostly(fc.string({ maxLength: 10 })) },
      { requiredKeys: [] },
    ),
  ),
);

/** Bodies close to a token request, in snake_case and camelCase, with wrong types mixed in. */
const tokenLikeBody = fc.record(
  {
    room_name: mostly(fc.constantFrom(...ALLOWED_ROOMS, 'secret-room', '')),
    roomName: mostly(fc.constantFrom(...ALLOWED_ROOMS, 'other-room')),
    participant_identity: mostly(fc.constantFrom('alice', 'bob', '')),
    participant_name: mostly(fc.string({ maxLength: 20 })),
    participant_metadata: mostly(fc.string({ maxLength: 50 })),
    participant_attributes: mostly(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 4 })),
    room_config: mostly(fc.record({ agents: mostly(fc.array(agentArb, { maxLength: 3 })) }, { requiredKeys: [] })),
    roomConfig: fc.record({ agents: fc.array(agentArb, { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const bodyText = fc.oneof(
  { arbitrary: tokenLikeBody.map((body) => JSON.stringify(body)), weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), weight: 1 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  { arbitrary: fc.string({ minLength: 4097, maxLength: 5000 }), weight: 1 },
);

const requestArb = fc.record({
  method: fc.oneof(
    fc.constantFrom('POST', 'POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    fc.stringMatching(/^[A-Z]{1,8}$/),
  ),
  contentType: fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/ld+json'),
    headerValue,
  ),
  authorization: fc.oneof(fc.constantFrom('Bearer alice', 'Bearer bob', ''), headerValue),
  origin: fc.option(fc.constantFrom('https://app.example', 'null'), { nil: undefined }),
  body: bodyText,
});

type Arbitrary = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function toRequest({ method, contentType, authorization, origin, body }: Arbitrary): Request {
  const headers: Record<string, string> = { 'Content-Type': contentType, Authorization: authorization };
  if (origin) headers.Origin = origin;
  const withBody = method !== 'GET' && method !== 'HEAD';
  return new Request('http://127.0.0.1/api/token', { method, headers, ...(withBody && { body }) });
}

/** Sends one arbitrary request; returns status, raw text and parsed JSON. */
async function send(input: Arbitrary) {
  const response = await handler(toRequest(input));
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const validRequests = requestArb.filter(({ method }) => !FORBIDDEN_METHODS.has(method));
/** Runs of each property (400); raise them and pick the seed to explore: `TOKEN_HANDLER_PROPERTY_RUNS=4000 TOKEN_HANDLER_PROPERTY_SEED=<seed>`. */
const runs = propertyRuns('TOKEN_HANDLER_PROPERTY', 400);

// 400 runs, most minting a token: a few seconds, more on a loaded machine.
describe('createTokenHandler under arbitrary requests', { timeout: 30_000 }, () => {
  it('never answers 500, and every error is JSON with a code and message', async () => {
    await fc.assert(
      fc.asyncProperty(validRequests, async (input) => {
        const { status, json } = await send(input);
        expect(status).not.toBe(500);
        expect([201, 400, 401, 403, 405, 415]).toContain(status);
        if (status >= 400) expect(json?.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      }),
      runs,
    );
  });

  it('never puts the API secret in a response', async () => {
    await fc.assert(
      fc.asyncProperty(validRequests, async (input) => {
        expect((await send(input)).text).not.toContain(SECRET);
      }),
      runs,
    );
  });

  it('never issues a token to a caller authorize refuses', async () => {
    const refused = validRequests.filter(({ authorization }) => authorization !== 'Bearer alice' && authorization !== 'Bearer bob');
    await fc.assert(
      fc.asyncProperty(refused, async (input) => {
        const { json } = await send(input);
        expect(json?.participant_token).toBeUndefined();
      }),
      runs,
    );
  });

  it('never issues a token for a room or agent the policy refuses, nor another caller’s identity', async () => {
    const verifier = new TokenVerifier(API_KEY, SECRET);
    const posts = validRequests.map((input) => ({
      ...input,
      method: 'POST',
      contentType: 'application/json',
      authorization: 'Bearer alice',
    }));
    await fc.assert(
      fc.asyncProperty(posts, async (input) => {
        const { status, json } = await send(input);
        if (status !== 201) {
          expect(json?.participant_token).toBeUndefined();
          return;
        }
        const claims = await verifier.verify(json!.participant_token as string);
        expect(claims.sub).toBe('alice');
        expect(claims.video?.room).toSatisfy((room: string) => ALLOWED_ROOMS.includes(room) || /^room-[0-9a-f-]{36}$/.test(room));
        for (const agent of claims.roomConfig?.agents ?? []) expect(agent.agentName).toBe(ALLOWED_AGENT);
      }),
      runs,
    );
  });
});
