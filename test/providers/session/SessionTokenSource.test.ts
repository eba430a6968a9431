import { decodeTokenPayload } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenSource } from '../../../src/core/CustomTokenSource';
import type { CustomTokenSourceConfig } from '../../../src/core/CustomTokenSourceConfig';
import { CustomTokenError } from '../../../src/core/errors';
import { isPastSessionsRoom } from '../../../src/core/spentTokens';
import type { TokenFetchOptions, TokenGenerator } from '../../../src/core/types';
import { SessionTokenSource } from '../../../src/providers/session/SessionTokenSource';
import { controlledGenerator, mintingGenerator } from '../../helpers/generators';
import { mintToken, SERVER_URL } from '../../helpers/tokens';

/**
 * The provider's token source for LiveKit's `useSession`, on a real `CustomTokenSource`: what it
 * asks the app's generator for, and when (`generator.mock.calls`).
 */
const unsubscribes: (() => void)[] = [];
afterEach(() => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
});

function setUp({
  generator = mintingGenerator(),
  prefetch = true,
  nextSession = (options: TokenFetchOptions) => options,
  initialToken,
}: {
  generator?: ReturnType<typeof vi.fn<TokenGenerator>>;
  prefetch?: boolean;
  nextSession?: (options: TokenFetchOptions) => TokenFetchOptions;
  initialToken?: CustomTokenSourceConfig['initialToken'];
} = {}) {
  const source = new CustomTokenSource(generator, { retries: 0, initialToken });
  // As the provider's token status does: a subscriber keeps the source's options and token.
  unsubscribes.push(source.subscribe(() => {}));
  const sessionSource = new SessionTokenSource(
    () => source,
    nextSession,
    () => prefetch,
  );
  const rooms = () => generator.mock.calls.map(([request]) => request.roomName);
  return { generator, source, sessionSource, rooms };
}

const roomOf = (participantToken: string) => decodeTokenPayload(participantToken).video?.room;

describe('SessionTokenSource: LiveKit’s pre-warm (fetch without force)', () => {
  it('with prefetch off asks for nothing: the first call is the session’s own', async () => {
    const { sessionSource, rooms } = setUp({ prefetch: false });
    void sessionSource.fetch({ roomName: 'pre-warmed' });
    await sessionSource.fetchForSession({ roomName: 'standup' }, new AbortController().signal);
    expect(rooms()).toEqual(['standup']);
  });

  it('with prefetch on fetches the token for the options', async () => {
    const { sessionSource } = setUp();
    expect(roomOf((await sessionSource.fetch({ roomName: 'standup' })).participantToken)).toBe('standup');
  });
});

describe('SessionTokenSource: LiveKit’s end() (fetch with force)', () => {
  it('fetches a new token for the next session’s options, also with prefetch off', async () => {
    const { sessionSource, rooms } = setUp({ prefetch: false, nextSession: (options) => ({ ...options, roomName: 'standup-2' }) });
    const first = await sessionSource.fetchForSession({ roomName: 'standup' }, new AbortController().signal);
    const next = sessionSource.fetch({ roomName: 'standup' }, true);
    await vi.waitFor(() => expect(rooms()).toEqual(['standup', 'standup-2']), { timeout: 3_000 });
    expect(roomOf((await next).participantToken)).toBe('standup-2');
    expect((await next).participantToken).not.toBe(first.participantToken);
  });
});

