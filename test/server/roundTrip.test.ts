// @vitest-environment node
import { TokenSource } from 'livekit-client';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator, MAX_BODY_BYTES } from '../../src/core/createEndpointGenerator';
import { isCustomTokenError } from '../../src/core/errors';
import { createTokenHandler, toNodeHandler, type TokenHandlerConfig } from '../../src/server';
import { livekitLimits } from '../../src/core/livekitLimits';
import { SERVER_URL } from '../helpers/tokens';
import { handlerConfig } from './handlerConfig';
import { listen, listenInTestRange, type Listening } from './listen';
import { verifyToken } from './verify';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The handler behind node:http on 127.0.0.1; returns the endpoint URL. */
async function serve(overrides: Partial<TokenHandlerConfig> = {}): Promise<string> {
  server = await listen(toNodeHandler(createTokenHandler(handlerConfig(overrides))));
  return `${server.origin}/api/token`;
}

/** Fast retries, so retry tests wait no real time. */
const fastRetries = { retryDelayMs: 1, maxRetryDelayMs: 1 };

describe('round trip: createEndpointGenerator → token source → createTokenHandler over HTTP', () => {
  it('gets a token carrying exactly what the policy allows', async () => {
    const url = await serve({
      authorize: () => ({ identity: 'user-42', name: 'Ada', attributes: { plan: 'pro' } }),
      rooms: (room) => room.startsWith('support-'),
      agents: ['support-agent'],
      ttl: '15m',
    });
    const source = createCustomTokenSource(createEndpointGenerator(url));
    const { serverUrl, participantToken } = await source.fetch({
      roomName: 'support-1',
      participantName: 'Mallory',
      participantAttributes: { plan: 'free', locale: 'en' },
      agentName: 'support-agent',
      agentMetadata: '{"topic":"billing"}',
    });
    const claims = await verifyToken(participantToken);
    expect(serverUrl).toBe(SERVER_URL);
    expect(claims).toMatchObject({
      sub: 'user-42',
      name: 'Ada',
      attributes: { plan: 'pro', locale: 'en' },
      video: { room: 'support-1', roomJoin: true },
    });
    expect(claims.roomConfig?.agents?.map(({ agentName, metadata }) => ({ agentName, metadata }))).toEqual([
      { agentName: 'support-agent', metadata: '{"topic":"billing"}' },
    ]);
    expect(claims.exp! - claims.nbf!).toBe(15 * 60);
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', identity: 'user-42', room: 'support-1' });
  });

  it('sends the auth header of the moment with every fetch', async () => {
    const url = await serve();
    let user = 'alice';
    const source = createCustomTokenSource(createEndpointGenerator(url, { headers: () => ({ Authorization: `Bearer ${user}` }) }));
    const first = await source.fetch({ roomName: 'r' });
    user = 'bob';
    const second = await source.fetch({ roomName: 'r' }, true);
    expect((await verifyToken(first.participantToken)).sub).toBe('alice');
    expect((await verifyToken(second.participantToken)).sub).toBe('bob');
  });

  it('stops at once on a 403 for an agent the policy refuses, with the server’s code', async () => {
    const url = await serve({ agents: ['support-agent'] });
    const source = createCustomTokenSource(createEndpointGenerator(url, { headers: { Authorization: 'Bearer alice' } }), fastRetries);
    const error = await source.fetch({ roomName: 'r', agentName: 'admin-agent' }).catch((e: unknown) => e);
    expect(isCustomTokenError(error) && { code: error.code, status: error.status, serverCode: error.serverCode }).toEqual({
      code: 'http',
      status: 403,
      serverCode: 'agent_not_allowed',
    });
    expect(source.getSnapshot().generatorCalls).toBe(1);
  });

  it('stops at once on a 401', async () => {
    const url = await serve();
    const source = createCustomTokenSource(createEndpointGenerator(url), fastRetries);
    const error = await source.fetch({ roomName: 'r' }).catch((e: unknown) => e);
    expect(isCustomTokenError(error) && error.serverCode).toBe('unauthorized');
    expect(source.getSnapshot().generatorCalls).toBe(1);
  });

  it('retries a 500 and gets the token when the server recovers', async () => {
    let failuresLeft = 2;
    const url = await serve({
      rooms: () => {
        if (failuresLeft-- > 0) throw new Error('policy store unavailable');
        return true;
      },
      onError: () => {},
    });
    const source = createCustomTokenSource(createEndpointGenerator(url, { headers: { Authorization: 'Bearer alice' } }), fastRetries);
    const { participantToken } = await source.fetch({ roomName: 'r' });
    expect((await verifyToken(participantToken)).sub).toBe('alice');
    expect(source.getSnapshot().generatorCalls).toBe(3);
  });
});

