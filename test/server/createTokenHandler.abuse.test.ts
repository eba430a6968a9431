// @vitest-environment node
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { listen } from './listen';
import { readResponse } from './verify';
import { propertyRuns } from '../helpers/propertyRuns';

afterEach(() => {
  vi.useRealTimers();
});

/** The agent dispatches a token carries. */
const dispatches = (claims: Awaited<ReturnType<typeof readResponse>>['claims']) => claims?.roomConfig?.agents ?? [];

/** Runs of the property (200); raise them and pick the seed to explore: `ABUSE_PROPERTY_RUNS=2000 ABUSE_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('ABUSE_PROPERTY', 200);

describe('createTokenHandler: agent dispatch amplification', () => {
  const agentsBody = (...agents: { agent_name: string; metadata?: string }[]) => ({ room_name: 'support', room_config: { agents } });

  it('collapses a repeated allowed agent into one dispatch (527 copies fit in 16 KiB)', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'] }));
    const body = JSON.stringify({ room_config: { agents: Array.from({ length: 527 }, () => ({ agent_name: 'support-agent' })) } });
    expect(body.length).toBeLessThanOrEqual(16_384);
    const { status, claims } = await readResponse(await handler(tokenRequest(body)));
    expect(status).toBe(201);
    expect(dispatches(claims).map((agent) => agent.agentName)).toEqual(['support-agent']);
  });

  it('refuses two different agents in one token with 400 invalid_body naming room_config.agents (maxAgentsPerToken defaults to 1)', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: () => true }));
    const { status, body } = await readResponse(
      await handler(tokenRequest(agentsBody({ agent_name: 'notes' }, { agent_name: 'support-agent' }))),
    );
    expect([status, body.error?.code]).toEqual([400, 'invalid_body']);
    expect(body.error?.message).toContain('room_config.agents');
    expect(body.error?.message).toContain('maxAgentsPerToken');
    expect(body.participant_token).toBeUndefined();
  });

  it('counts one agent with two different metadata as two dispatches', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'] }));
    const response = await handler(
      tokenRequest(agentsBody({ agent_name: 'support-agent', metadata: 'a' }, { agent_name: 'support-agent', metadata: 'b' })),
    );
    expect(response.status).toBe(400);
  });

  it('dispatches up to maxAgentsPerToken distinct agents', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['notes', 'support-agent'], maxAgentsPerToken: 2 }));
    const body = agentsBody({ agent_name: 'notes' }, { agent_name: 'support-agent' }, { agent_name: 'notes' });
    const { status, claims } = await readResponse(await handler(tokenRequest(body)));
    expect(status).toBe(201);
    expect(dispatches(claims).map((agent) => agent.agentName)).toEqual(['notes', 'support-agent']);
  });

  it('checks the cap before authorize is asked', async () => {
    const authorize = vi.fn(() => ({ identity: 'alice' }));
    const handler = createTokenHandler(handlerConfig({ authorize, agents: () => true }));
    await handler(tokenRequest(agentsBody({ agent_name: 'a' }, { agent_name: 'b' })));
    expect(authorize).not.toHaveBeenCalled();
  });

  it.each([-1, 1.5, Number.NaN, '2'])('throws at creation for maxAgentsPerToken %s, with the value in the message', (value) => {
    expect(() => createTokenHandler(handlerConfig({ maxAgentsPerToken: value as number }))).toThrow(
      new RegExp(`maxAgentsPerToken.*${String(value).replace('.', '\\.')}`),
    );
  });
});

describe('createTokenHandler: CORS with credentials', () => {
  const from = (origin: string, method = 'POST') =>
    method === 'OPTIONS'
      ? new Request('http://127.0.0.1/api/token', { method, headers: { Origin: origin, 'Access-Control-Request-Headers': 'content-type' } })
      : tokenRequest({}, { headers: { Origin: origin } });

  it("refuses origin '*' with credentials at creation, saying why and what to write instead", () => {
    const create = () => createTokenHandler(handlerConfig({ cors: { origin: '*', credentials: true } }));
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/any website/);
    expect(create).toThrow(/origin: \['https:\/\/app\.example'\]/);
  });

  it("answers origin '*' without credentials with a literal '*', never echoing the caller's origin", async () => {
    const handler = createTokenHandler(handlerConfig({ cors: { origin: '*' } }));
    for (const origin of ['https://evil.example', 'null']) {
      const response = await handler(from(origin));
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('reflects only a listed origin, with credentials, and never the null origin', async () => {
    const handler = createTokenHandler(handlerConfig({ cors: { origin: ['https://app.example'], credentials: true } }));
    const allowed = await handler(from('https://app.example', 'OPTIONS'));
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    for (const origin of ['null', 'https://app.example.evil.example', 'https://APP.example']) {
      const refused = await handler(from(origin, 'OPTIONS'));
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it("never allows the null origin with credentials, even when the origin function returns true for it (it is every sandboxed iframe's)", async () => {
    // A function that looks for what is bad rather than what is good says yes to 'null'.
    const origin = (value: string) => !value.includes('evil');
    const handler = createTokenHandler(handlerConfig({ cors: { origin, credentials: true } }));
    for (const method of ['POST', 'OPTIONS']) {
      const refused = await handler(from('null', method));
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      expect((await handler(from('https://app.example', method))).headers.get('access-control-allow-origin')).toBe('https://app.example');
    }
    // Without credentials no cookie goes along, and the function decides, as a list holding 'null' would.
    const withoutCredentials = createTokenHandler(handlerConfig({ cors: { origin } }));
    expect((await withoutCredentials(from('null'))).headers.get('access-control-allow-origin')).toBe('null');
  });

  it('reflects an origin only when the origin function returns exactly true', async () => {
    const origin = vi.fn((value: string) => (value === 'https://app.example' ? true : ('yes' as unknown as boolean)));
    const handler = createTokenHandler(handlerConfig({ cors: { origin, credentials: true } }));
    expect((await handler(from('https://app.example'))).headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await handler(from('https://evil.example'))).headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['an origin that is not a string, list or function', { origin: 42 }],
    ['a list holding a wildcard', { origin: ['*'], credentials: true }],
    ['a negative maxAgeSeconds', { origin: ['https://app.example'], maxAgeSeconds: -1 }],
  ])('throws at creation for %s', (_, cors) => {
    expect(() => createTokenHandler(handlerConfig({ cors: cors as never }))).toThrow(TypeError);
  });
});

describe('createTokenHandler: ttl', () => {
  it.each([0, Number.NaN, -60, Number.POSITIVE_INFINITY, 'forever', '', '-5m', '10m ago', '2 years', 86_401, '25h'])(
    'throws at creation for ttl %s, with the value in the message',
    (ttl) => {
      expect(() => createTokenHandler(handlerConfig({ ttl }))).toThrow(TypeError);
      expect(() => createTokenHandler(handlerConfig({ ttl }))).toThrow(`got ${typeof ttl === 'string' ? `"${ttl}"` : String(ttl)}`);
    },
  );

  it.each([
    ['15m', 900],
    ['1 hour', 3600],
    ['90s', 90],
    ['1.5h', 5400],
    [45, 45],
    ['24h', 86_400],
  ])('accepts ttl %s (a token of %i seconds)', async (ttl, seconds) => {
    const { claims } = await readResponse(await createTokenHandler(handlerConfig({ ttl }))(tokenRequest({ room_name: 'r' })));
    expect(claims!.exp! - claims!.nbf!).toBe(seconds);
  });
});

describe('createTokenHandler: reserved lk. attributes', () => {
  it('refuses participant_attributes under the lk. prefix with 403 attribute_not_allowed, naming the key', async () => {
    const handler = createTokenHandler(handlerConfig());
    for (const key of ['lk.agent.state', 'LK.Agent.State', 'lk.']) {
      const { status, body } = await readResponse(
        await handler(tokenRequest({ participant_attributes: { team: 'blue', [key]: 'speaking' } })),
      );
      expect([status, body.error?.code]).toEqual([403, 'attribute_not_allowed']);
      expect(body.error?.message).toContain(key);
    }
  });

  it('accepts a reserved attribute from the request when authorize returns that key (its value wins)', async () => {
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'agent-ui', attributes: { 'lk.agent.state': 'idle' } }) }),
    );
    const { status, claims } = await readResponse(
      await handler(tokenRequest({ participant_attributes: { 'lk.agent.state': 'speaking' } })),
    );
    expect(status).toBe(201);
    expect(claims?.attributes).toEqual({ 'lk.agent.state': 'idle' });
  });

  it('still refuses other reserved keys when authorize returns one', async () => {
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'agent-ui', attributes: { 'lk.agent.state': 'idle' } }) }),
    );
    const { status } = await readResponse(await handler(tokenRequest({ participant_attributes: { 'lk.publish_on_behalf': 'agent' } })));
    expect(status).toBe(403);
  });

  it('accepts lk-looking keys that are not under the prefix', async () => {
    const handler = createTokenHandler(handlerConfig());
    const { status, claims } = await readResponse(await handler(tokenRequest({ participant_attributes: { lkx: '1', 'my.lk.key': '2' } })));
    expect(status).toBe(201);
    expect(claims?.attributes).toEqual({ lkx: '1', 'my.lk.key': '2' });
  });
});

// LiveKit reads a token's JSON with Go's encoding/json, which turns each lone surrogate into U+FFFD.
describe('createTokenHandler: text LiveKit would read as other text', () => {
  it('lets no other spelling of a listed room or agent through the lists (NFC or NFD, case, zero-width and fullwidth characters, spaces): what is issued is a listed name, byte for byte', async () => {
    const ROOMS = ['café', 'desk-Ana'];
    const AGENTS = ['helper'];
    const handler = createTokenHandler(handlerConfig({ rooms: ROOMS, agents: AGENTS }));
    const spelling = (name: string) =>
      fc
        .constantFrom<(text: string) => string>(
          (text) => text.normalize('NFD'),
          (text) => text.normalize('NFC'),
          (text) => text.toUpperCase(),
          (text) => text.toLowerCase(),
          (text) => `${text}\u200B`,
          (text) => `\u200D${text}`,
          (text) => `${text} `,
          (text) => text.replace(/[a-z]/, (letter) => String.fromCodePoint(letter.codePointAt(0)! - 0x61 + 0xff41)),
          (text) => `${text}\u0301`,
        )
        .map((spell) => spell(name));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROOMS).chain(spelling),
        fc.option(fc.constantFrom(...AGENTS).chain(spelling), { nil: undefined }),
        async (room, agent) => {
          const body = { room_name: room, room_config: { agents: agent === undefined ? [] : [{ agent_name: agent }] } };
          const { status, body: answer, claims } = await readResponse(await handler(tokenRequest(body)));
          if (status !== 201) {
            expect([status, answer.error?.code]).toSatisfy(
              ([code, error]: [number, string]) => code === 403 && ['room_not_allowed', 'agent_not_allowed'].includes(error),
            );
            return;
          }
          expect(ROOMS).toContain(claims?.video?.room);
          expect(claims?.video?.room).toBe(room);
          for (const dispatch of dispatches(claims)) expect(AGENTS).toContain(dispatch.agentName);
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  });

  it('refuses a room name with a lone surrogate with 400 invalid_body naming room_name, before authorize or the room policy', async () => {
    // Every desk but the CEO's: "desk-ceo\uFFFD" is how LiveKit reads "desk-ceo\uD800" and "desk-ceo\uDBFF".
    const authorize = vi.fn(() => ({ identity: 'mallory' }));
    const rooms = vi.fn((room: string) => room.startsWith('desk-') && room !== 'desk-ceo\uFFFD');
    const handler = createTokenHandler(handlerConfig({ authorize, rooms }));
    for (const room of ['desk-ceo\uD800', 'desk-ceo\uDBFF', 'desk-ceo\uDC00']) {
      const response = await handler(tokenRequest({ room_name: room }));
      const { status, body } = await readResponse(response);
      expect([status, body.error?.code]).toEqual([400, 'invalid_body']);
      expect(body.error?.message).toMatch(/^The token request is invalid — room_name: must be well-formed UTF-16/);
    }
    expect(authorize).not.toHaveBeenCalled();
    expect(rooms).not.toHaveBeenCalled();
  });

  it('refuses a lone surrogate escaped in the JSON, sent over HTTP to toNodeHandler, in every string field', async () => {
    const server = await listen(toNodeHandler(createTokenHandler(handlerConfig({ agents: () => true }))));
    try {
      for (const [field, json] of [
        ['participant_name', '{"participant_name":"al\\ud800ice"}'],
        ['participant_identity', '{"participant_identity":"alice\\udfff"}'],
        ['participant_metadata', '{"participant_metadata":"{\\"x\\":\\"\\ud83d\\"}"}'],
        ['participant_attributes', '{"participant_attributes":{"team\\udc00":"blue"}}'],
        ['participant_attributes.team', '{"participant_attributes":{"team":"blue\\udc00"}}'],
        ['room_config.agents.0.agent_name', '{"room_config":{"agents":[{"agent_name":"notes\\ud800"}]}}'],
      ]) {
        const response = await fetch(`${server.origin}/api/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
          body: json,
        });
        const { status, body } = await readResponse(response);
        expect([status, body.error?.code, body.participant_token]).toEqual([400, 'invalid_body', undefined]);
        expect(body.error?.message).toContain(`— ${field}: `);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses an attribute named __proto__, sent over HTTP to toNodeHandler and as a Request, instead of minting a token without it', async () => {
    const handler = createTokenHandler(handlerConfig());
    const server = await listen(toNodeHandler(handler));
    const json = '{"participant_attributes":{"__proto__":{"role":"admin"},"team":"blue"}}';
    try {
      const responses = [
        await fetch(`${server.origin}/api/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
          body: json,
        }),
        await handler(
          new Request('http://127.0.0.1/api/token', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
            body: json,
          }),
        ),
      ];
      for (const response of responses) {
        const { status, body } = await readResponse(response);
        expect([status, body.error?.code, body.participant_token]).toEqual([400, 'invalid_body', undefined]);
        expect(body.error?.message).toContain('— participant_attributes: must not have a key named "__proto__"');
      }
    } finally {
      await server.close();
    }
  });

  it('answers 500, its reason to onError only, when authorize itself returns an attribute named __proto__, as the body may not', async () => {
    const onError = vi.fn();
    const attributes = JSON.parse('{"__proto__":"admin","team":"blue"}') as Record<string, string>;
    const handler = createTokenHandler(handlerConfig({ authorize: () => ({ identity: 'alice', attributes }), onError }));
    const { status, body } = await readResponse(await handler(tokenRequest({})));
    expect([status, body.error?.code, body.participant_token]).toEqual([500, 'internal_error', undefined]);
    expect(body.error?.message).not.toContain('__proto__');
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({
        message:
          'authorize() returned an attribute named "__proto__", which JavaScript readers of the attributes would take for their prototype.',
      }),
      expect.any(Request),
    );
  });
});

describe('createTokenHandler: stalled bodies', () => {
  /** A request whose body sends `{"room_name":` and then nothing, ever; `cancelled` turns true when the handler lets go. */
  const stalledRequest = () => {
    const state = { cancelled: false };
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"room_name":')),
      cancel: () => {
        state.cancelled = true;
      },
    });
    const request = new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
      body,
      duplex: 'half',
    } as RequestInit);
    return { request, state };
  };

  it('answers a body that stops arriving with 408 request_timeout after 10 s, and lets go of the stream', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { request, state } = stalledRequest();
    let settled: Response | undefined;
    void createTokenHandler(handlerConfig())(request).then((response) => (settled = response));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled?.status).toBe(408);
    expect((await settled!.json()).error.code).toBe('request_timeout');
    expect(state.cancelled).toBe(true);
  });

  it('uses bodyTimeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { request } = stalledRequest();
    const response = createTokenHandler(handlerConfig({ bodyTimeoutMs: 250 }))(request);
    await vi.advanceTimersByTimeAsync(250);
    const { status, body } = await readResponse(await response);
    expect([status, body.error?.code]).toEqual([408, 'request_timeout']);
    expect(body.error?.message).toContain('250 ms');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1.5])('throws at creation for bodyTimeoutMs %s', (bodyTimeoutMs) => {
    expect(() => createTokenHandler(handlerConfig({ bodyTimeoutMs }))).toThrow(/bodyTimeoutMs/);
  });
});

