// @vitest-environment node
import { runInNewContext } from 'node:vm';
import { TrackSource } from 'livekit-server-sdk';
import { describe, expect, it, vi } from 'vitest';
import {
  createTokenHandler,
  toNodeHandler,
  TokenHandlerError,
  type AuthorizedParticipant,
  type TokenHandlerErrorCode,
} from '../../src/server';
import { API_SECRET, SERVER_URL } from '../helpers/tokens';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { listen } from './listen';
import { readResponse } from './verify';

describe('createTokenHandler: issuing tokens', () => {
  it('answers 201 with server_url and a signed participant_token, never cached', async () => {
    const handler = createTokenHandler(handlerConfig());
    const response = await handler(tokenRequest({ room_name: 'standup' }));
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { body, claims } = await readResponse(response);
    expect(body.server_url).toBe(SERVER_URL);
    expect(claims?.sub).toBe('alice');
    expect(claims?.video).toMatchObject({ room: 'standup', roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
  });

  it('issues tokens that live 10 minutes by default', async () => {
    const { claims } = await readResponse(await createTokenHandler(handlerConfig())(tokenRequest({ room_name: 'standup' })));
    expect(claims!.exp! - claims!.nbf!).toBe(600);
  });

  it('issues tokens for the configured ttl', async () => {
    const handler = createTokenHandler(handlerConfig({ ttl: 90 }));
    const { claims } = await readResponse(await handler(tokenRequest({ room_name: 'standup' })));
    expect(claims!.exp! - claims!.nbf!).toBe(90);
  });

  it('accepts a camelCase body', async () => {
    const handler = createTokenHandler(handlerConfig());
    const { claims } = await readResponse(await handler(tokenRequest({ roomName: 'standup', participantName: 'Alice' })));
    expect(claims).toMatchObject({ name: 'Alice', video: { room: 'standup' } });
  });

  it('puts each request without room_name in a fresh room', async () => {
    const handler = createTokenHandler(handlerConfig());
    const first = await readResponse(await handler(tokenRequest({})));
    const second = await readResponse(await handler(tokenRequest({})));
    expect(first.claims?.video?.room).toMatch(/^room-[0-9a-f-]{36}$/);
    expect(second.claims?.video?.room).not.toBe(first.claims?.video?.room);
  });

  it('fills name, metadata and attributes from the request where authorize leaves them out', async () => {
    const handler = createTokenHandler(handlerConfig());
    const { claims } = await readResponse(
      await handler(
        tokenRequest({ room_name: 'r', participant_name: 'Al', participant_metadata: '{"a":1}', participant_attributes: { team: 'blue' } }),
      ),
    );
    expect(claims).toMatchObject({ name: 'Al', metadata: '{"a":1}', attributes: { team: 'blue' } });
  });

  it('lets what authorize returns win over the request', async () => {
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'u1', name: 'Real Name', metadata: 'server', attributes: { role: 'member' } }) }),
    );
    const { claims } = await readResponse(
      await handler(
        tokenRequest({ participant_name: 'Fake', participant_metadata: 'client', participant_attributes: { role: 'admin', x: 'y' } }),
      ),
    );
    expect(claims).toMatchObject({ sub: 'u1', name: 'Real Name', metadata: 'server', attributes: { role: 'member', x: 'y' } });
  });

  it('adds the grants authorize returns but keeps the room the token is for', async () => {
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'viewer', grants: { canPublish: false, room: 'elsewhere' } as never }) }),
    );
    const { claims } = await readResponse(await handler(tokenRequest({ room_name: 'stage' })));
    expect(claims?.video).toMatchObject({ room: 'stage', canPublish: false, canSubscribe: true });
  });
});

