// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, toNodeHandler, TokenHandlerError, type TokenHandlerConfig } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { listen } from './listen';
import { readResponse } from './verify';

afterEach(() => {
  vi.useRealTimers();
});

/** A promise that never settles: a session lookup on a database that stopped answering. */
const never = <T>() => new Promise<T>(() => {});

/** Alice's request for the stand-up, with an agent when `agent` is set. */
const asAlice = (agent = false) =>
  tokenRequest({ room_name: 'standup', ...(agent && { room_config: { agents: [{ agent_name: 'support-agent' }] } }) });

/** Starts `handler(request)` under fake timers; `settled()` is its response once it has one. */
function start(handler: (request: Request) => Promise<Response>, request: Request) {
  let response: Response | undefined;
  void handler(request).then((settled) => (response = settled));
  return () => response;
}

describe('authorizeTimeoutMs: an authorize that never settles', () => {
  it('answers 503 authorize_timeout after 10 s by default, never cached, and tells onError with a TokenHandlerError', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const onError = vi.fn();
    const settled = start(createTokenHandler(handlerConfig({ authorize: never, onError })), asAlice());
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const response = settled()!;
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { status, body } = await readResponse(response);
    expect(status).toBe(503);
    expect(body.error).toEqual({
      code: 'authorize_timeout',
      message: 'authorize() did not settle within 10000 ms (authorizeTimeoutMs); try again shortly.',
    });
    expect(onError).toHaveBeenCalledTimes(1);
    const [reported, request] = onError.mock.calls[0]! as [unknown, Request];
    expect(reported).toBeInstanceOf(TokenHandlerError);
    expect(reported).toMatchObject({ code: 'authorize_timeout', status: 503 });
    expect(request.method).toBe('POST');
  });

  it('says when to ask again: Retry-After 2 on the 503, as on every 503 the handler answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const settled = start(createTokenHandler(handlerConfig({ authorize: never, authorizeTimeoutMs: 250, onError: () => {} })), asAlice());
    await vi.advanceTimersByTimeAsync(250);
    expect([settled()?.status, settled()?.headers.get('retry-after')]).toEqual([503, '2']);
  });

  it('uses authorizeTimeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const settled = start(createTokenHandler(handlerConfig({ authorize: never, authorizeTimeoutMs: 250, onError: () => {} })), asAlice());
    await vi.advanceTimersByTimeAsync(249);
    expect(settled()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const { status, body } = await readResponse(settled()!);
    expect([status, body.error?.code]).toEqual([503, 'authorize_timeout']);
    expect(body.error?.message).toContain('250 ms');
  });

  // The bench's token handler row: a timer per request cost about 7 % of tokens/s on Node 24.
  it('sets no timer for callbacks that answer at once, and one for the time left when one returns a promise', async () => {
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const deadlineTimers = () => setTimer.mock.calls.filter(([, delay]) => delay === 4_321 || delay === 4_311).length;
    const handler = (config: Partial<TokenHandlerConfig>) =>
      createTokenHandler(handlerConfig({ authorizeTimeoutMs: 4_321, rooms: () => true, onError: () => {}, ...config }));

    expect((await handler({ authorize: () => ({ identity: 'alice' }) })(asAlice())).status).toBe(201);
    expect(deadlineTimers()).toBe(0);

    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    const slowRooms = handler({
      authorize: () => {
        vi.setSystemTime(10);
        return { identity: 'alice' };
      },
      rooms: async () => true,
    });
    expect((await slowRooms(asAlice())).status).toBe(201);
    expect(setTimer.mock.calls.filter(([, delay]) => delay === 4_311)).toHaveLength(1);
    expect(deadlineTimers()).toBe(1);
  });

  it('leaves an authorize that settles in time alone, and keeps no timer once answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const authorize = async () => {
      await new Promise((resolve) => setTimeout(resolve, 9_000));
      return { identity: 'alice' };
    };
    const settled = start(createTokenHandler(handlerConfig({ authorize, rooms: async () => true })), asAlice());
    await vi.advanceTimersByTimeAsync(9_000);
    expect(settled()?.status).toBe(201);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1.5, '10000'])('throws at creation for authorizeTimeoutMs %s', (value) => {
    expect(() => createTokenHandler(handlerConfig({ authorizeTimeoutMs: value as number }))).toThrow(
      /`authorizeTimeoutMs` must be a positive integer/,
    );
  });
});

