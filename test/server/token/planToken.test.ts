// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { planToken, type TokenPlanPolicy } from '../../../src/server/token/planToken';
import { TokenHandlerError } from '../../../src/server/TokenHandlerError';
import type { AuthorizedParticipant, RequestedAgent, TokenRequestBody } from '../../../src/server/types';

const request = new Request('http://127.0.0.1/api/token', { method: 'POST' });
const body = (fields: Partial<TokenRequestBody> = {}): TokenRequestBody => ({ agents: [], ...fields });
const as = (participant: AuthorizedParticipant | null) => () => participant;
const alice = as({ identity: 'alice' });

/** The error `planToken` rejects with. */
async function refusal(plan: Promise<unknown>): Promise<Error> {
  const error = await plan.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected planToken to reject with an Error');
  return error;
}

/** Expects a TokenHandlerError with this code whose message matches. */
async function expectRefusal(plan: Promise<unknown>, code: string, message: RegExp | string) {
  const error = await refusal(plan);
  expect(error).toBeInstanceOf(TokenHandlerError);
  expect((error as TokenHandlerError).code).toBe(code);
  expect(error.message).toMatch(message);
}

describe('planToken: who the caller is', () => {
  it('asks authorize with the request, the body and a signal', async () => {
    const authorize = vi.fn(alice);
    const requested = body({ roomName: 'r' });
    await planToken(request, requested, { authorize });
    expect(authorize).toHaveBeenCalledExactlyOnceWith(request, requested, expect.objectContaining({ signal: expect.any(AbortSignal) }));
  });

  it('refuses with unauthorized when authorize returns null or undefined', async () => {
    await expectRefusal(
      planToken(request, body(), { authorize: as(null) }),
      'unauthorized',
      'The caller is not signed in or not recognised.',
    );
    await expectRefusal(planToken(request, body(), { authorize: () => undefined }), 'unauthorized', /not signed in/);
  });

  it('refuses with unauthorized when authorize throws, keeping the error as the cause', async () => {
    const failure = new Error('session store down');
    const error = await refusal(
      planToken(request, body(), {
        authorize: () => {
          throw failure;
        },
      }),
    );
    expect(error).toMatchObject({ code: 'unauthorized', message: 'The caller is not signed in or not recognised.', cause: failure });
  });

  it('passes on a TokenHandlerError authorize throws', async () => {
    const forbidden = new TokenHandlerError('forbidden', 'Members only.');
    expect(await refusal(planToken(request, body(), { authorize: () => Promise.reject(forbidden) }))).toBe(forbidden);
  });

  it.each([
    ['an empty identity', ''],
    ['an identity that is not a string', 42],
    ['no identity', undefined],
    ['an identity over 256 characters', 'i'.repeat(257)],
    ['an identity of 129 two-byte characters (258 bytes, over LiveKit’s limit)', 'é'.repeat(129)],
  ])('fails with a plain Error (a 500, not the caller’s fault) when authorize returns %s', async (_, identity) => {
    const error = await refusal(planToken(request, body(), { authorize: as({ identity } as never) }));
    expect(error).not.toBeInstanceOf(TokenHandlerError);
    expect(error.message).toBe('authorize() must return a non-empty identity of at most 256 bytes of UTF-8.');
  });

  it('accepts an identity of 256 characters', async () => {
    expect((await planToken(request, body(), { authorize: as({ identity: 'i'.repeat(256) }) })).identity).toBe('i'.repeat(256));
  });

  it.each([
    ['a name over 256 bytes', { name: 'é'.repeat(129) }, 'authorize() returned a name over 256 bytes of UTF-8.'],
    ['metadata over 512 KiB', { metadata: 'm'.repeat(512 * 1024 + 1) }, 'authorize() returned metadata over 524288 bytes of UTF-8.'],
    [
      'attributes over 64 KiB',
      { attributes: { k: 'v'.repeat(64 * 1024) } },
      'authorize() returned attributes over 65536 bytes of UTF-8 in total.',
    ],
  ])('fails with a plain Error (a 500) when authorize returns %s, which LiveKit would refuse at join', async (_, extra, message) => {
    const error = await refusal(planToken(request, body(), { authorize: as({ identity: 'alice', ...extra }) }));
    expect(error).not.toBeInstanceOf(TokenHandlerError);
    expect(error.message).toBe(message);
  });

  // LiveKit reads a lone surrogate as U+FFFD: "bob\uD800" and "bob\uDBFF" would be one participant there, two callers here.
  it.each([
    ['an identity', { identity: 'bob\uD800' }, 'an identity'],
    ['a name', { name: 'Bob \uDC00' }, 'a name'],
    ['metadata', { metadata: '{"x":"\uD83D"}' }, 'metadata'],
    ['an attribute key', { attributes: { 'team\uDBFF': 'blue' } }, 'attributes'],
    ['an attribute value', { attributes: { team: 'blue\uDFFF' } }, 'attributes'],
    ['one attribute among well-formed ones', { attributes: { team: 'blue', plan: 'pro', 'role\uD800': 'admin' } }, 'attributes'],
  ])('fails with a plain Error (a 500) when authorize returns %s with a lone surrogate', async (_, extra, what) => {
    const error = await refusal(planToken(request, body(), { authorize: as({ identity: 'alice', ...extra }) }));
    expect(error).not.toBeInstanceOf(TokenHandlerError);
    expect(error.message).toBe(
      `authorize() returned ${what} that is not well-formed UTF-16: a lone surrogate, which LiveKit would read as U+FFFD.`,
    );
  });

  it('fails with a plain Error (a 500) when authorize grants canPublishSources no token can carry, the SDK’s error as its cause', async () => {
    const grants = { canPublishSources: ['webcam'] } as unknown as AuthorizedParticipant['grants'];
    const error = await refusal(planToken(request, body(), { authorize: as({ identity: 'alice', grants }) }));
    expect(error).not.toBeInstanceOf(TokenHandlerError);
    expect(error.message).toMatch(/^authorize\(\) returned grants\.canPublishSources the token cannot carry .*webcam/);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toContain((error.cause as Error).message);
  });

  it('refuses with 400 invalid_body attributes that fit on their own but not beside the ones authorize sets', async () => {
    await expectRefusal(
      planToken(request, body({ participantAttributes: { mine: 'x'.repeat(40 * 1024) } }), {
        authorize: as({ identity: 'alice', attributes: { plan: 'y'.repeat(30 * 1024) } }),
      }),
      'invalid_body',
      "The token request is invalid — participant_attributes: with the server's own attributes, must be at most 65536 bytes in total.",
    );
  });

  it('accepts an identity of exactly 256 bytes of UTF-8', async () => {
    expect((await planToken(request, body(), { authorize: as({ identity: '😀'.repeat(64) }) })).identity).toBe('😀'.repeat(64));
  });
});