describe('createTokenHandler: identity', () => {
  it('refuses a requested identity other than the caller’s with 403 identity_not_allowed', async () => {
    const { status, body } = await readResponse(await createTokenHandler(handlerConfig())(tokenRequest({ participant_identity: 'bob' })));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('identity_not_allowed');
    expect(body.participant_token).toBeUndefined();
  });

  it('accepts a requested identity equal to the caller’s', async () => {
    const { status, claims } = await readResponse(
      await createTokenHandler(handlerConfig())(tokenRequest({ participant_identity: 'alice' })),
    );
    expect(status).toBe(201);
    expect(claims?.sub).toBe('alice');
  });

  it('honours a requested identity when authorize allows it', async () => {
    const handler = createTokenHandler(handlerConfig({ authorize: () => ({ identity: 'guest', allowRequestedIdentity: true }) }));
    const { claims } = await readResponse(await handler(tokenRequest({ participant_identity: 'kiosk-7' })));
    expect(claims?.sub).toBe('kiosk-7');
  });

  // A flag read from configuration or a database as it is: the string "false" is truthy, and let any identity in.
  it.each([
    ['the string "false"', 'false', 'as a string'],
    ['the string "true"', 'true', 'as a string'],
    ['1', 1, 'as a number'],
  ])('answers 500, no token, when allowRequestedIdentity is %s, telling onError to return true or false', async (_, flag, got) => {
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'guest', allowRequestedIdentity: flag as unknown as boolean }), onError }),
    );
    const { status, body } = await readResponse(await handler(tokenRequest({ participant_identity: 'ceo' })));
    expect([status, body.error?.code]).toEqual([500, 'internal_error']);
    expect(onError.mock.calls[0]![0]).toMatchObject({
      message: `authorize() returned allowRequestedIdentity ${got}: return true or false.`,
    });
  });

  // LiveKit's server reads the grants into Go booleans: a token with "canPublish":"false" is refused at join.
  it.each([
    [
      'grants that are a string',
      'admin',
      'authorize() returned grants as a string: return an object of grants, such as { canPublish: false }.',
    ],
    [
      'grants that are a list',
      ['roomAdmin'],
      'authorize() returned grants as a list: return an object of grants, such as { canPublish: false }.',
    ],
    [
      'a grant that is the string "false"',
      { canPublish: 'false' },
      'authorize() returned grants.canPublish as a string: return true or false.',
    ],
    ['a grant that is 1', { roomAdmin: 1 }, 'authorize() returned grants.roomAdmin as a number: return true or false.'],
    [
      'destinationRoom that is a number',
      { destinationRoom: 7 },
      'authorize() returned grants.destinationRoom as a number: return a room name.',
    ],
  ])('answers 500, no token, for %s from authorize, telling onError which grant', async (_, grants, message) => {
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'alice', grants }) as unknown as AuthorizedParticipant, onError }),
    );
    const { status, body } = await readResponse(await handler(tokenRequest({})));
    expect([status, body.error?.code]).toEqual([500, 'internal_error']);
    expect(onError.mock.calls[0]![0]).toMatchObject({ message });
  });

  // A NULL column passed on as it is: not set, as it always read (LiveKit's server reads a null flag as its default).
  it.each([
    ['grants that are null', null],
    ['a grant that is null', { canPublish: null, roomAdmin: null }],
    ['destinationRoom that is null', { destinationRoom: null }],
  ])('issues the token for %s from authorize, reading it as not set', async (_, grants) => {
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'alice', grants }) as unknown as AuthorizedParticipant, onError }),
    );
    const { status, claims } = await readResponse(await handler(tokenRequest({ room_name: 'standup' })));
    expect(status).toBe(201);
    expect(onError).not.toHaveBeenCalled();
    expect(claims?.video).toMatchObject({ room: 'standup', roomJoin: true, canSubscribe: true, canPublishData: true });
  });

  it('issues the token with a destinationRoom from authorize that is a room name', async () => {
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'alice', grants: { destinationRoom: 'overflow' } }) }),
    );
    const { status, claims } = await readResponse(await handler(tokenRequest({ room_name: 'standup' })));
    expect(status).toBe(201);
    expect(claims?.video).toMatchObject({ room: 'standup', destinationRoom: 'overflow' });
  });

  it('reads allowRequestedIdentity null as false, as before', async () => {
    const handler = createTokenHandler(
      handlerConfig({ authorize: () => ({ identity: 'guest', allowRequestedIdentity: null as unknown as boolean }) }),
    );
    expect((await readResponse(await handler(tokenRequest({ participant_identity: 'ceo' })))).status).toBe(403);
    expect((await readResponse(await handler(tokenRequest({})))).claims?.sub).toBe('guest');
  });
});