describe('createTokenHandler: a body left unread closes the connection', () => {
  /** A POST with the headers a server hands over for a body on the wire (`Content-Length`, or `Transfer-Encoding`). */
  const posted = (body: string, headers: Record<string, string>) =>
    new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', ...headers },
      body,
    });
  const connection = async (response: Response | Promise<Response>) => {
    const answer = await response;
    return [answer.status, answer.headers.get('connection')];
  };

  it.each([
    ['a declared Content-Length over maxBodyBytes, refused before reading', 400, { 'Content-Length': '1000000000' }, '{}'],
    [
      'a chunked body refused once it crossed maxBodyBytes',
      400,
      { 'Transfer-Encoding': 'chunked' },
      JSON.stringify({ a: 'x'.repeat(20_000) }),
    ],
    ['a body that is not JSON', 415, { 'Content-Type': 'text/plain', 'Content-Length': '2' }, '{}'],
  ])('answers %s with Connection: close', async (_, status, headers, body) => {
    expect(await connection(createTokenHandler(handlerConfig())(posted(body, headers)))).toEqual([status, 'close']);
  });

  it('answers a body that timed out with Connection: close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"room_name":')) });
    const request = new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', 'Content-Length': '100' },
      body,
      duplex: 'half',
    } as RequestInit);
    const response = createTokenHandler(handlerConfig({ bodyTimeoutMs: 250 }))(request);
    await vi.advanceTimersByTimeAsync(250);
    expect(await connection(response)).toEqual([408, 'close']);
  });

  it.each([
    ['a token', 201, { Authorization: 'Bearer alice' }, '{"room_name":"standup"}'],
    ['a refusal after the body was read (401)', 401, { Authorization: 'nobody' }, '{"room_name":"standup"}'],
    ['a body read and found not JSON (400)', 400, { Authorization: 'Bearer alice' }, '{"room_name":'],
  ])('keeps the connection after %s: the body was read to its end', async (_, status, headers, body) => {
    const request = posted(body, { ...headers, 'Content-Length': String(body.length) });
    expect(await connection(createTokenHandler(handlerConfig())(request))).toEqual([status, null]);
  });

  it('keeps the connection for a request without a body (a GET, answered 405)', async () => {
    const request = new Request('http://127.0.0.1/api/token', { headers: { Authorization: 'Bearer alice' } });
    expect(await connection(createTokenHandler(handlerConfig())(request))).toEqual([405, null]);
  });
});

