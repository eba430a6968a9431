// @vitest-environment node
import { createServer, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeHandler, type TokenHandlerConfig } from '../../../src/server';
import { API_KEY, API_SECRET } from '../../helpers/tokens';
import { handlerConfig } from '../handlerConfig';
import { listenInTestRange } from '../listen';
import { scaledPropertyRuns } from '../../helpers/propertyRuns';

/**
 * The Fetch handler and `toNodeHandler` (real `node:http` servers: the handler itself, and a
 * wrapper served through a `Request`) fed the same generated requests: the same status, error
 * code and CORS headers, only documented answers, and a 201 carries exactly what the policies
 * allowed.
 */

const MAX_BODY_BYTES = 2048;
const BODY_TIMEOUT_MS = 300;
const ALLOWED_ROOMS = ['lobby', 'stage'];
const ALLOWED_AGENTS = ['support-agent', 'notes'];
const ALLOWED_ORIGIN = 'https://app.example';

/** Every code the handler documents, with its status (TokenHandlerErrorCode). */
const STATUS_BY_CODE: Record<string, number> = {
  body_too_large: 400,
  invalid_json: 400,
  invalid_body: 400,
  unauthorized: 401,
  forbidden: 403,
  identity_not_allowed: 403,
  room_not_allowed: 403,
  agent_not_allowed: 403,
  attribute_not_allowed: 403,
  method_not_allowed: 405,
  request_timeout: 408,
  unsupported_media_type: 415,
};

const reported: unknown[] = [];

const config: TokenHandlerConfig = handlerConfig({
  authorize: (request) => {
    const identity = request.headers.get('authorization')?.match(/^Bearer (\S+)$/)?.[1];
    if (identity === 'kiosk') return { identity, allowRequestedIdentity: true, attributes: { 'lk.kiosk': 'yes' } };
    return identity === 'alice' || identity === 'bob' ? { identity } : null;
  },
  rooms: ALLOWED_ROOMS,
  agents: ALLOWED_AGENTS,
  maxAgentsPerToken: 2,
  maxBodyBytes: MAX_BODY_BYTES,
  bodyTimeoutMs: BODY_TIMEOUT_MS,
  cors: { origin: [ALLOWED_ORIGIN], credentials: true },
  onError: (error) => void reported.push(error),
});
const fetchHandler = createTokenHandler(config);

/** `toNodeHandler` serving the handler itself (straight from Node's request) and a handler that wraps it (through a `Request`). */
const servers = [
  createServer(toNodeHandler(createTokenHandler(config))),
  createServer(
    toNodeHandler(
      (
        (tokens) => (request: Request) =>
          tokens(request)
      )(createTokenHandler(config)),
    ),
  ),
];
const ports: number[] = [];

beforeAll(async () => {
  for (const server of servers) ports.push(await listenInTestRange(server));
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

// ----- what is generated -----

const METHODS = [...Array<string>(12).fill('POST'), 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'PURGE'];
const WITHOUT_BODY = new Set(['GET', 'HEAD']);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset=UTF-8') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/ld+json',
      'application/json;charset="utf-8"',
      'application/json ; foo=bar',
      'application/json; charset=iso-8859-1',
      'text/plain',
      'text/plain;,application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'application/json/x',
      '*/*',
      'json',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Bearer alice', 'Bearer bob', 'Bearer kiosk') },
  { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer  alice', 'bearer alice', 'Basic YWxpY2U6eA==', 'Bearer mallory', '') },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const origin = fc.option(fc.constantFrom(ALLOWED_ORIGIN, 'https://evil.example', 'null', 'https://app.example.evil'), { nil: undefined });
const requestHeaders = fc.option(fc.constantFrom('content-type', 'content-type, authorization', 'x-custom'), { nil: undefined });

/** Strings around every edge the schema has: empty, unicode, lone surrogates, prototype names, names at and past 256 bytes. */
const text = fc.oneof(
  fc.constantFrom('', 'lobby', 'stage', 'secret', 'alice', 'bob', ...ALLOWED_AGENTS, 'admin-agent', 'lk.agent.state', 'LK.x', 'lk-ok'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'),
  fc.constantFrom(
    'é'.repeat(128),
    'é'.repeat(129),
    'a'.repeat(256),
    'a'.repeat(257),
    '😀'.repeat(64),
    '😀'.repeat(65),
    'x\uD800',
    '\uDFFF',
  ),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 20, arbitrary: valid },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 2 }), fc.object({ maxDepth: 1 })),
    },
  );

const agent = mostly(
  fc.record(
    {
      agent_name: mostly(fc.constantFrom(...ALLOWED_AGENTS, ...ALLOWED_AGENTS, 'admin-agent')),
      agentName: mostly(fc.constantFrom(...ALLOWED_AGENTS, 'admin-agent')),
      metadata: mostly(text),
      deployment: mostly(text),
    },
    { requiredKeys: [] },
  ),
);