describe('authorizeTimeoutMs: one deadline for the app’s callbacks', () => {
  const slow =
    <T>(ms: number, value: T) =>
    () =>
      new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it.each<[string, Partial<TokenHandlerConfig>, string]>([
    ['the rooms policy', { rooms: never }, 'The rooms policy'],
    ['the agents policy', { agents: never }, 'The agents policy'],
    ['the limits function', { limits: never }, 'limits()'],
  ])('bounds %s as authorize, naming it', async (_, policy, named) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const onError = vi.fn();
    const settled = start(createTokenHandler(handlerConfig({ agents: ['support-agent'], ...policy, onError })), asAlice(true));
    await vi.advanceTimersByTimeAsync(10_000);
    const { status, body } = await readResponse(settled()!);
    expect([status, body.error?.code]).toEqual([503, 'authorize_timeout']);
    expect(body.error?.message).toBe(`${named} did not settle within 10000 ms (authorizeTimeoutMs); try again shortly.`);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('counts from the start of authorize: 6 s there and 6 s in the rooms policy are over 10 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(
      handlerConfig({ authorize: slow(6_000, { identity: 'alice' }), rooms: slow(6_000, true), onError: () => {} }),
    );
    const settled = start(handler, asAlice());
    await vi.advanceTimersByTimeAsync(10_000);
    const { status, body } = await readResponse(settled()!);
    expect([status, body.error?.message]).toEqual([
      503,
      'The rooms policy did not settle within 10000 ms (authorizeTimeoutMs); try again shortly.',
    ]);
  });
});

describe('authorizeTimeoutMs: the limits of a request that timed out', () => {
  it('counts nothing for it, even when its authorize settles after the answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let release!: () => void;
    let first = true;
    const authorize = async () => {
      if (first) {
        first = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      return { identity: 'alice' };
    };
    const handler = createTokenHandler(
      handlerConfig({
        authorize,
        onError: () => {},
        agents: ['support-agent'],
        limits: { tokens: { limit: 1, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 60 } },
      }),
    );
    const settled = start(handler, asAlice(true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(settled()?.status).toBe(503);
    release();
    await vi.advanceTimersByTimeAsync(0);
    // Alice's limits are whole: one token with its agent, then 429.
    expect((await handler(asAlice(true))).status).toBe(201);
    expect((await handler(asAlice(true))).status).toBe(429);
  });
});

describe('authorizeTimeoutMs: over a socket (toNodeHandler on node:http)', () => {
  it('answers a client waiting on an authorize that never settles, and serves the next request on that connection', async () => {
    const served = await listen(
      toNodeHandler(
        createTokenHandler(
          handlerConfig({
            authorize: (request) => (request.headers.get('authorization') === 'Bearer stuck' ? never() : { identity: 'alice' }),
            authorizeTimeoutMs: 200,
            onError: () => {},
          }),
        ),
      ),
    );
    try {
      const post = (identity: string) =>
        fetch(`${served.origin}/api/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${identity}` },
          body: '{"room_name":"standup"}',
          signal: AbortSignal.timeout(3_000),
        });
      const began = performance.now();
      const stuck = await post('stuck');
      expect(stuck.status).toBe(503);
      expect(((await stuck.json()) as { error: { code: string } }).error.code).toBe('authorize_timeout');
      expect(performance.now() - began).toBeLessThan(2_000);
      expect((await post('alice')).status).toBe(201);
    } finally {
      await served.close();
    }
  }, 10_000);
});