describe('createTokenHandler: room policy', () => {
  it('refuses a room outside the allow-list with 403 room_not_allowed', async () => {
    const handler = createTokenHandler(handlerConfig({ rooms: ['lobby'] }));
    const { status, body } = await readResponse(await handler(tokenRequest({ room_name: 'board-meeting' })));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('room_not_allowed');
  });

  it('asks a room policy function with the authorized participant', async () => {
    const rooms = vi.fn((room: string, { participant }: { participant: { identity: string } }) => room === `home-${participant.identity}`);
    const handler = createTokenHandler(handlerConfig({ rooms }));
    expect((await handler(tokenRequest({ room_name: 'home-alice' }))).status).toBe(201);
    expect((await handler(tokenRequest({ room_name: 'home-bob' }))).status).toBe(403);
    expect(rooms).toHaveBeenCalledWith('home-alice', expect.objectContaining({ participant: { identity: 'alice' } }));
  });
});

/** The agents a token's roomConfig dispatches: name, metadata, deployment. */
const dispatched = (roomConfig: { agents?: { agentName: string; metadata: string; deployment: string }[] } | undefined) =>
  roomConfig?.agents?.map(({ agentName, metadata, deployment }) => ({ agentName, metadata, deployment }));

describe('createTokenHandler: agent policy', () => {
  const agentBody = (...names: string[]) => ({
    room_name: 'support',
    room_config: { agents: names.map((agent_name) => ({ agent_name, metadata: '{"lang":"en"}' })) },
  });

  it('dispatches no agent unless a policy allows it', async () => {
    const { status, body } = await readResponse(await createTokenHandler(handlerConfig())(tokenRequest(agentBody('support-agent'))));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('agent_not_allowed');
  });

  it('copies an allowed agent’s name, metadata and deployment into roomConfig, and nothing else', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'] }));
    const { claims } = await readResponse(
      await handler(
        tokenRequest({
          room_name: 'support',
          room_config: {
            max_participants: 1000,
            egress: { room: {} },
            agents: [{ agent_name: 'support-agent', metadata: 'm', deployment: 'prod' }],
          },
        }),
      ),
    );
    expect(dispatched(claims?.roomConfig)).toEqual([{ agentName: 'support-agent', metadata: 'm', deployment: 'prod' }]);
    expect(claims?.roomConfig).toMatchObject({ maxParticipants: 0 });
    expect(claims?.roomConfig).not.toHaveProperty('egress');
  });

  it('accepts camelCase agents', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'] }));
    const { claims } = await readResponse(await handler(tokenRequest({ roomConfig: { agents: [{ agentName: 'support-agent' }] } })));
    expect(dispatched(claims?.roomConfig)).toEqual([{ agentName: 'support-agent', metadata: '', deployment: '' }]);
  });

  it('refuses the whole request when any requested agent is not allowed', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'], maxAgentsPerToken: 2 }));
    const { status, body } = await readResponse(await handler(tokenRequest(agentBody('support-agent', 'admin-agent'))));
    expect(status).toBe(403);
    expect(body.participant_token).toBeUndefined();
  });

  it('asks an agent policy function with the requested agent and the participant', async () => {
    const agents = vi.fn(() => true);
    const handler = createTokenHandler(handlerConfig({ agents }));
    await handler(tokenRequest(agentBody('support-agent')));
    expect(agents).toHaveBeenCalledWith(
      { agentName: 'support-agent', metadata: '{"lang":"en"}' },
      expect.objectContaining({ participant: { identity: 'alice' } }),
    );
  });

  it('puts no roomConfig in a token when no agent was asked for', async () => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'] }));
    const { claims } = await readResponse(await handler(tokenRequest({ room_name: 'r' })));
    expect(claims?.roomConfig).toBeUndefined();
  });
});