// LiveKit's server joins a room or identity with a control character as it is (joinLength.livekit.test.ts):
// "alice\u0000" and "standup\n" are other participants and rooms, shown like "alice" and "standup".
describe('createTokenHandler: control characters in names', () => {
  const controls = ['\u0000', '\u0007', '\t', '\n', '\r', '\u001B', '\u007F', '\u0085', '\u009F'];
  const names = [
    ['room_name', (text: string) => ({ room_name: text })],
    ['participant_identity', (text: string) => ({ participant_identity: text })],
    ['participant_name', (text: string) => ({ participant_name: text })],
    ['room_config.agents.0.agent_name', (text: string) => ({ room_config: { agents: [{ agent_name: text }] } })],
    ['room_config.agents.0.deployment', (text: string) => ({ room_config: { agents: [{ agent_name: 'notes', deployment: text }] } })],
  ] as const;

  it.each(names)('refuses a %s with a control character with 400 invalid_body naming it, before authorize', async (field, body) => {
    const authorize = vi.fn(() => ({ identity: 'mallory', allowRequestedIdentity: true }));
    const handler = createTokenHandler(handlerConfig({ authorize, agents: () => true }));
    for (const control of controls) {
      const { status, body: answer } = await readResponse(await handler(tokenRequest(body(`alice${control}`))));
      expect([status, answer.error?.code, answer.participant_token]).toEqual([400, 'invalid_body', undefined]);
      expect(answer.error?.message).toBe(
        `The token request is invalid — ${field}: must have no control characters (U+0000–U+001F, U+007F–U+009F): a name is one line of text.`,
      );
    }
    expect(authorize).not.toHaveBeenCalled();
  });

  it('carries control characters in metadata and attributes as sent: free text, such as JSON written on several lines', async () => {
    const text = '{\n\t"note": "a\u0000b\u007F"\r\n}';
    const handler = createTokenHandler(handlerConfig({ agents: () => true }));
    const body = {
      participant_metadata: text,
      participant_attributes: { [`key${text}`]: text },
      room_config: { agents: [{ agent_name: 'notes', metadata: text }] },
    };
    const { status, claims } = await readResponse(await handler(tokenRequest(body)));
    expect(status).toBe(201);
    expect([claims?.metadata, claims?.attributes, dispatches(claims)[0]?.metadata]).toEqual([text, { [`key${text}`]: text }, text]);
  });
});