describe('round trip: the largest tokens', () => {
  it('gets the longest token the handler issues (1 MiB, what a join carries): metadata within LiveKit’s 512 KiB that JSON escapes to twice its size', async () => {
    // Quotes are written \" in the token's JSON: each one of metadata is 8/3 characters of token.
    let metadata = '"'.repeat(380_000);
    const config = { authorize: () => ({ identity: 'alice', metadata }) };
    const tokenLength = async () => {
      const answer = await createTokenHandler(handlerConfig(config))(
        new Request('http://127.0.0.1/api/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
      );
      return ((await answer.json()) as { participant_token: string }).participant_token.length;
    };
    // A token of 1 MiB, the longest the handler issues: LiveKit's server reads a join's request line, the token in it, up to 1 MiB + 4 KiB.
    metadata = '"'.repeat(380_000 + Math.floor(((livekitLimits.joinTokenBytes - (await tokenLength())) * 3) / 8));
    expect(livekitLimits.fits(metadata, livekitLimits.metadataBytes)).toBe(true);
    const length = await tokenLength();
    expect(length).toBeLessThanOrEqual(livekitLimits.joinTokenBytes);
    expect(length).toBeGreaterThan(livekitLimits.joinTokenBytes - 8);
    expect(length).toBeLessThan(MAX_BODY_BYTES - 2048);

    const server = createServer(toNodeHandler(createTokenHandler(handlerConfig(config))));
    const port = await listenInTestRange(server);
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { participantToken } = await createEndpointGenerator(`http://127.0.0.1:${port}/api/token`)(
      { roomName: 'standup' },
      { signal: new AbortController().signal, attempt: 1 },
    );
    expect((await verifyToken(participantToken)).metadata).toBe(metadata);
  });
});

describe('LiveKit’s own TokenSource.endpoint against createTokenHandler', () => {
  it('accepts the handler’s 201 response, agent dispatch included', async () => {
    const url = await serve({ agents: ['support-agent'] });
    const source = TokenSource.endpoint(url, { headers: { Authorization: 'Bearer alice' } });
    const { serverUrl, participantToken } = await source.fetch({
      roomName: 'lk-room',
      participantName: 'Alice',
      agentName: 'support-agent',
    });
    const claims = await verifyToken(participantToken);
    expect(serverUrl).toBe(SERVER_URL);
    expect(claims).toMatchObject({ sub: 'alice', name: 'Alice', video: { room: 'lk-room' } });
    expect(claims.roomConfig?.agents?.[0]?.agentName).toBe('support-agent');
  });

  it('gets a refusal it can surface when the agent is not allowed', async () => {
    const url = await serve();
    const source = TokenSource.endpoint(url, { headers: { Authorization: 'Bearer alice' } });
    await expect(source.fetch({ roomName: 'lk-room', agentName: 'support-agent' })).rejects.toThrow(/403/);
  });
});

describe('round trip: what the two halves read alike', () => {
  it.each([
    ['an empty roomName (a fresh room)', { roomName: '' }],
    ["an empty participantIdentity (the caller's own)", { roomName: 'standup', participantIdentity: '' }],
  ])('takes %s as "not set", as the endpoint does, rather than refuse the token it mints', async (_, options) => {
    const url = await serve();
    const source = createCustomTokenSource(createEndpointGenerator(url, { headers: { Authorization: 'Bearer alice' } }));
    const { participantToken } = await source.fetch(options);
    const claims = await verifyToken(participantToken);
    expect(claims.sub).toBe('alice');
    expect(claims.video?.room).toMatch(options.roomName ? /^standup$/ : /^room-/);
  });

  it("counts nothing against the caller's limits for attempts the client gave up on (its timeout) while authorize ran", async () => {
    let slow = true;
    const url = await serve({
      authorize: async () => {
        if (slow) await new Promise((resolve) => setTimeout(resolve, 300));
        return { identity: 'alice' };
      },
      limits: { tokens: { limit: 2, windowSeconds: 60 } },
    });
    const source = createCustomTokenSource(createEndpointGenerator(url), { retries: 1, retryDelayMs: 1, timeoutMs: 100 });
    // Two attempts, both given up on after 100 ms: no token reached the client.
    await expect(source.fetch({ roomName: 'standup' })).rejects.toMatchObject({ code: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 600)); // the server has finished both by now
    slow = false;
    // The limit (2) is all there: two tokens now, asked without the 100 ms timeout (on a loaded
    // machine an answer can take longer, and the retry of an attempt the server counted counts again).
    const patient = createCustomTokenSource(createEndpointGenerator(url), { retries: 0 });
    await expect(patient.fetch({ roomName: 'standup' })).resolves.toMatchObject({ participantToken: expect.any(String) });
    await expect(patient.fetch({ roomName: 'lobby' })).resolves.toMatchObject({ participantToken: expect.any(String) });
  });
});