describe('SessionTokenSource.prepareNextSession', () => {
  it('replaces the token the session used, also for the same room (LiveKit may have refused it)', async () => {
    const { sessionSource, generator } = setUp();
    await sessionSource.fetchForSession({ roomName: 'standup' }, new AbortController().signal);
    await sessionSource.prepareNextSession({ roomName: 'standup' });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('runs once per session for prepareNextSessionOnce: LiveKit’s end() asked already', async () => {
    const { sessionSource, generator } = setUp();
    await sessionSource.fetchForSession({ roomName: 'standup' }, new AbortController().signal);
    await sessionSource.prepareNextSession({ roomName: 'standup' });
    sessionSource.prepareNextSessionOnce({ roomName: 'standup' });
    // The next session's start finds the prepared token: no call in flight to wait for.
    await sessionSource.fetchForSession({ roomName: 'standup' }, new AbortController().signal);
    expect(generator).toHaveBeenCalledTimes(2);
    // That start's session, ended, is moved on from once more.
    sessionSource.prepareNextSessionOnce({ roomName: 'standup' });
    await vi.waitFor(() => expect(generator).toHaveBeenCalledTimes(3), { timeout: 3_000 });
  });

  it('prepares the next session’s token for a session ended before this source fetched one (a room the app connected)', async () => {
    const { sessionSource, rooms } = setUp({ prefetch: false, nextSession: (options) => ({ ...options, roomName: 'standup-2' }) });
    sessionSource.prepareNextSessionOnce({ roomName: 'standup' });
    await vi.waitFor(() => expect(rooms()).toEqual(['standup-2']), { timeout: 3_000 });
  });
});

describe('SessionTokenSource.follow (options changed while idle)', () => {
  it('fetches for new options, and not again for equal ones: a failure is not retried on every render', async () => {
    const working = mintingGenerator();
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      if (request.roomName === 'broken') throw new CustomTokenError('http', 'token service down', { status: 503 });
      return working(request, context);
    });
    const { sessionSource, source, rooms } = setUp({ generator });
    sessionSource.follow({ roomName: 'broken' });
    await vi.waitFor(() => expect(source.getSnapshot().error).not.toBeNull(), { timeout: 3_000 });
    sessionSource.follow({ roomName: 'broken' });
    sessionSource.follow({ roomName: 'standup' });
    await vi.waitFor(() => expect(source.getSnapshot().room).toBe('standup'), { timeout: 3_000 });
    expect(rooms()).toEqual(['broken', 'standup']);
  });

  it('reports options that are not valid through the source, as it does any other', async () => {
    const { sessionSource, source } = setUp();
    sessionSource.follow({ roomName: 42 as unknown as string });
    expect(source.getSnapshot().error).toMatchObject({ code: 'invalid_options' });
  });

  it('refuses a room name or identity with a lone surrogate as invalid_options, before any fetch (not a mismatch after one)', async () => {
    const { sessionSource, source, generator } = setUp();
    sessionSource.follow({ roomName: 'team-\uD800' });
    expect(source.getSnapshot().error).toMatchObject({ code: 'invalid_options', message: expect.stringContaining('`roomName`') });
    const start = sessionSource.fetchForSession({ participantIdentity: 'ada\uDC00' }, new AbortController().signal);
    await expect(start).rejects.toMatchObject({ code: 'invalid_options', message: expect.stringContaining('`participantIdentity`') });
    expect(generator).not.toHaveBeenCalled();
  });

  it('with prefetch off follows nothing until a token was fetched, then every change — also after one failed', async () => {
    const working = mintingGenerator();
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      if (request.roomName === 'broken') throw new CustomTokenError('http', 'token service down', { status: 503 });
      return working(request, context);
    });
    const { sessionSource, source, rooms } = setUp({ generator, prefetch: false });
    sessionSource.follow({ roomName: 'early' });
    await sessionSource.fetchForSession({ roomName: 'standup' }, new AbortController().signal);
    expect(rooms()).toEqual(['standup']);
    sessionSource.follow({ roomName: 'broken' });
    await vi.waitFor(() => expect(source.getSnapshot().error).not.toBeNull(), { timeout: 3_000 });
    expect(source.getSnapshot().token).toBeNull();
    sessionSource.follow({ roomName: 'design' });
    await vi.waitFor(() => expect(source.getSnapshot().room).toBe('design'), { timeout: 3_000 });
    expect(rooms()).toEqual(['standup', 'broken', 'design']);
  });

  it('with prefetch off follows from an initialToken in hand', async () => {
    const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'standup' }) };
    const { sessionSource, source, rooms } = setUp({
      prefetch: false,
      initialToken: { options: { roomName: 'standup' }, response: initial },
    });
    sessionSource.follow({ roomName: 'design' });
    await vi.waitFor(() => expect(source.getSnapshot().room).toBe('design'), { timeout: 3_000 });
    expect(rooms()).toEqual(['design']);
  });
});

describe('SessionTokenSource.fetchForSession', () => {
  it('marks the token a session starts with as spent (a server-named room is a past session’s)', async () => {
    const { sessionSource } = setUp();
    const { participantToken } = await sessionSource.fetchForSession({}, new AbortController().signal);
    expect(isPastSessionsRoom({}, participantToken)).toBe(true);
  });

  it('aborts the call when its start is abandoned', async () => {
    const { generator, calls } = controlledGenerator();
    const { sessionSource } = setUp({ generator });
    const start = new AbortController();
    const fetching = sessionSource.fetchForSession({ roomName: 'standup' }, start.signal);
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 3_000 });
    start.abort();
    await expect(fetching).rejects.toMatchObject({ code: 'aborted' });
    expect(calls[0]!.signal.aborted).toBe(true);
  });

  it('leaves the call to another start waiting on it (one tokenSource, two providers), and aborts it when both are abandoned', async () => {
    const { generator, calls } = controlledGenerator();
    const { sessionSource } = setUp({ generator });
    const first = new AbortController();
    const second = new AbortController();
    const firstFetch = sessionSource.fetchForSession({ roomName: 'standup' }, first.signal);
    const secondFetch = sessionSource.fetchForSession({ roomName: 'standup' }, second.signal);
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 3_000 });
    first.abort();
    expect(calls[0]!.signal.aborted).toBe(false);
    second.abort();
    expect(calls[0]!.signal.aborted).toBe(true);
    await expect(firstFetch).rejects.toMatchObject({ code: 'aborted' });
    await expect(secondFetch).rejects.toMatchObject({ code: 'aborted' });
  });

  it('forgets a start once its token arrived: abandoning it later aborts no other call, and the next start’s abort is its own', async () => {
    const { generator, calls } = controlledGenerator();
    const { sessionSource } = setUp({ generator });
    const done = new AbortController();
    const fetched = sessionSource.fetchForSession({ roomName: 'standup' }, done.signal);
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 3_000 });
    await calls[0]!.resolve();
    await fetched;
    // Options changed while idle: their call is in flight when the finished start is abandoned (an end() while it connects).
    sessionSource.follow({ roomName: 'design' });
    await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 3_000 });
    done.abort();
    expect(calls[1]!.signal.aborted).toBe(false);
    await calls[1]!.resolve();
    // The next start, abandoned, aborts its call alone.
    const next = new AbortController();
    const nextFetch = sessionSource.fetchForSession({ roomName: 'review' }, next.signal);
    await vi.waitFor(() => expect(calls).toHaveLength(3), { timeout: 3_000 });
    next.abort();
    expect(calls[2]!.signal.aborted).toBe(true);
    await expect(nextFetch).rejects.toMatchObject({ code: 'aborted' });
  });
});
