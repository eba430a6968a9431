// @vitest-environment node
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, toNodeHandler, TokenHandlerError, type TokenHandlerConfig, type TokenPolicyContext } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { listenInTestRange } from './listen';

let server: Server | undefined;
afterEach(async () => {
  vi.useRealTimers();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** An app lookup that waits until its signal aborts (a database query given the signal), and records the signal. */
function lookup() {
  const signals: AbortSignal[] = [];
  const wait = (signal: AbortSignal) => {
    signals.push(signal);
    return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  };
  return { signals, wait };
}

/** Starts `handler(request)` under fake timers; `settled()` is its response once it has one. */
function start(handler: (request: Request) => Promise<Response>, request: Request) {
  let response: Response | undefined;
  void handler(request).then((settled) => (response = settled));
  return () => response;
}

describe('the AbortSignal the app’s callbacks get: their lookups stop when nobody waits for them', () => {
  it('aborts authorize’s signal when authorizeTimeoutMs passes, its reason the authorize_timeout the caller gets', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { signals, wait } = lookup();
    const settled = start(
      createTokenHandler(
        handlerConfig({ authorize: (_request, _body, { signal }) => wait(signal), authorizeTimeoutMs: 500, onError: () => {} }),
      ),
      tokenRequest({ room_name: 'standup' }),
    );
    await vi.advanceTimersByTimeAsync(499);
    expect(signals.map((signal) => signal.aborted)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(signals[0]!.reason).toBeInstanceOf(TokenHandlerError);
    expect(signals[0]!.reason).toMatchObject({ code: 'authorize_timeout' });
    expect(settled()?.status).toBe(503);
  });

  it.each<[string, (wait: (signal: AbortSignal) => Promise<never>) => Partial<TokenHandlerConfig>]>([
    ['the rooms function', (wait) => ({ rooms: (_room, { signal }) => wait(signal), agents: ['support-agent'] })],
    ['the agents function', (wait) => ({ agents: (_agent, { signal }) => wait(signal) })],
    ['the limits function', (wait) => ({ limits: (_participant, { signal }) => wait(signal), agents: ['support-agent'] })],
  ])('aborts the signal %s gets in its context when authorizeTimeoutMs passes', async (_, policy) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { signals, wait } = lookup();
    const settled = start(
      createTokenHandler(handlerConfig({ ...policy(wait), authorizeTimeoutMs: 500, onError: () => {} })),
      tokenRequest({ room_name: 'standup', room_config: { agents: [{ agent_name: 'support-agent' }] } }),
    );
    await vi.advanceTimersByTimeAsync(500);
    expect([signals.length, signals[0]?.aborted, settled()?.status]).toEqual([1, true, 503]);
  });

  it.each<[string, (wait: (signal: AbortSignal) => Promise<never>) => Partial<TokenHandlerConfig>]>([
    [
      'authorize, wrapping another with its context spread',
      (wait) => {
        const base: TokenHandlerConfig['authorize'] = (_request, _body, { signal }) => wait(signal);
        return { authorize: (request, body, context) => base(request, body, { ...context }) };
      },
    ],
    [
      'the rooms function, wrapping another with its context spread and a field replaced',
      (wait) => {
        const base = (_room: string, { signal }: TokenPolicyContext) => wait(signal);
        return { rooms: (room, context) => base(room, { ...context, participant: { identity: 'someone-else' } }) };
      },
    ],
    [
      'the limits function, with its context spread (Object.assign)',
      (wait) => ({ limits: (_participant, context) => wait(Object.assign({}, context).signal) }),
    ],
  ])('keeps the signal through a spread: %s', async (_, policy) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { signals, wait } = lookup();
    const settled = start(
      createTokenHandler(handlerConfig({ ...policy(wait), authorizeTimeoutMs: 500, onError: () => {} })),
      tokenRequest({ room_name: 'standup' }),
    );
    await vi.advanceTimersByTimeAsync(500);
    expect([signals.length, signals[0] instanceof AbortSignal, signals[0]?.aborted, settled()?.status]).toEqual([1, true, true, 503]);
    expect(signals[0]!.reason).toMatchObject({ code: 'authorize_timeout' });
  });

  it('aborts authorize’s signal when the client goes away (toNodeHandler over HTTP/1), and reports nothing: nobody reads the 408', async () => {
    const { signals, wait } = lookup();
    let calledBack: () => void;
    const called = new Promise<void>((resolve) => (calledBack = resolve));
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({
        authorize: (_request, _body, { signal }) => {
          calledBack();
          return wait(signal);
        },
        onError,
      }),
    );
    let answered: (response: Response) => void;
    const answer = new Promise<Response>((resolve) => (answered = resolve));
    server = createServer(toNodeHandler((request) => handler(request).then((response) => (answered(response), response))));
    const port = await listenInTestRange(server);
    const client = new AbortController();
    const sent = fetch(`http://127.0.0.1:${port}/api/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
      body: '{}',
      signal: client.signal,
    }).catch(() => 'gone');
    await called;
    client.abort();
    expect(await sent).toBe('gone');
    const response = await answer;
    expect(signals[0]?.aborted).toBe(true);
    expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([408, 'request_timeout']);
    expect(onError).not.toHaveBeenCalled();
  });

  it('makes no AbortController for a request whose callbacks never read the signal (what it costs, on Node 20, is 3 µs a token)', async () => {
    const rooms = vi.fn(() => Promise.resolve(true));
    const handler = createTokenHandler(
      handlerConfig({ rooms, agents: () => true, limits: () => ({ tokens: { limit: 5, windowSeconds: 60 } }) }),
    );
    const request = tokenRequest({ room_name: 'standup', room_config: { agents: [{ agent_name: 'support-agent' }] } });
    const made = vi.spyOn(globalThis, 'AbortController');
    try {
      expect((await handler(request)).status).toBe(201);
      expect(made).not.toHaveBeenCalled();
    } finally {
      made.mockRestore();
    }
    expect(rooms).toHaveBeenCalledOnce();
  });

  it('gives a callback that reads it late, after the answer, a signal that never aborts', async () => {
    let context: { signal: AbortSignal } | undefined;
    const handler = createTokenHandler(
      handlerConfig({
        authorize: async (_request, _body, given) => {
          context = given;
          await Promise.resolve();
          return { identity: 'alice' };
        },
        authorizeTimeoutMs: 50,
      }),
    );
    expect((await handler(tokenRequest({ room_name: 'standup' }))).status).toBe(201);
    const signal = context!.signal;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(signal.aborted).toBe(false);
  });

  it('answers 408 and reports nothing when authorize fails with its own error once the caller went away (a Fetch server’s request.signal)', async () => {
    const client = new AbortController();
    const onError = vi.fn();
    const handler = createTokenHandler(
      handlerConfig({
        authorize: async (_request, _body, { signal }) => {
          client.abort();
          await Promise.resolve();
          // A database driver stopped by the signal rejects with its own error, not the signal's reason.
          throw new Error(signal.aborted ? 'query cancelled' : 'not cancelled');
        },
        onError,
      }),
    );
    const request = new Request(tokenRequest({ room_name: 'standup' }), { signal: client.signal });
    const response = await handler(request);
    expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([408, 'request_timeout']);
    expect(onError).not.toHaveBeenCalled();
  });

  it('still answers 401 with the cause reported when authorize throws while the caller waits', async () => {
    const onError = vi.fn();
    const failure = new Error('session store down');
    const handler = createTokenHandler(handlerConfig({ authorize: () => Promise.reject(failure), onError }));
    expect((await handler(tokenRequest({ room_name: 'standup' }))).status).toBe(401);
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure, expect.any(Request));
  });

  it('leaves the signal alone for a request answered in time', async () => {
    let seen: AbortSignal | undefined;
    const handler = createTokenHandler(
      handlerConfig({
        authorize: async (_request, _body, { signal }) => {
          seen = signal;
          await Promise.resolve();
          return { identity: 'alice' };
        },
      }),
    );
    expect((await handler(tokenRequest({ room_name: 'standup' }))).status).toBe(201);
    expect(seen?.aborted).toBe(false);
  });
});
