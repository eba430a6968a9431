// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, TokenHandlerError } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { closeRedisStandIns, downRedis } from './limits/redisStandIns';
import { readResponse, verifyToken } from './verify';

// Promises of README.md ("Server token endpoint") and docs/server-security.md no other test checked.

afterEach(async () => {
  vi.useRealTimers();
  await closeRedisStandIns();
});

const as = (identity: string, body: unknown = {}) => tokenRequest(body, { headers: { Authorization: `Bearer ${identity}` } });
const withAgent = { room_config: { agents: [{ agent_name: 'support-agent' }] } };

/** `console.error`, watched: the default `onError` logs there. */
function watchConsole() {
  return vi.spyOn(console, 'error').mockImplementation(() => {});
}

describe('onError: what reaches the log by default', () => {
  it('logs nothing for a refusal without a cause: 405, 415, body_too_large, 408 and 429', async () => {
    const log = watchConsole();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(
      handlerConfig({ maxBodyBytes: 64, bodyTimeoutMs: 1_000, limits: { tokens: { limit: 1, windowSeconds: 60 } } }),
    );
    const stalled = new Request('http://127.0.0.1/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
      body: new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{')) }),
      duplex: 'half',
    } as RequestInit);
    const timedOut = handler(stalled);
    await vi.advanceTimersByTimeAsync(1_000);
    const statuses = [
      (await handler(tokenRequest({}, { method: 'PUT' }))).status,
      (await handler(tokenRequest({}, { headers: { 'Content-Type': 'text/plain' } }))).status,
      (await handler(tokenRequest({ participant_metadata: 'x'.repeat(100) }))).status,
      (await timedOut).status,
      (await handler(as('alice'))).status,
      (await handler(as('alice'))).status,
    ];
    expect(statuses).toEqual([405, 415, 400, 408, 201, 429]);
    expect(log).not.toHaveBeenCalled();
  });

  it.each(['deny', 'allow'] as const)(
    "logs a limit store failure once per failed request with onLimitStoreError '%s' (one console.error call)",
    async (onLimitStoreError) => {
      const log = watchConsole();
      const handler = createTokenHandler(
        handlerConfig({
          limits: { tokens: { limit: 5, windowSeconds: 60 }, agentDispatches: { limit: 5, windowSeconds: 60 } },
          agents: ['support-agent'],
          limitStore: { redis: downRedis() },
          onLimitStoreError,
        }),
      );
      expect((await handler(as('alice', withAgent))).status).toBe(onLimitStoreError === 'deny' ? 503 : 201);
      expect((await handler(as('bob'))).status).toBe(onLimitStoreError === 'deny' ? 503 : 201);
      expect(log).toHaveBeenCalledTimes(2);
      expect(log).toHaveBeenCalledWith('[livekit-custom-token-react/server] POST /api/token failed:', expect.any(Error));
    },
  );
});

describe('refusals a policy throws', () => {
  it.each([
    ['rooms', { rooms: () => Promise.reject(new TokenHandlerError('forbidden', 'The stand-up is for the team.')) }],
    ['agents', { agents: () => Promise.reject(new TokenHandlerError('forbidden', 'The stand-up is for the team.')) }],
  ])('answers a TokenHandlerError the %s policy throws with its status and message, logging nothing', async (_, policy) => {
    const onError = vi.fn();
    const handler = createTokenHandler(handlerConfig({ ...policy, onError }));
    const { status, body } = await readResponse(await handler(as('alice', { room_name: 'standup', ...withAgent })));
    expect({ status, body }).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'The stand-up is for the team.' } } });
    expect(onError).not.toHaveBeenCalled();
  });

  // README, the error table: "500 `internal_error`: something unexpected; details go to `onError` (the console by
  // default), never to the client" — also when the app's own code says so with a TokenHandlerError of that code.
  it('answers an internal_error that authorize throws without its words, which go to onError only', async () => {
    const onError = vi.fn();
    const lookup = new Error('connect ECONNREFUSED 10.0.4.2:5432 (users)');
    const handler = createTokenHandler(
      handlerConfig({
        authorize: () => {
          throw new TokenHandlerError('internal_error', `Session lookup failed: ${lookup.message}`, {
            cause: lookup,
            retryAfterSeconds: 5,
          });
        },
        onError,
      }),
    );
    const response = await handler(as('alice'));
    const { status, body } = await readResponse(response);
    expect({ status, body }).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'The token could not be issued.' } },
    });
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(onError).toHaveBeenCalledExactlyOnceWith(lookup, expect.any(Request));
  });
});

