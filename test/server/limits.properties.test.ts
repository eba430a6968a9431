// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { readResponse } from './verify';
import { scaledPropertyRuns } from '../helpers/propertyRuns';

const TOKENS = { limit: 4, windowSeconds: 60 };
const DISPATCHES = { limit: 3, windowSeconds: 120 };
const AGENTS = ['notes', 'support-agent'];

interface Step {
  identity: string;
  agents: number;
  /** Seconds the clock moves before this request. */
  wait: number;
}

/** A fixed window as the limits promise it: opened by the first count, closed `windowSeconds` later. */
class Window {
  count = 0;
  private closesAt = -Infinity;
  constructor(private readonly windowSeconds: number) {}
  /** Counts `points` at `now` (ms); returns the count, opening a new window when the last one closed. */
  add(points: number, now: number): { count: number } {
    if (now >= this.closesAt) [this.count, this.closesAt] = [0, now + this.windowSeconds * 1000];
    this.count += points;
    return { count: this.count };
  }
  /** Takes back what a refused request counted: at once, so from the window it was counted in. */
  giveBack(points: number): void {
    this.count -= points;
  }
}

/** The limits' specification, one request at a time: what status each request should get. */
function expectedStatus(model: Map<string, { tokens: Window; dispatches: Window }>, { identity, agents }: Step, now: number): 201 | 429 {
  let windows = model.get(identity);
  if (!windows)
    model.set(identity, (windows = { tokens: new Window(TOKENS.windowSeconds), dispatches: new Window(DISPATCHES.windowSeconds) }));
  const tokens = windows.tokens.add(1, now);
  if (tokens.count > TOKENS.limit) {
    windows.tokens.giveBack(1);
    return 429;
  }
  if (agents === 0) return 201;
  const dispatches = windows.dispatches.add(agents, now);
  if (dispatches.count > DISPATCHES.limit) {
    windows.dispatches.giveBack(agents);
    windows.tokens.giveBack(1);
    return 429;
  }
  return 201;
}

const step: fc.Arbitrary<Step> = fc.record({
  identity: fc.constantFrom('alice', 'bob', 'carol'),
  agents: fc.integer({ min: 0, max: 2 }),
  wait: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.constantFrom(1, 30, 59, 60, 61, 119, 120), weight: 1 }),
});

/** Each property's runs times `LIMITS_PROPERTY_SCALE` (1); raise it and pick the seed to explore: `LIMITS_PROPERTY_SCALE=10 LIMITS_PROPERTY_SEED=<seed>`. */
const runs = scaledPropertyRuns('LIMITS_PROPERTY');

describe('limits (memory store): property', () => {
  it('answers every sequence of callers, agents and waits exactly as the fixed-window model says, never with a 500', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const handler = createTokenHandler(
          handlerConfig({
            limits: { tokens: TOKENS, agentDispatches: DISPATCHES },
            agents: AGENTS,
            maxAgentsPerToken: 2,
            onError: () => {},
          }),
        );
        const model = new Map<string, { tokens: Window; dispatches: Window }>();
        for (const current of steps) {
          await vi.advanceTimersByTimeAsync(current.wait * 1000);
          const body = { room_config: { agents: AGENTS.slice(0, current.agents).map((agent_name) => ({ agent_name })) } };
          const response = await handler(tokenRequest(body, { headers: { Authorization: `Bearer ${current.identity}` } }));
          const { status, claims } = await readResponse(response);
          expect(status).toBe(expectedStatus(model, current, Date.now()));
          if (status === 201) expect(claims?.roomConfig?.agents ?? []).toHaveLength(current.agents);
          else expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
      }),
      runs(40),
    );
  }, 60_000);
});

