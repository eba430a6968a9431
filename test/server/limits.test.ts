// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, type TokenLimits } from '../../src/server';
import { API_SECRET } from '../helpers/tokens';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { readResponse } from './verify';

afterEach(() => {
  vi.useRealTimers();
});

const as = (identity: string, body: unknown = {}) => tokenRequest(body, { headers: { Authorization: `Bearer ${identity}` } });
const withAgent = { room_config: { agents: [{ agent_name: 'support-agent' }] } };

/** Sends `count` requests one after another; their statuses in order. */
async function statuses(handler: (request: Request) => Promise<Response>, count: number, request: () => Request): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await handler(request())).status);
  return result;
}

describe('limits: tokens per caller (memory store)', () => {
  const limits: TokenLimits = { tokens: { limit: 3, windowSeconds: 60 } };

  it('issues `limit` tokens per window, then answers 429 rate_limited with Retry-After and a JSON error', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(handlerConfig({ limits }));
    expect(await statuses(handler, 3, () => as('alice'))).toEqual([201, 201, 201]);
    await vi.advanceTimersByTimeAsync(15_000);
    const response = await handler(as('alice'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('45');
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'rate_limited', message: 'Too many tokens for this caller: at most 3 every 60 s. Try again in 45 s.' },
    });
    expect(text).not.toContain(API_SECRET);
    expect(text).not.toMatch(/eyJ/);
  });

  it('lets an allowed cross-origin page read Retry-After (not a CORS-safelisted header)', async () => {
    const handler = createTokenHandler(
      handlerConfig({ limits: { tokens: { limit: 1, windowSeconds: 60 } }, cors: { origin: ['https://app.example'] } }),
    );
    const fromApp = () => tokenRequest({}, { headers: { Origin: 'https://app.example' } });
    await handler(fromApp());
    const refused = await handler(fromApp());
    expect(refused.status).toBe(429);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(refused.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('Retry-After');
  });

  it('counts each caller apart', async () => {
    const handler = createTokenHandler(handlerConfig({ limits }));
    await statuses(handler, 4, () => as('alice'));
    expect(await statuses(handler, 3, () => as('bob'))).toEqual([201, 201, 201]);
  });

  it('issues tokens again once the window has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(handlerConfig({ limits }));
    expect(await statuses(handler, 4, () => as('alice'))).toEqual([201, 201, 201, 429]);
    await vi.advanceTimersByTimeAsync(59_000);
    expect((await handler(as('alice'))).status).toBe(429);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await statuses(handler, 4, () => as('alice'))).toEqual([201, 201, 201, 429]);
  });

  it('counts the caller authorize names, not a requested identity it allows', async () => {
    const handler = createTokenHandler(handlerConfig({ limits, authorize: () => ({ identity: 'kiosk', allowRequestedIdentity: true }) }));
    const identities = ['guest-1', 'guest-2', 'guest-3', 'guest-4'];
    const results = [];
    for (const participant_identity of identities) results.push((await handler(tokenRequest({ participant_identity }))).status);
    expect(results).toEqual([201, 201, 201, 429]);
  });

  it('counts nothing for a request refused before the limits (bad body, 401, 403)', async () => {
    const handler = createTokenHandler(handlerConfig({ limits, rooms: ['lobby'] }));
    await handler(tokenRequest('{not json'));
    await handler(tokenRequest({}, { headers: { Authorization: '' } }));
    await handler(as('alice', { room_name: 'vault' }));
    await handler(as('alice', withAgent));
    expect(await statuses(handler, 4, () => as('alice', { room_name: 'lobby' }))).toEqual([201, 201, 201, 429]);
  });

  it('holds under 50 concurrent requests of one caller: exactly `limit` tokens', async () => {
    const handler = createTokenHandler(handlerConfig({ limits: { tokens: { limit: 10, windowSeconds: 60 } } }));
    const responses = await Promise.all(Array.from({ length: 50 }, () => handler(as('alice'))));
    const counts = responses.reduce<Record<number, number>>((acc, { status }) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 201: 10, 429: 40 });
  });
});