describe('CORS with credentials: the origin null', () => {
  it('never asks the origin function about null', async () => {
    const origin = vi.fn(() => true);
    const handler = createTokenHandler(handlerConfig({ cors: { origin, credentials: true } }));
    for (const method of ['POST', 'OPTIONS']) await handler(tokenRequest({}, { method, headers: { Origin: 'null' } }));
    expect(origin).not.toHaveBeenCalled();
  });
});

describe('limits in memory: a refund in the window’s last 100 ms', () => {
  /**
   * Dispatches: 2 a minute; tokens: 1 an hour. t = 0: a token with an agent (dispatches 1 of 2,
   * tokens 1 of 1). At `at`, another: its dispatch counted (2 of 2), then the tokens limit refuses
   * it, which gives that dispatch back. Then one more, which says which limit it is over.
   */
  async function refusedAt(at: number): Promise<string> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const limits = { tokens: { limit: 1, windowSeconds: 3600 }, agentDispatches: { limit: 2, windowSeconds: 60 } };
    const handler = createTokenHandler(handlerConfig({ limits, agents: ['support-agent'] }));
    expect((await handler(as('alice', withAgent))).status).toBe(201);
    await vi.advanceTimersByTimeAsync(at);
    expect((await readResponse(await handler(as('alice', withAgent)))).body.error?.message).toMatch(/^Too many tokens/);
    return (await readResponse(await handler(as('alice', withAgent)))).body.error!.message;
  }

  it('gives the dispatch back before them: the next request is over the tokens limit only', async () => {
    expect(await refusedAt(59_899)).toMatch(/^Too many tokens/);
  });

  it('keeps it counted within them: that window ends with it counted', async () => {
    expect(await refusedAt(59_901)).toMatch(/^Too many agent dispatches/);
  });
});

describe('limits: a caller that goes away', () => {
  /** Alice's limit (1 token a minute) after a request her client aborted while the handler waited in `where`: the next request's status. */
  async function abandoned(where: 'authorize' | 'limits'): Promise<number> {
    const controller = new AbortController();
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    const pause = async (here: string) => {
      if (here !== where || controller.signal.aborted) return;
      entered();
      await new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
    };
    const handler = createTokenHandler(
      handlerConfig({
        authorize: async () => {
          await pause('authorize');
          return { identity: 'alice' };
        },
        limits: async () => {
          await pause('limits');
          return { tokens: { limit: 1, windowSeconds: 60 } };
        },
      }),
    );
    const request = new Request(as('alice'), { signal: controller.signal });
    const answer = handler(request);
    await waiting;
    controller.abort();
    await answer;
    return (await handler(as('alice'))).status;
  }

  it('counts nothing when it went away before its limits were counted (while authorize ran)', async () => {
    expect(await abandoned('authorize')).toBe(201);
  });

  it('is still counted when it went away while the counts ran (here, the limits function)', async () => {
    expect(await abandoned('limits')).toBe(429);
  });

  // The Fetch handler's own answer to it, which a wrapper around the handler (a log, a metrics middleware) still reads.
  it('answers the request it went away from 408 request_timeout, with no token', async () => {
    const controller = new AbortController();
    const handler = createTokenHandler(
      handlerConfig({
        authorize: () => {
          controller.abort();
          return { identity: 'alice' };
        },
        limits: { tokens: { limit: 1, windowSeconds: 60 } },
      }),
    );
    const { status, body } = await readResponse(await handler(new Request(as('alice'), { signal: controller.signal })));
    expect(status).toBe(408);
    expect(body.error).toEqual({ code: 'request_timeout', message: 'The caller went away before the token was issued.' });
    expect(body.participant_token).toBeUndefined();
  });
});

describe('rooms: fresh rooms allowed as the docs advise', () => {
  const handler = createTokenHandler(handlerConfig({ rooms: (room, { body }) => body.roomName === undefined || room === 'lobby' }));

  it('gives a caller without room_name a fresh room-<uuid>', async () => {
    const { status, body } = await readResponse(await handler(as('alice')));
    expect(status).toBe(201);
    const { video } = await verifyToken((body as { participant_token: string }).participant_token);
    expect(video?.room).toMatch(/^room-[0-9a-f-]{36}$/);
  });

  it('refuses a caller naming a room-<uuid>, another caller’s fresh room say, and lets it name the lobby', async () => {
    const fresh = await readResponse(await handler(as('alice')));
    const { video } = await verifyToken((fresh.body as { participant_token: string }).participant_token);
    const named = await readResponse(await handler(as('mallory', { room_name: video?.room })));
    expect(named).toMatchObject({ status: 403, body: { error: { code: 'room_not_allowed' } } });
    expect((await handler(as('mallory', { room_name: 'lobby' }))).status).toBe(201);
  });
});
