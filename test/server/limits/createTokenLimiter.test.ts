// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler } from '../../../src/server';
import { handlerConfig, tokenRequest } from '../handlerConfig';
import { readResponse } from '../verify';
import { closeRedisStandIns, downRedis, hungRedis } from './redisStandIns';

const as = (identity: string, body: unknown = {}) => tokenRequest(body, { headers: { Authorization: `Bearer ${identity}` } });
const withAgent = { room_config: { agents: [{ agent_name: 'support-agent' }] } };

afterEach(async () => {
  vi.useRealTimers();
  await closeRedisStandIns();
});

describe('limits: when the limit store fails', () => {
  it("answers 503 limits_unavailable by default ('deny'), reporting the store’s failure and the request to onError", async () => {
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({ limits: { tokens: { limit: 5, windowSeconds: 60 } }, limitStore: { redis: downRedis() }, onError }),
    );
    const request = as('alice');
    const { status, body } = await readResponse(await handler(request));
    expect(status).toBe(503);
    expect(body.error).toEqual({ code: 'limits_unavailable', message: expect.stringMatching(/Limits cannot be checked right now/) });
    expect(onError).toHaveBeenCalledOnce();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/not ready/) }), request);
  });

  it("issues the token with onLimitStoreError 'allow', still reporting the failure to onError", async () => {
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 5, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 60 } },
        agents: ['support-agent'],
        limitStore: { redis: downRedis() },
        onLimitStoreError: 'allow',
        onError,
      }),
    );
    const { status, claims } = await readResponse(await handler(as('alice', withAgent)));
    expect(status).toBe(201);
    expect(claims?.sub).toBe('alice');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/not ready/) }), expect.any(Request));
  });

  it.each([
    ['deny', 503],
    ['allow', 201],
  ] as const)(
    "answers the same with onLimitStoreError '%s' when onError itself throws or rejects, and reports once",
    async (onLimitStoreError, status) => {
      // Plain functions, not vi.fn: a mock awaits the promises it returns, which would handle the rejection.
      const loggers = [
        () => {
          throw new Error('logger down');
        },
        () => Promise.reject(new Error('logger down')),
      ];
      for (const logger of loggers) {
        let reports = 0;
        const handler = createTokenHandler(
          handlerConfig({
            limits: { tokens: { limit: 5, windowSeconds: 60 } },
            limitStore: { redis: downRedis() },
            onLimitStoreError,
            onError: () => {
              reports += 1;
              return logger();
            },
          }),
        );
        expect((await handler(as('alice'))).status).toBe(status);
        expect(reports).toBe(1);
      }
    },
  );

  it('counts tokens and agent dispatches in Redis under keys named for what they count, their window and the caller', async () => {
    const { client, received } = await hungRedis();
    const limitStore = { redis: client, timeoutMs: 60_000 };
    const tokens = createTokenHandler(
      handlerConfig({ limits: { tokens: { limit: 5, windowSeconds: 60 } }, limitStore, onError: () => {} }),
    );
    const dispatches = createTokenHandler(
      handlerConfig({
        limits: { agentDispatches: { limit: 5, windowSeconds: 3600 } },
        agents: ['support-agent'],
        limitStore,
        onError: () => {},
      }),
    );
    // Both stay pending (Redis never answers) until the client disconnects after the test.
    void tokens(as('alice'));
    void dispatches(as('bob', withAgent));
    await vi.waitFor(() => {
      expect(received()).toContain('lkctr:tokens:60s:alice');
      expect(received()).toContain('lkctr:agentDispatches:3600s:bob');
    });
  });
});

describe('limits: a request no window could ever allow', () => {
  it('answers 400 invalid_body, not a 429 to retry, for more agents than the caller may dispatch in any window, and counts nothing', async () => {
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 1, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 3600 } },
        agents: ['support-agent', 'notes-agent'],
        maxAgentsPerToken: 2,
      }),
    );
    const twoAgents = { room_config: { agents: [{ agent_name: 'support-agent' }, { agent_name: 'notes-agent' }] } };
    const { status, body } = await readResponse(await handler(as('alice', twoAgents)));
    expect([status, body.error?.code]).toEqual([400, 'invalid_body']);
    expect(body.error?.message).toBe(
      'The token request is invalid — room_config.agents: 2 agent dispatches, more than this caller may have in any window (at most 1 every 3600 s).',
    );
    expect((await handler(as('alice', withAgent))).status).toBe(201); // nothing was counted: tokens 1 of 1, dispatches 1 of 1
  });
});