const attributes = fc.dictionary(text, text, { maxKeys: 4 });

const tokenBody = fc.record(
  {
    room_name: mostly(fc.constantFrom(...ALLOWED_ROOMS, ...ALLOWED_ROOMS, 'secret', '')),
    roomName: mostly(fc.constantFrom(...ALLOWED_ROOMS, 'secret')),
    participant_identity: mostly(fc.constantFrom('alice', 'bob', 'guest-1', '')),
    participant_name: mostly(text),
    participantName: mostly(text),
    participant_metadata: mostly(text),
    participant_attributes: mostly(attributes),
    participantAttributes: mostly(attributes),
    room_config: mostly(fc.record({ agents: mostly(fc.array(agent, { maxLength: 3 })) }, { requiredKeys: [] })),
    roomConfig: mostly(fc.record({ agents: fc.array(agent, { maxLength: 2 }) }, { requiredKeys: [] })),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

const encode = (value: string) => new TextEncoder().encode(value);

/** Body texts: mostly token requests; also raw JSON, broken JSON, text edited by hand (duplicate and prototype keys), deep nesting, bytes that are not UTF-8, sizes at and past the bound. */
const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 10, arbitrary: tokenBody.map((value) => encode(JSON.stringify(value))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => encode(JSON.stringify(value))) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map(encode) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '{"room_name":"secret","room_name":"lobby"}',
        '{"room_name":"lobby","room_name":"secret"}',
        '{"__proto__":{"room_name":"secret"}}',
        '{"participant_attributes":{"__proto__":"x"}}',
        '{"participant_attributes":{"__proto__":{"a":"b"}}}',
        '{"room_config":{"__proto__":{"agents":[{"agent_name":"admin-agent"}]}}}',
        '{"constructor":{"prototype":{"room_name":"secret"}}}',
        '{"participant_attributes":{"constructor":"x","toString":"y"}}',
        '{"room_name":"lobby\\ud800"}',
        '{"participant_attributes":{"k\\udc00":"v"}}',
        '  ',
        '',
        'null',
        '[]',
        '"lobby"',
        '{"room_name":"lobby"',
        '\uFEFF{"room_name":"lobby"}',
        '{"room_name":"lobby"} x',
      )
      .map(encode),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 1000 }).map((depth) => encode(`{"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`)),
  },
  { weight: 1, arbitrary: fc.constantFrom(Uint8Array.of(0x7b, 0xff, 0x7d), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80)) },
  {
    weight: 2,
    // A body of exactly the bound, give or take a byte; multi-byte text puts the bound inside a character.
    arbitrary: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.constantFrom('a', 'é', '😀')).map(([delta, unit]) => {
      const prefix = '{"participant_metadata":"';
      const filler = unit.repeat(Math.ceil((MAX_BODY_BYTES + delta) / encode(unit).length));
      const bytes = encode(`${prefix}${filler}"}`);
      const size = MAX_BODY_BYTES + delta;
      const cut = encode(`${prefix}${filler}`).slice(0, size - 2);
      return bytes.length === size ? bytes : new Uint8Array([...cut, 0x22, 0x7d]);
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES * 8 }).map((size) => new Uint8Array(size).fill(0x20)) },
);