describe('createTokenHandler: authorization', () => {
  it('answers 401 unauthorized when authorize returns null', async () => {
    const { status, body } = await readResponse(
      await createTokenHandler(handlerConfig())(tokenRequest({}, { headers: { Authorization: '' } })),
    );
    expect(status).toBe(401);
    expect(body.error?.code).toBe('unauthorized');
  });

  it('answers 401 when authorize throws, and reports the error to onError', async () => {
    const failure = new Error('session store said no');
    const onError = vi.fn();
    const handler = createTokenHandler(handlerConfig({ authorize: () => Promise.reject(failure), onError }));
    const { status, body } = await readResponse(await handler(tokenRequest({})));
    expect(status).toBe(401);
    expect(body.error?.message).not.toContain('session store');
    expect(onError).toHaveBeenCalledWith(failure, expect.any(Request));
  });

  it('answers 401, and leaves no unhandled rejection, when an async onError rejects (a logger that is down)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Not a vi.fn: a mock awaits the promises it returns, which would handle the rejection.
      let reports = 0;
      const onError = () => {
        reports += 1;
        return Promise.reject(new Error('logger down'));
      };
      const handler = createTokenHandler(handlerConfig({ authorize: () => Promise.reject(new Error('session store down')), onError }));
      expect((await handler(tokenRequest({}))).status).toBe(401);
      expect(reports).toBe(1);
      // Node reports an unhandled rejection after the microtasks of the turn it happened in.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('leaves no unhandled rejection either when onError returns a rejected promise of another realm (not instanceof Promise)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A logger loaded in a vm context (a test environment, a sandbox) returns that context's Promise.
      const onError = () => runInNewContext('Promise.reject(new Error("logger down"))') as unknown as void;
      const handler = createTokenHandler(handlerConfig({ authorize: () => Promise.reject(new Error('session store down')), onError }));
      expect((await handler(tokenRequest({}))).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports to onError an authorize that rejects with nothing (undefined), still answering 401', async () => {
    const onError = vi.fn();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    const handler = createTokenHandler(handlerConfig({ authorize: () => Promise.reject(undefined), onError }));
    const { status } = await readResponse(await handler(tokenRequest({})));
    expect(status).toBe(401);
    expect(onError).toHaveBeenCalledOnce();
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ message: expect.stringMatching(/authorize\(\) threw undefined/) });
  });

  it('answers with the status of a TokenHandlerError authorize throws', async () => {
    const handler = createTokenHandler(
      handlerConfig({
        authorize: () => {
          throw new TokenHandlerError('forbidden', 'Calls are for members.');
        },
      }),
    );
    const { status, body } = await readResponse(await handler(tokenRequest({})));
    expect(status).toBe(403);
    expect(body.error).toEqual({ code: 'forbidden', message: 'Calls are for members.' });
  });

  it('answers 500 internal_error, reported to onError, for a TokenHandlerError whose code is not one (a typo in plain JS)', async () => {
    const onError = vi.fn();
    const typo = new TokenHandlerError('forbiden' as TokenHandlerErrorCode, 'Calls are for members.');
    const config = handlerConfig({
      authorize: () => {
        throw typo;
      },
      onError,
    });
    const { status, body } = await readResponse(await createTokenHandler(config)(tokenRequest({})));
    expect([status, body.error?.code]).toEqual([500, 'internal_error']);
    expect(onError).toHaveBeenCalledExactlyOnceWith(typo, expect.any(Request));
    // On Node too: an answer, not a connection left open.
    const server = await listen(toNodeHandler(createTokenHandler(config)));
    try {
      const response = await fetch(`${server.origin}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(5_000),
      });
      expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([500, 'internal_error']);
    } finally {
      await server.close();
    }
  });

  it('answers 500 internal_error, counting nothing against the limits, when authorize grants what no token can carry', async () => {
    const onError = vi.fn();
    let sources: unknown[] = ['webcam'];
    const handler = createTokenHandler(
      handlerConfig({
        authorize: () => ({ identity: 'alice', grants: { canPublishSources: sources as TrackSource[] } }),
        limits: { tokens: { limit: 1, windowSeconds: 60 } },
        onError,
      }),
    );
    for (let i = 0; i < 3; i++) expect((await readResponse(await handler(tokenRequest({})))).body.error?.code).toBe('internal_error');
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ message: expect.stringMatching(/canPublishSources.*webcam/) });
    sources = [TrackSource.CAMERA];
    expect((await handler(tokenRequest({}))).status).toBe(201);
  });

  it('answers 500 internal_error when authorize returns an empty identity', async () => {
    const onError = vi.fn();
    const handler = createTokenHandler(handlerConfig({ authorize: () => ({ identity: '' }), onError }));
    const { status, body } = await readResponse(await handler(tokenRequest({})));
    expect(status).toBe(500);
    expect(body.error?.code).toBe('internal_error');
    expect(onError).toHaveBeenCalledOnce();
  });

  // A row read from a database, passed on as it is: a column that is NULL, a number where LiveKit wants text.
  it.each([
    ['a name that is null', { name: null }, 'authorize() returned name null: return a string, or leave name out for none.'],
    ['metadata that is null', { metadata: null }, 'authorize() returned metadata null: return a string, or leave metadata out for none.'],
    ['a name that is a number', { name: 7 }, 'authorize() returned name as a number: return a string, or leave name out for none.'],
    [
      'metadata that is an object',
      { metadata: { plan: 'pro' } },
      'authorize() returned metadata as an object: return a string, or leave metadata out for none.',
    ],
    [
      'attributes that are null',
      { attributes: null },
      'authorize() returned attributes null: return an object of strings, or leave attributes out for none.',
    ],
    [
      'attributes that are a string',
      { attributes: 'plan=pro' },
      'authorize() returned attributes as a string: return an object of strings, or leave attributes out for none.',
    ],
    [
      'attributes that are a list',
      { attributes: ['pro'] },
      'authorize() returned attributes as a list: return an object of strings, or leave attributes out for none.',
    ],
    [
      'an attribute that is a number',
      { attributes: { team: 'core', plan: 3 } },
      'authorize() returned attribute "plan" as a number: every attribute value must be a string.',
    ],
    [
      'an attribute that is null',
      { attributes: { plan: null } },
      'authorize() returned attribute "plan" null: every attribute value must be a string.',
    ],
  ])(
    'answers 500 internal_error for %s from authorize, telling onError which field, not a TypeError from inside',
    async (_, returned, message) => {
      const onError = vi.fn();
      const handler = createTokenHandler(
        handlerConfig({ authorize: () => ({ identity: 'alice', ...returned }) as unknown as AuthorizedParticipant, onError }),
      );
      const { status, body } = await readResponse(
        await handler(tokenRequest({ participant_name: 'Bob', participant_metadata: 'm', participant_attributes: { a: 'b' } })),
      );
      expect([status, body.error?.code]).toEqual([500, 'internal_error']);
      expect(onError).toHaveBeenCalledOnce();
      expect(onError.mock.calls[0]![0]).toMatchObject({ message });
    },
  );

  it('answers 500 with a generic message when a policy throws, keeping the details for onError', async () => {
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({
        rooms: () => {
          throw new Error(`db down, secret ${API_SECRET}`);
        },
        onError,
      }),
    );
    const response = await handler(tokenRequest({ room_name: 'r' }));
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'The token could not be issued.' } });
    expect(text).not.toContain(API_SECRET);
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(Error);
  });

  it('logs an internal failure to console.error, with method and path, when no onError is given', async () => {
    const failure = new Error('policy store unreachable');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const handler = createTokenHandler(handlerConfig({ rooms: () => Promise.reject(failure) }));
      const { status } = await readResponse(await handler(tokenRequest({ room_name: 'r' })));
      expect(status).toBe(500);
      expect(log).toHaveBeenCalledExactlyOnceWith('[livekit-custom-token-react/server] POST /api/token failed:', failure);
    } finally {
      log.mockRestore();
    }
  });

  it('logs nothing to the console for a refusal the handler chose (bad input, 401, 403)', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const handler = createTokenHandler(handlerConfig({ agents: [] }));
      const responses = await Promise.all([
        handler(tokenRequest('{not json')),
        handler(tokenRequest({}, { headers: { Authorization: '' } })),
        handler(tokenRequest({ room_config: { agents: [{ agent_name: 'any' }] } })),
      ]);
      expect(responses.map((response) => response.status)).toEqual([400, 401, 403]);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});

describe('createTokenHandler: malformed requests', () => {
  const handler = createTokenHandler(handlerConfig({ maxBodyBytes: 1024 * 1024 }));

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with 405 and Allow: POST', async (method) => {
    const response = await handler(new Request('http://127.0.0.1/api/token', { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await response.json()).error.code).toBe('method_not_allowed');
  });

  it('serves a Request made with a lowercase method: the Fetch standard writes post, options (and get, head, put, delete) upper case', async () => {
    const post = new Request('http://127.0.0.1/api/token', {
      method: 'post',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
      body: '{"room_name":"standup"}',
    });
    expect(post.method).toBe('POST');
    expect((await handler(post)).status).toBe(201);
    const withCors = createTokenHandler(handlerConfig({ cors: { origin: ['https://app.example'] } }));
    const preflight = new Request('http://127.0.0.1/api/token', { method: 'options', headers: { Origin: 'https://app.example' } });
    expect((await withCors(preflight)).status).toBe(204);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['']])('answers Content-Type "%s" with 415', async (contentType) => {
    const response = await handler(tokenRequest('{}', { headers: { 'Content-Type': contentType } }));
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
  });

  // Fetch joins a header sent twice with ", " and reads the last valid type (WHATWG Fetch, "extract a MIME type").
  it.each([
    [['application/json', 'application/json'], 201],
    [['text/plain', 'application/json'], 201],
    [['application/json', 'text/plain'], 415],
    [['application/json', '*/*'], 201],
    [['application/json; profile="a,b"'], 201],
    [['application/json, nonsense'], 201],
    // Only HTTP whitespace (space, tab, CR, LF) is trimmed: with a no-break space or a vertical tab it is no MIME type at all.
    [['application/json\u00a0'], 415],
    [['\u00a0application/json'], 415],
    [['application/json\u000b; charset=utf-8'], 415],
  ])('reads Content-Type %j as Fetch extracts a MIME type: %i', async (values, status) => {
    const headers = new Headers({ Authorization: 'Bearer alice' });
    for (const value of values) headers.append('Content-Type', value);
    const response = await handler(new Request('http://127.0.0.1/api/token', { method: 'POST', headers, body: '{}' }));
    expect(response.status).toBe(status);
  });

  it('keeps the error short when the client sends long field names: each shown up to 64 characters', async () => {
    const long = 'k'.repeat(15_000);
    const { status, body } = await readResponse(await handler(tokenRequest({ participant_attributes: { [long]: 5 } })));
    expect([status, body.error?.code]).toEqual([400, 'invalid_body']);
    expect(body.error?.message).toContain(`participant_attributes.${'k'.repeat(64)}…:`);
    expect(body.error!.message.length).toBeLessThan(300);
  });

  it('never cuts a character in two where it shortens the client’s text: each message is well-formed', async () => {
    const emojiAt64 = `${'k'.repeat(63)}${'😀'.repeat(10)}`; // the 64th UTF-16 unit is the first half of an emoji
    const reserved = `lk.${'x'.repeat(60)}${'😀'.repeat(10)}`;
    for (const body of [{ participant_attributes: { [emojiAt64]: 5 } }, { participant_attributes: { [reserved]: 'v' } }]) {
      const { body: reply } = await readResponse(await handler(tokenRequest(body)));
      expect(reply.error?.message).not.toMatch(/\p{Surrogate}/u); // a lone surrogate, which JSON writes as \ud83d
      expect(reply.error?.message).toMatch(/(k{63}|lk\.x{60})…/);
    }
    // A key's own lone surrogate, echoed in the path of its value's problem, is shown as U+FFFD.
    const { body: reply } = await readResponse(await handler(tokenRequest('{"participant_attributes":{"team\\ud800":5}}')));
    expect(reply.error?.message).toContain('participant_attributes.team\uFFFD: ');
  });

  it.each([
    ['the first character past the BMP, U+10000', '\uD800\uDC00', 'k'.repeat(63)],
    ['the last, U+10FFFF', '\uDBFF\uDFFF', 'k'.repeat(63)],
    ['a character above the surrogates, U+FF48', '\uFF48', `${'k'.repeat(63)}\uFF48`],
    ['a character below them, U+D7FF', '\uD7FF', `${'k'.repeat(63)}\uD7FF`],
  ])('shortens a field name with %s as its 64th character at 64 characters, or 63 not to cut it in two', async (_, character, shown) => {
    const key = `${'k'.repeat(63)}${character}${'k'.repeat(10)}`;
    const { body } = await readResponse(await handler(tokenRequest({ participant_attributes: { [key]: 5 } })));
    expect(body.error?.message).toContain(`participant_attributes.${shown}…:`);
  });

  it('accepts application/json with a charset', async () => {
    const response = await handler(tokenRequest({}, { headers: { 'Content-Type': 'application/json; charset=utf-8' } }));
    expect(response.status).toBe(201);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const { status, body } = await readResponse(await handler(tokenRequest('{"room_name":')));
    expect([status, body.error?.code]).toEqual([400, 'invalid_json']);
  });

  it.each([
    ['a number as room_name', { room_name: 42 }],
    ['an array body', []],
    ['a string body', 'hello'],
    ['attributes that are not strings', { participant_attributes: { a: 1 } }],
    ['agents that are not a list', { room_config: { agents: 'support-agent' } }],
  ])('answers 400 invalid_body for %s', async (_, input) => {
    const { status, body } = await readResponse(await handler(tokenRequest(JSON.stringify(input))));
    expect([status, body.error?.code]).toEqual([400, 'invalid_body']);
  });

  it('names the offending field in an invalid_body message', async () => {
    const { body } = await readResponse(await handler(tokenRequest({ participant_name: false })));
    expect(body.error?.message).toContain('participant_name');
  });

  it.each([
    ['a room name over 256 characters', { room_name: 'r'.repeat(257) }],
    ['an identity over 256 characters', { participant_identity: 'i'.repeat(257) }],
    ['a name over 256 characters', { participant_name: 'n'.repeat(257) }],
    // LiveKit counts UTF-8 bytes (Go's len), not characters.
    ['a room name of 129 two-byte characters (258 bytes)', { room_name: 'é'.repeat(129) }],
    ['an identity of 65 four-byte characters (260 bytes)', { participant_identity: '😀'.repeat(65) }],
    ['a name of 86 three-byte characters (258 bytes)', { participant_name: '€'.repeat(86) }],
    ['an agent name of 129 two-byte characters (258 bytes)', { room_config: { agents: [{ agent_name: 'é'.repeat(129) }] } }],
    ['metadata over 512 KiB', { participant_metadata: 'm'.repeat(512 * 1024 + 1) }],
    ['attributes over 64 KiB', { participant_attributes: { big: 'a'.repeat(64 * 1024) } }],
  ])('answers 400 invalid_body for %s (LiveKit’s limits)', async (_, input) => {
    const { status, body } = await readResponse(await handler(tokenRequest(input)));
    expect([status, body.error?.code]).toEqual([400, 'invalid_body']);
  });

  it('accepts names of exactly 256 characters', async () => {
    const response = await createTokenHandler(handlerConfig({ authorize: () => ({ identity: 'x', allowRequestedIdentity: true }) }))(
      tokenRequest({ room_name: 'r'.repeat(256), participant_identity: 'i'.repeat(256), participant_name: 'n'.repeat(256) }),
    );
    expect(response.status).toBe(201);
  });

  it('accepts names of exactly 256 bytes of UTF-8', async () => {
    const response = await createTokenHandler(handlerConfig({ authorize: () => ({ identity: 'x', allowRequestedIdentity: true }) }))(
      tokenRequest({ room_name: 'é'.repeat(128), participant_identity: '😀'.repeat(64), participant_name: `${'€'.repeat(85)}n` }),
    );
    expect(response.status).toBe(201);
  });

  it('says a name over the limit is counted in bytes', async () => {
    const { body } = await readResponse(await handler(tokenRequest({ room_name: 'é'.repeat(129) })));
    expect(body.error?.message).toContain('room_name: must be at most 256 bytes of UTF-8');
  });

  it('answers 400 body_too_large for a body over maxBodyBytes', async () => {
    const small = createTokenHandler(handlerConfig({ maxBodyBytes: 100 }));
    const { status, body } = await readResponse(await small(tokenRequest({ participant_metadata: 'x'.repeat(200) })));
    expect([status, body.error?.code]).toEqual([400, 'body_too_large']);
  });

  it('reads an empty body as an empty request', async () => {
    expect((await handler(tokenRequest(''))).status).toBe(201);
  });

  it('reads a POST without any body as an empty request', async () => {
    const request = new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
    });
    expect(request.body).toBeNull();
    expect((await handler(request)).status).toBe(201);
  });

  it('answers a POST without Content-Type or body with 415', async () => {
    const response = await handler(
      new Request('http://127.0.0.1/api/token', { method: 'POST', headers: { Authorization: 'Bearer alice' } }),
    );
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
  });
});

describe('createTokenHandler: a body read before it ran', () => {
  it.each([
    ['read as JSON (await request.json())', async (request: Request) => void (await request.json())],
    ['read as text (await request.text())', async (request: Request) => void (await request.text())],
    ['held by a reader (request.body.getReader())', (request: Request) => void request.body!.getReader()],
  ])('answers 500 and tells onError what to change when a wrapper had the body %s', async (_, readFirst) => {
    const onError = vi.fn();
    const handler = createTokenHandler(handlerConfig({ onError }));
    const request = tokenRequest({ room_name: 'standup' });
    await readFirst(request);
    expect(request.bodyUsed || request.body!.locked).toBe(true);

    const response = await handler(request);

    expect(response.status).toBe(500);
    expect((await response.json()).error).toEqual({ code: 'internal_error', message: 'The token could not be issued.' });
    expect(onError).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({
        name: 'BodyReadBeforeError',
        message: expect.stringMatching(/^The request body was already read .*before the token handler ran.*request\.clone\(\)/),
      }),
      request,
    );
  });

  it('still reads a body a wrapper read only from its clone', async () => {
    const handler = createTokenHandler(handlerConfig());
    const request = tokenRequest({ room_name: 'standup' });
    await request.clone().json();
    const response = await handler(request);
    expect(response.status).toBe(201);
  });
});

describe('createTokenHandler: CORS', () => {
  const cors = { origin: ['https://app.example'] };

  it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
    const handler = createTokenHandler(handlerConfig({ cors }));
    const response = await handler(
      new Request('http://127.0.0.1/api/token', {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example', 'Access-Control-Request-Headers': 'authorization, content-type' },
      }),
    );
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  it('sends no CORS header to an origin that is not allowed', async () => {
    const handler = createTokenHandler(handlerConfig({ cors }));
    const response = await handler(tokenRequest({}, { headers: { Origin: 'https://evil.example' } }));
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an allowed origin read error responses too', async () => {
    const handler = createTokenHandler(handlerConfig({ cors }));
    const response = await handler(tokenRequest({}, { headers: { Origin: 'https://app.example', Authorization: '' } }));
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('sends no CORS header at all when CORS is not configured', async () => {
    const response = await createTokenHandler(handlerConfig())(tokenRequest({}, { headers: { Origin: 'https://app.example' } }));
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('createTokenHandler: configuration', () => {
  it('reads credentials from LIVEKIT_API_KEY, LIVEKIT_API_SECRET and LIVEKIT_URL', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'devkey');
    vi.stubEnv('LIVEKIT_API_SECRET', API_SECRET);
    vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
    const handler = createTokenHandler({ authorize: () => ({ identity: 'a' }) });
    const { body, claims } = await readResponse(await handler(tokenRequest({})));
    expect(body.server_url).toBe('wss://env.example');
    expect(claims?.iss).toBe('devkey');
    vi.unstubAllEnvs();
  });

  it('throws at creation without authorize', () => {
    expect(() => createTokenHandler({ ...handlerConfig(), authorize: undefined as never })).toThrow(/authorize/);
  });

  it('throws at creation for a server URL that is not a LiveKit URL', () => {
    expect(() => createTokenHandler(handlerConfig({ serverUrl: 'localhost:7880' }))).toThrow(/wss:\/\//);
  });
});