describe('limits: agent dispatch windows', () => {
  it('opens a caller’s dispatch window at its first dispatch, not at a token without agents', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(
      handlerConfig({ limits: { agentDispatches: { limit: 1, windowSeconds: 3600 } }, agents: ['support-agent'] }),
    );
    expect((await handler(as('alice'))).status).toBe(201); // t = 0: no agent, no dispatch counted
    await vi.advanceTimersByTimeAsync(1_800_000);
    expect((await handler(as('alice', withAgent))).status).toBe(201); // t = 30 min: the window opens, 1 of 1
    await vi.advanceTimersByTimeAsync(1_800_000);
    // t = 60 min: the window opened at 30 min is still open.
    const refused = await handler(as('alice', withAgent));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1800');
  });

  it('opens no dispatch window at a request the tokens limit refused: its dispatch, given back, was never counted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(
      handlerConfig({
        limits: { tokens: { limit: 1, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 3600 } },
        agents: ['support-agent'],
      }),
    );
    expect((await handler(as('alice'))).status).toBe(201); // t = 0: the token of this minute
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await handler(as('alice', withAgent))).status).toBe(429); // t = 1 s: over the tokens limit, nothing counted
    await vi.advanceTimersByTimeAsync(3_590_000);
    expect((await handler(as('alice', withAgent))).status).toBe(201); // t = 3591 s: the first dispatch opens the window
    await vi.advanceTimersByTimeAsync(61_000);
    // t = 3652 s, a minute later: that window is open for most of an hour yet (a window opened at 1 s would have closed).
    const refused = await handler(as('alice', withAgent));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3539');
  });
});

describe('limits: giving back what a refused request counted', () => {
  const limits = { tokens: { limit: 2, windowSeconds: 60 }, agentDispatches: { limit: 1, windowSeconds: 3600 } };

  /** t = 0: one token with an agent (tokens 1 of 2, dispatches 1 of 1); then, `at` ms in, one more that its agent makes over. */
  async function refusedAt(at: number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createTokenHandler(handlerConfig({ limits, agents: ['support-agent'] }));
    expect((await handler(as('alice', withAgent))).status).toBe(201);
    await vi.advanceTimersByTimeAsync(at);
    expect((await handler(as('alice', withAgent))).status).toBe(429);
    return handler;
  }

  it('gives back the token of a request refused for its agents', async () => {
    const handler = await refusedAt(30_000);
    expect((await handler(as('alice'))).status).toBe(201); // tokens 2 of 2
  });

  it('gives it back in the window’s last moment too, to that window: the next one still opens from zero', async () => {
    const handler = await refusedAt(59_999);
    expect((await handler(as('alice'))).status).toBe(201); // tokens 2 of 2
    await vi.advanceTimersByTimeAsync(1);
    expect((await handler(as('alice'))).status).toBe(201); // a new window: 1 of 2
    expect((await handler(as('alice'))).status).toBe(201); // 2 of 2
    expect((await handler(as('alice'))).status).toBe(429);
  });
});

describe('limits: windows longer than the memory store can hold', () => {
  /** 30 days: a monthly quota, past the 2^31 - 1 ms (about 24.8 days) the memory store's timers hold. */
  const month = { agentDispatches: { limit: 2, windowSeconds: 30 * 86_400 } };
  const longest = Math.floor((2 ** 31 - 1) / 1000);

  it('refuses a monthly window in memory when the handler is created, and says to count it in Redis', () => {
    expect(() => createTokenHandler(handlerConfig({ limits: month, agents: ['support-agent'] }))).toThrow(
      /`agentDispatches\.windowSeconds` 2592000 is longer than the memory limit store can count \(2147483 s, about 24\.8 days\).*Redis/,
    );
  });

  it('counts the longest window it can hold in memory as it does an hour', async () => {
    const handler = createTokenHandler(
      handlerConfig({ limits: { agentDispatches: { limit: 2, windowSeconds: longest } }, agents: ['support-agent'] }),
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await handler(as('alice', withAgent))).status);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('accepts a monthly window counted in Redis (its keys expire by themselves)', () => {
    expect(() => createTokenHandler(handlerConfig({ limits: month, limitStore: { redis: downRedis() }, onError: () => {} }))).not.toThrow();
  });

  it('answers 500 when a limits function returns a monthly window for the memory store: the app’s mistake, not the caller’s', async () => {
    const onError = vi.fn();
    const handler = createTokenHandler(handlerConfig({ limits: () => month, agents: ['support-agent'], onError }));
    const response = await handler(as('alice', withAgent));
    expect(response.status).toBe(500);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/longer than the memory limit store can count/) }),
      expect.any(Request),
    );
  });
});