describe('createTokenHandler: a field sent in both spellings', () => {
  it.each([
    ['participant_attributes', { participant_attributes: {}, participantAttributes: { role: 'admin' } }],
    ['participant_attributes', { participant_attributes: { role: 'viewer' }, participantAttributes: { role: 'admin' } }],
    ['room_name', { room_name: 'lobby', roomName: 'board' }],
    ['participant_identity', { participant_identity: 'alice', participantIdentity: 'bob' }],
    ['participant_name', { participant_name: 'Alice', participantName: 'Bob' }],
    ['participant_metadata', { participant_metadata: '{}', participantMetadata: '{"role":"admin"}' }],
    ['room_config', { room_config: {}, roomConfig: { agents: [{ agent_name: 'notes' }] } }],
    ['room_config.agents.0.agent_name', { room_config: { agents: [{ agent_name: 'notes', agentName: 'billing' }] } }],
  ])('refuses a %s sent also in camelCase with another value with 400 invalid_body naming both', async (field, body) => {
    const handler = createTokenHandler(handlerConfig({ agents: () => true }));
    const { status, body: answer } = await readResponse(await handler(tokenRequest(body)));
    expect([status, answer.error?.code, answer.participant_token]).toEqual([400, 'invalid_body', undefined]);
    const camel = field.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()).replace(/^.*\./, '');
    expect(answer.error?.message).toBe(
      `The token request is invalid — ${field}: sent also as ${camel}, with another value: send one of the two.`,
    );
  });

  it('reads a field sent in both spellings with the same value, and the set one when the other is not set (null or empty)', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: () => true }));
    const body = {
      room_name: 'lobby',
      roomName: 'lobby',
      participant_attributes: { team: 'blue', role: 'viewer' },
      participantAttributes: { role: 'viewer', team: 'blue' },
      participant_name: '',
      participantName: 'Alice',
      room_config: { agents: [{ agent_name: null, agentName: 'notes' }] },
    };
    const { status, claims } = await readResponse(await handler(tokenRequest(body)));
    expect(status).toBe(201);
    expect([claims?.video?.room, claims?.attributes, claims?.name, dispatches(claims)[0]?.agentName]).toEqual([
      'lobby',
      { team: 'blue', role: 'viewer' },
      'Alice',
      'notes',
    ]);
  });
});