describe('limits: agent dispatches per caller (memory store)', () => {
  const limits: TokenLimits = { agentDispatches: { limit: 2, windowSeconds: 3600 } };

  it('refuses a token that would dispatch past the limit, and still issues tokens without agents', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(handlerConfig({ limits, agents: ['support-agent'] }));
    expect(await statuses(handler, 2, () => as('alice', withAgent))).toEqual([201, 201]);
    const { status, body } = await readResponse(await handler(as('alice', withAgent)));
    expect(status).toBe(429);
    expect(body.error?.message).toContain('agent dispatches');
    expect((await handler(as('alice', { room_name: 'chat' }))).status).toBe(201);
    expect((await handler(as('bob', withAgent))).status).toBe(201);
  });

  it('counts every agent of a token, and gives back what a refused token counted', async () => {
    const handler = createTokenHandler(
      handlerConfig({
        limits: { agentDispatches: { limit: 3, windowSeconds: 3600 } },
        agents: ['notes', 'support-agent'],
        maxAgentsPerToken: 2,
      }),
    );
    const two = { room_config: { agents: [{ agent_name: 'notes' }, { agent_name: 'support-agent' }] } };
    expect((await handler(as('alice', two))).status).toBe(201); // 2 of 3
    expect((await handler(as('alice', two))).status).toBe(429); // would be 4
    expect((await handler(as('alice', withAgent))).status).toBe(201); // 3 of 3: the refused two were given back
    expect((await handler(as('alice', withAgent))).status).toBe(429);
  });

  it('gives back the token a request counted when its agents are over the limit', async () => {
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 2, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 3600 } },
        agents: ['support-agent'],
      }),
    );
    expect(await statuses(handler, 3, () => as('alice', withAgent))).toEqual([201, 429, 429]);
    expect((await handler(as('alice'))).status).toBe(201); // second token of 2
    expect((await handler(as('alice'))).status).toBe(429);
  });
});

describe('limits: chosen per caller', () => {
  it('asks the limits function with the authorized participant, per request (per-plan limits)', async () => {
    const limits = vi.fn((participant: { identity: string }) =>
      participant.identity.startsWith('pro-') ? { tokens: { limit: 3, windowSeconds: 60 } } : { tokens: { limit: 1, windowSeconds: 60 } },
    );
    const handler = createTokenHandler(handlerConfig({ limits }));
    expect(await statuses(handler, 2, () => as('free-ann'))).toEqual([201, 429]);
    expect(await statuses(handler, 4, () => as('pro-bea'))).toEqual([201, 201, 201, 429]);
    expect(limits).toHaveBeenCalledWith({ identity: 'pro-bea' }, expect.objectContaining({ request: expect.any(Request) }));
  });

  it('keeps counting across a change of plan within a window', async () => {
    let plan = { tokens: { limit: 2, windowSeconds: 60 } };
    const handler = createTokenHandler(handlerConfig({ limits: async () => plan }));
    expect(await statuses(handler, 3, () => as('alice'))).toEqual([201, 201, 429]);
    plan = { tokens: { limit: 4, windowSeconds: 60 } };
    expect(await statuses(handler, 3, () => as('alice'))).toEqual([201, 201, 429]);
  });

  it('sets no limit for a caller the function returns null for', async () => {
    const handler = createTokenHandler(
      handlerConfig({ limits: (participant) => (participant.identity === 'admin' ? null : { tokens: { limit: 1, windowSeconds: 60 } }) }),
    );
    expect(await statuses(handler, 5, () => as('admin'))).toEqual([201, 201, 201, 201, 201]);
  });

  it('answers 500 internal_error, reported to onError, when the function returns limits that are not valid', async () => {
    const onError = vi.fn();
    const handler = createTokenHandler(handlerConfig({ limits: () => ({ tokens: { limit: 0, windowSeconds: 60 } }), onError }));
    const { status, body } = await readResponse(await handler(as('alice')));
    expect([status, body.error?.code]).toEqual([500, 'internal_error']);
    expect(String(onError.mock.calls[0]?.[0])).toContain('tokens.limit');
  });
});

describe('limits: configuration', () => {
  it.each([
    ['a limit of 0', { tokens: { limit: 0, windowSeconds: 60 } }, 'tokens.limit'],
    ['a fractional window', { tokens: { limit: 5, windowSeconds: 0.5 } }, 'tokens.windowSeconds'],
    ['a misspelt key', { agentDispatch: { limit: 5, windowSeconds: 60 } }, 'agentDispatch'],
    ['a limit given as text', { agentDispatches: { limit: '5', windowSeconds: 60 } }, 'agentDispatches.limit'],
    ['a list', [], 'must be an object'],
  ])('throws at creation for %s, naming it', (_, limits, named) => {
    expect(() => createTokenHandler(handlerConfig({ limits: limits as never }))).toThrow(named);
  });

  it.each([
    ['a store that is not memory or Redis', { limitStore: 'redis' }, /limitStore/],
    ['an onLimitStoreError that is not allow or deny', { onLimitStoreError: 'ignore' }, /onLimitStoreError/],
  ])('throws at creation for %s', (_, options, message) => {
    expect(() => createTokenHandler(handlerConfig({ limits: { tokens: { limit: 1, windowSeconds: 1 } }, ...(options as object) }))).toThrow(
      message,
    );
  });
});