/** How the body is framed: a Content-Length (true or a lie no bigger than the body), or chunks with pauses; or stalled half-way. */
const framing = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('length' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('chunked' as const),
      cuts: fc.array(fc.nat(), { maxLength: 4 }),
      pauseMs: fc.integer({ min: 0, max: 10 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stalled' as const), sent: fc.nat(), chunked: fc.boolean() }) },
);

type Framing =
  { kind: 'length' } | { kind: 'chunked'; cuts: number[]; pauseMs: number } | { kind: 'stalled'; sent: number; chunked: boolean };

/** One generated request: what is sent, and how its body is framed. */
interface Generated {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  origin: string | undefined;
  requestHeaders: string | undefined;
  body: Uint8Array;
  framing: Framing;
}

const requestArb: fc.Arbitrary<Generated> = fc.record({
  method: fc.constantFrom(...METHODS),
  contentType,
  authorization,
  origin,
  requestHeaders,
  body,
  framing,
});

// ----- sending the same request both ways -----

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The headers compared between the two: CORS, caching, content type, Allow and Retry-After. */
const COMPARED = /^(access-control-|vary$|allow$|retry-after$|cache-control$|content-type$)/;

function pick(entries: Iterable<[string, string | string[] | undefined]>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of entries)
    if (COMPARED.test(name.toLowerCase()) && value !== undefined) picked[name.toLowerCase()] = String(value);
  return picked;
}

function headersOf(input: Generated): Record<string, string> {
  const headers: Record<string, string> = {};
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  if (input.authorization !== undefined) headers.authorization = input.authorization;
  if (input.origin !== undefined) headers.origin = input.origin;
  if (input.requestHeaders !== undefined) headers['access-control-request-headers'] = input.requestHeaders;
  return headers;
}

/** The pieces of the body as they are sent, and whether it is left unfinished. */
function piecesOf(input: Generated): { pieces: Uint8Array[]; declared?: number; stalls: boolean } {
  const { body, framing } = input;
  if (framing.kind === 'length') return { pieces: [body], declared: body.length, stalls: false };
  if (framing.kind === 'chunked') {
    const cuts = [...new Set(framing.cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
    const pieces = [0, ...cuts].map((start, index) => body.slice(start, [...cuts, body.length][index])).filter((piece) => piece.length > 0);
    return { pieces, stalls: false };
  }
  const sent = body.length === 0 ? 0 : framing.sent % body.length;
  return { pieces: [body.slice(0, sent)], stalls: true, ...(!framing.chunked && { declared: body.length + 1 }) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function viaFetch(input: Generated): Promise<Answer> {
  const headers = headersOf(input);
  const { pieces, declared, stalls } = piecesOf(input);
  const pauseMs = input.framing.kind === 'chunked' ? input.framing.pauseMs : 0;
  if (declared !== undefined) headers['content-length'] = String(declared);
  const withBody = !WITHOUT_BODY.has(input.method);
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < pieces.length) {
        if (index > 0) await pause(pauseMs);
        controller.enqueue(pieces[index++]);
      } else if (!stalls) controller.close();
      else await new Promise(() => {}); // never more
    },
  });
  const request = new Request('http://127.0.0.1/api/token', {
    method: input.method,
    headers,
    ...(withBody && { body: stream, duplex: 'half' }),
  });
  const response = await fetchHandler(request);
  return { status: response.status, headers: pick(response.headers), text: await response.text() };
}

/**
 * Sends `input` with node:http. `undefined` when the connection broke before an answer arrived: the
 * server closed it on a body it refused unread while the client was still sending (the reset can
 * take the answer with it), which the caller checks was a refusal.
 */
function viaNode(input: Generated, port: number): Promise<Answer | undefined> {
  const headers: Record<string, string> = headersOf(input);
  const withBody = !WITHOUT_BODY.has(input.method);
  const { pieces, declared } = withBody ? piecesOf(input) : { pieces: [], declared: undefined };
  const pauseMs = input.framing.kind === 'chunked' ? input.framing.pauseMs : 0;
  if (withBody) {
    if (declared !== undefined) headers['content-length'] = String(declared);
    else headers['transfer-encoding'] = 'chunked';
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: input.method, path: '/api/token', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: pick(Object.entries(res.headers)),
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', () => resolve(undefined)); // settles nothing once the answer has ended
    void (async () => {
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) await pause(pauseMs);
        if (!req.destroyed) req.write(piece);
      }
      // A stalled body is never ended: the server answers (408 or earlier) and closes.
      if (!(input.framing.kind === 'stalled' && withBody)) req.end();
    })();
  });
}

// ----- what must hold -----

function errorOf(answer: Answer): { code: string; message: string } | undefined {
  if (answer.text === '') return undefined;
  return (JSON.parse(answer.text) as { error?: { code: string; message: string } }).error;
}

const verifier = new TokenVerifier(API_KEY, API_SECRET);

/** What the token must carry for the sent body, decided here from the JSON on its own. */
async function expectTokenAsAllowed(input: Generated, answer: Answer): Promise<void> {
  const { participant_token: jwt } = JSON.parse(answer.text) as { participant_token: string };
  const claims = await verifier.verify(jwt);
  const sentText = new TextDecoder().decode(input.body);
  const sent = (sentText.trim() === '' ? {} : JSON.parse(sentText)) as Record<string, any>;
  const caller = input.authorization!.slice('Bearer '.length);
  const requested = sent.participant_identity || undefined;
  expect(claims.sub).toBe(caller === 'kiosk' ? (requested ?? 'kiosk') : caller);
  const room = sent.room_name || sent.roomName;
  if (room) expect(claims.video?.room).toBe(room);
  else expect(claims.video?.room).toMatch(/^room-[0-9a-f-]{36}$/);
  expect(ALLOWED_ROOMS.includes(claims.video!.room!) || claims.video!.room!.startsWith('room-')).toBe(true);
  const agents = claims.roomConfig?.agents ?? [];
  expect(agents.length).toBeLessThanOrEqual(2);
  for (const dispatched of agents) expect(ALLOWED_AGENTS).toContain(dispatched.agentName);
  const askedAgents = ((sent.room_config ?? sent.roomConfig)?.agents ?? []) as Record<string, unknown>[];
  expect(agents.length).toBe(
    new Set(askedAgents.map((a) => JSON.stringify([a.agent_name || a.agentName, a.metadata || '', a.deployment || '']))).size,
  );
  for (const key of Object.keys(claims.attributes ?? {})) {
    if (key.toLowerCase().startsWith('lk.')) expect(caller === 'kiosk' && key === 'lk.kiosk').toBe(true);
  }
  if (caller === 'kiosk') expect(claims.attributes?.['lk.kiosk']).toBe('yes');
}