describe('planToken: the requested identity', () => {
  it('refuses another identity with identity_not_allowed', async () => {
    await expectRefusal(
      planToken(request, body({ participantIdentity: 'bob' }), { authorize: alice }),
      'identity_not_allowed',
      'This caller may not choose its participant identity.',
    );
  });

  it('accepts the caller’s own identity', async () => {
    expect((await planToken(request, body({ participantIdentity: 'alice' }), { authorize: alice })).identity).toBe('alice');
  });

  it('uses the requested identity when authorize allows it, and the caller’s own when none is requested', async () => {
    const authorize = as({ identity: 'guest', allowRequestedIdentity: true });
    expect((await planToken(request, body({ participantIdentity: 'kiosk-7' }), { authorize })).identity).toBe('kiosk-7');
    expect((await planToken(request, body(), { authorize })).identity).toBe('guest');
  });
});

describe('planToken: rooms', () => {
  it('plans the requested room', async () => {
    expect((await planToken(request, body({ roomName: 'standup' }), { authorize: alice })).roomName).toBe('standup');
  });

  it('plans a fresh room-<uuid> when none is requested', async () => {
    const first = await planToken(request, body(), { authorize: alice });
    const second = await planToken(request, body(), { authorize: alice });
    expect(first.roomName).toMatch(/^room-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(second.roomName).toMatch(/^room-/);
    expect(second.roomName).not.toBe(first.roomName);
  });

  it('asks the room policy about the fresh room too: a list refuses it, saying to name the room', async () => {
    await expectRefusal(
      planToken(request, body({ agents: [{ agentName: 'support-agent' }] }), {
        authorize: alice,
        rooms: ['lobby'],
        agents: ['support-agent'],
      }),
      'room_not_allowed',
      'This caller may not join a fresh room: name the room (room_name).',
    );
  });

  it('gives a room policy function the fresh room’s name, which it may allow', async () => {
    const rooms = vi.fn((room: string) => /^room-[0-9a-f-]{36}$/.test(room));
    const plan = await planToken(request, body(), { authorize: alice, rooms });
    expect(rooms).toHaveBeenCalledWith(plan.roomName, expect.objectContaining({ participant: { identity: 'alice' } }));
  });

  it('refuses a room outside the allow-list with room_not_allowed', async () => {
    await expectRefusal(
      planToken(request, body({ roomName: 'board' }), { authorize: alice, rooms: ['lobby', 'stage'] }),
      'room_not_allowed',
      'This caller may not join the requested room.',
    );
    expect((await planToken(request, body({ roomName: 'stage' }), { authorize: alice, rooms: ['lobby', 'stage'] })).roomName).toBe('stage');
  });

  it('asks a room function with the room and the context, and allows only on exactly true', async () => {
    const rooms = vi.fn(async (room: string) => (room === 'mine' ? true : ('yes' as unknown as boolean)));
    const requested = body({ roomName: 'mine' });
    await planToken(request, requested, { authorize: alice, rooms });
    expect(rooms).toHaveBeenCalledExactlyOnceWith(
      'mine',
      expect.objectContaining({ participant: { identity: 'alice' }, body: requested, request, signal: expect.any(AbortSignal) }),
    );
    await expectRefusal(planToken(request, body({ roomName: 'theirs' }), { authorize: alice, rooms }), 'room_not_allowed', /room/);
  });

  it('allows any room without a room policy', async () => {
    expect((await planToken(request, body({ roomName: 'anything' }), { authorize: alice })).roomName).toBe('anything');
  });
});

describe('planToken: agents', () => {
  const agent = (agentName: string, extra: Partial<RequestedAgent> = {}): RequestedAgent => ({ agentName, ...extra });

  it('refuses every agent when there is no agent policy', async () => {
    for (const name of ['support-agent', '', 'agent']) {
      await expectRefusal(
        planToken(request, body({ agents: [agent(name)] }), { authorize: alice }),
        'agent_not_allowed',
        'This caller may not dispatch the requested agent.',
      );
    }
  });

  it('allows the agents of the allow-list, and refuses the whole token for one that is not', async () => {
    const policy = { authorize: alice, agents: ['notes', 'support'], maxAgentsPerToken: 2 };
    expect((await planToken(request, body({ agents: [agent('notes'), agent('support')] }), policy)).agents).toEqual([
      { agentName: 'notes', metadata: undefined, deployment: undefined },
      { agentName: 'support', metadata: undefined, deployment: undefined },
    ]);
    await expectRefusal(planToken(request, body({ agents: [agent('notes'), agent('admin')] }), policy), 'agent_not_allowed', /agent/);
  });

  it('asks an agent function with each agent and the context, and allows only on exactly true', async () => {
    const agents = vi.fn((requested: RequestedAgent) => (requested.agentName === 'notes' ? true : (1 as unknown as boolean)));
    const requested = body({ agents: [agent('notes', { metadata: 'm' })] });
    await planToken(request, requested, { authorize: alice, agents });
    expect(agents).toHaveBeenCalledExactlyOnceWith(
      { agentName: 'notes', metadata: 'm' },
      expect.objectContaining({ participant: { identity: 'alice' }, body: requested, request, signal: expect.any(AbortSignal) }),
    );
    await expectRefusal(planToken(request, body({ agents: [agent('other')] }), { authorize: alice, agents }), 'agent_not_allowed', /agent/);
  });

  it('copies only an agent’s name, metadata and deployment into the plan', async () => {
    const requested = { agentName: 'notes', metadata: 'm', deployment: 'prod', priority: 'high' } as RequestedAgent;
    expect((await planToken(request, body({ agents: [requested] }), { authorize: alice, agents: ['notes'] })).agents).toStrictEqual([
      { agentName: 'notes', metadata: 'm', deployment: 'prod' },
    ]);
  });

  it('refuses more agents than maxAgentsPerToken (1 by default) with invalid_body, before authorize is asked', async () => {
    const authorize = vi.fn(alice);
    await expectRefusal(
      planToken(request, body({ agents: [agent('a'), agent('b')] }), { authorize, agents: () => true }),
      'invalid_body',
      'The token request is invalid — room_config.agents: at most 1 distinct agent per token (maxAgentsPerToken), got 2.',
    );
    expect(authorize).not.toHaveBeenCalled();
  });

  it('says the limit in the plural for any other maxAgentsPerToken', async () => {
    await expectRefusal(
      planToken(request, body({ agents: [agent('a'), agent('b'), agent('c')] }), {
        authorize: alice,
        agents: () => true,
        maxAgentsPerToken: 2,
      }),
      'invalid_body',
      /at most 2 distinct agents per token \(maxAgentsPerToken\), got 3\.$/,
    );
    await expectRefusal(
      planToken(request, body({ agents: [agent('a')] }), { authorize: alice, agents: () => true, maxAgentsPerToken: 0 }),
      'invalid_body',
      /at most 0 distinct agents per token/,
    );
  });

  it('plans exactly maxAgentsPerToken agents', async () => {
    const plan = await planToken(request, body({ agents: [agent('a'), agent('b')] }), {
      authorize: alice,
      agents: () => true,
      maxAgentsPerToken: 2,
    });
    expect(plan.agents).toHaveLength(2);
  });
});

describe('planToken: reserved lk. attributes', () => {
  it('refuses a requested attribute under lk., in any case, with attribute_not_allowed naming it', async () => {
    for (const key of ['lk.agent.state', 'LK.publish_on_behalf', 'Lk.x']) {
      await expectRefusal(
        planToken(request, body({ participantAttributes: { team: 'blue', [key]: 'v' } }), { authorize: alice }),
        'attribute_not_allowed',
        `The attribute "${key}" is reserved for LiveKit (lk. prefix); only the server may set it.`,
      );
    }
  });

  it('shows a reserved key of up to 64 characters whole, and a longer one cut at 64 with an ellipsis', async () => {
    const exactly64 = `lk.${'a'.repeat(61)}`;
    const longer = `lk.${'b'.repeat(61)}cdef`;
    await expectRefusal(
      planToken(request, body({ participantAttributes: { [exactly64]: 'v' } }), { authorize: alice }),
      'attribute_not_allowed',
      `"${exactly64}"`,
    );
    await expectRefusal(
      planToken(request, body({ participantAttributes: { [longer]: 'v' } }), { authorize: alice }),
      'attribute_not_allowed',
      `"${longer.slice(0, 64)}…" is reserved`,
    );
  });

  it('accepts a reserved key that authorize sets, its value winning', async () => {
    const plan = await planToken(request, body({ participantAttributes: { 'lk.agent.state': 'speaking', team: 'blue' } }), {
      authorize: as({ identity: 'ui', attributes: { 'lk.agent.state': 'idle' } }),
    });
    expect(plan.attributes).toEqual({ 'lk.agent.state': 'idle', team: 'blue' });
  });
});

describe('planToken: what the token carries', () => {
  it('takes name and metadata from authorize, else from the request', async () => {
    const requested = body({ participantName: 'Requested', participantMetadata: 'requested' });
    expect(await planToken(request, requested, { authorize: alice })).toMatchObject({ name: 'Requested', metadata: 'requested' });
    expect(await planToken(request, requested, { authorize: as({ identity: 'a', name: 'Real', metadata: 'server' }) })).toMatchObject({
      name: 'Real',
      metadata: 'server',
    });
  });

  it('merges the attributes, authorize’s keys winning, and plans none when neither sets any', async () => {
    const authorize = as({ identity: 'a', attributes: { role: 'member' } });
    expect((await planToken(request, body({ participantAttributes: { role: 'admin', x: 'y' } }), { authorize })).attributes).toEqual({
      role: 'member',
      x: 'y',
    });
    expect((await planToken(request, body({ participantAttributes: { x: 'y' } }), { authorize: alice })).attributes).toEqual({ x: 'y' });
    expect((await planToken(request, body(), { authorize })).attributes).toEqual({ role: 'member' });
    expect((await planToken(request, body(), { authorize: alice })).attributes).toBeUndefined();
  });

  it('plans the grants authorize returns, or none', async () => {
    expect((await planToken(request, body(), { authorize: as({ identity: 'a', grants: { canPublish: false } }) })).grants).toEqual({
      canPublish: false,
    });
    expect((await planToken(request, body(), { authorize: alice })).grants).toEqual({});
  });
});

describe('planToken: limits', () => {
  it('counts the finished plan against the limiter, last, with the context', async () => {
    const limiter = vi.fn(async () => {});
    const requested = body({ roomName: 'r' });
    const plan = await planToken(request, requested, { authorize: alice, limiter });
    expect(limiter).toHaveBeenCalledExactlyOnceWith(
      plan,
      expect.objectContaining({ participant: { identity: 'alice' }, body: requested, request, signal: expect.any(AbortSignal) }),
      expect.objectContaining({ within: expect.any(Function) }),
    );
  });

  it('does not count a refused request', async () => {
    const limiter = vi.fn(async () => {});
    await refusal(planToken(request, body({ roomName: 'board' }), { authorize: alice, rooms: ['lobby'], limiter }));
    expect(limiter).not.toHaveBeenCalled();
  });

  it('passes on the limiter’s refusal', async () => {
    const limited = new TokenHandlerError('rate_limited', 'Slow down.', { retryAfterSeconds: 5 });
    const policy: TokenPlanPolicy = { authorize: alice, limiter: () => Promise.reject(limited) };
    expect(await refusal(planToken(request, body(), policy))).toBe(limited);
  });
});