describe('limits (memory store): a window that ends while a request is counted', () => {
  it('issues at most `limit` tokens in the next window, wherever in a refused request the clock passes the window’s end', async () => {
    // Fake Date and timers: the clock moves while a request runs, and the timer that forgets the
    // window fires only when timers run (after the request), as on a busy event loop.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 300 }), async (ticks) => {
          const handler = createTokenHandler(handlerConfig({ limits: { tokens: { limit: 1, windowSeconds: 60 } } }));
          const opened = Date.now();
          expect((await handler(tokenRequest({}))).status).toBe(201);
          vi.setSystemTime(opened + 59_999); // the window's last millisecond
          const refused = handler(tokenRequest({}));
          for (let i = 0; i < ticks; i++) await Promise.resolve();
          vi.setSystemTime(opened + 60_001); // the window ends, `ticks` microtasks into the request
          await refused;
          const next = [];
          for (let i = 0; i < 3; i++) next.push((await handler(tokenRequest({}))).status);
          // The refused request, and then three more in the next window: one token in it, whichever got it.
          expect([(await refused).status, ...next].filter((status) => status === 201)).toHaveLength(1);
          await vi.runOnlyPendingTimersAsync();
        }),
        runs(301),
      );
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});

describe('limits (memory store): concurrent requests whose authorize and policies take their time', () => {
  interface Concurrent {
    identity: string;
    agents: number;
    /** How long `authorize`, then the rooms policy, take (multiples of 700 ms: never exactly the 10 s deadline). */
    authorizeMs: number;
    roomsMs: number;
  }
  const concurrent: fc.Arbitrary<Concurrent> = fc.record({
    identity: fc.constantFrom('alice', 'bob', 'carol'),
    agents: fc.integer({ min: 0, max: 2 }),
    authorizeMs: fc.integer({ min: 0, max: 12 }).map((steps) => steps * 700),
    roomsMs: fc.integer({ min: 0, max: 8 }).map((steps) => steps * 700),
  });

  it('issues no caller more than its limits, counts nothing for a request past authorizeTimeoutMs, and never answers 500, in any order the callbacks settle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // No timer for no wait: the follow-up request below then needs no clock to move.
    const wait = (ms: number) => (ms === 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)));
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(concurrent, { minLength: 1, maxLength: 30 }), async (requests) => {
          const handler = createTokenHandler(
            handlerConfig({
              authorize: async (request) => {
                await wait(Number(request.headers.get('x-authorize-ms')));
                return { identity: request.headers.get('x-identity')! };
              },
              rooms: async (_, { request }) => {
                await wait(Number(request.headers.get('x-rooms-ms')));
                return true;
              },
              limits: { tokens: TOKENS, agentDispatches: DISPATCHES },
              agents: AGENTS,
              maxAgentsPerToken: 2,
              onError: () => {},
            }),
          );
          const send = ({ identity, agents, authorizeMs, roomsMs }: Concurrent) =>
            handler(
              tokenRequest(
                { room_name: 'standup', room_config: { agents: AGENTS.slice(0, agents).map((agent_name) => ({ agent_name })) } },
                { headers: { 'x-identity': identity, 'x-authorize-ms': String(authorizeMs), 'x-rooms-ms': String(roomsMs) } },
              ),
            ).then((response) => response.status);
          const answers = Promise.all(requests.map(send));
          await vi.advanceTimersByTimeAsync(20_000); // every callback has settled; all within one window
          const statuses = await answers;
          for (const [index, { authorizeMs, roomsMs }] of requests.entries()) {
            // Past the deadline 503, whatever the limits; before it, a token or 429.
            expect(statuses[index]).toSatisfy((status: number) =>
              authorizeMs + roomsMs > 10_000 ? status === 503 : status === 201 || status === 429,
            );
          }
          for (const identity of ['alice', 'bob', 'carol']) {
            const theirs = requests
              .map((request, index) => ({ ...request, status: statuses[index] }))
              .filter((r) => r.identity === identity);
            const issued = theirs.filter(({ status }) => status === 201);
            expect(issued.length).toBeLessThanOrEqual(TOKENS.limit);
            expect(issued.reduce((sum, { agents }) => sum + agents, 0)).toBeLessThanOrEqual(DISPATCHES.limit);
            // A burst without agents counts exactly: every request answered in time up to the limit.
            const inTime = theirs.filter(({ status }) => status !== 503);
            if (inTime.every(({ agents }) => agents === 0)) expect(issued).toHaveLength(Math.min(inTime.length, TOKENS.limit));
            // What the late ones left: the rest of the tokens limit, no less (they counted nothing).
            const next = send({ identity, agents: 0, authorizeMs: 0, roomsMs: 0 });
            expect(await next).toBe(issued.length < TOKENS.limit ? 201 : 429);
          }
        }),
        runs(60),
      );
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});