/** Sends `input` to the Fetch handler and to both Node servers, and checks every answer. */
async function expectAlike(input: Generated): Promise<void> {
  reported.length = 0;
  const [fetched, ...answers] = await Promise.all([viaFetch(input), ...ports.map((port) => viaNode(input, port))]);
  expect(reported).toEqual([]);
  if (answers.includes(undefined)) expect(fetched.status).toBeGreaterThanOrEqual(400);
  const served = answers.filter((answer) => answer !== undefined);
  for (const answer of served)
    expect({ status: answer.status, headers: answer.headers }).toEqual({ status: fetched.status, headers: fetched.headers });
  if (input.method === 'HEAD') return;
  if (fetched.status === 204) {
    expect(input.method).toBe('OPTIONS');
    expect(fetched.text).toBe('');
    return;
  }
  if (fetched.status === 201) {
    expect(input.method).toBe('POST');
    await expectTokenAsAllowed(input, fetched);
    for (const answer of served) await expectTokenAsAllowed(input, answer);
    return;
  }
  const error = errorOf(fetched)!;
  expect(error).toEqual({ code: expect.any(String), message: expect.any(String) });
  expect(STATUS_BY_CODE[error.code]).toBe(fetched.status);
  for (const answer of served) expect(errorOf(answer)).toEqual(error);
}

/** Token requests as the token source sends them, signed in: most reach the policies and many get a token. */
const signedInPosts = requestArb.map((input) => ({
  ...input,
  method: 'POST',
  contentType: 'application/json',
  authorization: input.authorization?.startsWith('Bearer ') ? input.authorization : 'Bearer alice',
  framing: input.framing.kind === 'stalled' ? { kind: 'length' as const } : input.framing,
}));

/** Each property's runs times `PARITY_PROPERTY_SCALE` (1); raise it and pick the seed to explore: `PARITY_PROPERTY_SCALE=10 PARITY_PROPERTY_SEED=<seed>`. */
const runs = scaledPropertyRuns('PARITY_PROPERTY');

// About 5 s for both on a loaded 2-core machine.
describe('the Fetch handler and toNodeHandler, fed the same generated requests', { timeout: 120_000 }, () => {
  it('answer alike, and only with documented statuses, codes and headers', async () => {
    await fc.assert(fc.asyncProperty(requestArb, expectAlike), runs(150));
  });

  it('give a signed-in caller a token carrying exactly what the policies allowed, or the same refusal', async () => {
    await fc.assert(fc.asyncProperty(signedInPosts, expectAlike), runs(150));
  });
});

/** A body of `size` bytes: `{"room_name":"lobby","participant_metadata":"…"}` filled with `unit`, the last characters ASCII to land on `size` exactly. */
function bodyOfSize(size: number, unit: string): Uint8Array {
  const frame = encode('{"room_name":"lobby","participant_metadata":""}').length;
  const fill = Math.max(0, size - frame);
  const wide = unit.repeat(Math.floor(fill / encode(unit).length));
  return encode(`{"room_name":"lobby","participant_metadata":"${wide}${'a'.repeat(fill - encode(wide).length)}"}`);
}

describe('maxBodyBytes, on both', { timeout: 60_000 }, () => {
  it('refuses a body with body_too_large exactly when it is over the bound, however it is framed', async () => {
    const aroundTheBound = fc.record({
      size: fc.integer({ min: MAX_BODY_BYTES - 3, max: MAX_BODY_BYTES + 3 }),
      unit: fc.constantFrom('a', 'é', '€', '😀'),
      framing: fc.oneof(
        fc.record({ kind: fc.constant('length' as const) }),
        fc.record({ kind: fc.constant('chunked' as const), cuts: fc.array(fc.nat(), { maxLength: 4 }), pauseMs: fc.constant(0) }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(aroundTheBound, async ({ size, unit, framing }) => {
        const input: Generated = {
          method: 'POST',
          contentType: 'application/json',
          authorization: 'Bearer alice',
          origin: undefined,
          requestHeaders: undefined,
          body: bodyOfSize(size, unit),
          framing,
        };
        expect(input.body.length).toBe(size);
        await expectAlike(input);
        const { status } = await viaFetch(input);
        expect(status).toBe(size > MAX_BODY_BYTES ? 400 : 201);
      }),
      runs(60),
    );
  });
});
