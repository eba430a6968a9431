import { focusManager, QueryClient } from '@tanstack/query-core';
import { decodeTokenPayload } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import type { TokenGenerator } from '../../src/core/types';
import { mintingGenerator, switchableGenerator } from '../helpers/generators';

/** Promises of docs/token-source.md that no other test checks as written. */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

describe('CustomTokenSource, as docs/token-source.md describes it', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    focusManager.setFocused(undefined);
    // Lets the sources whose last subscriber just left deactivate before the real timers are back.
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  /** A generator that answers with real tokens until `limit()` is called, then with a 429 asking to wait `retryAfterMs`. */
  function rateLimitedGenerator(retryAfterMs: number, ttl = 10 * 60) {
    const { generator, fail, recover } = switchableGenerator(
      ttl,
      () => new CustomTokenError('http', 'rate limited', { status: 429, retryAfterMs }),
    );
    return { generator, limit: fail, lift: recover };
  }

  // "A fetch the app asks for (`fetch()`, `refresh()`, `start()`, **Try again**) calls the generator at once."
  it('calls the generator at once for fetch() and refresh() while a Retry-After is still running, and for neither more than once', async () => {
    const { generator, limit, lift } = rateLimitedGenerator(60 * SECOND);
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    limit();
    await source.refresh();
    // A Retry-After longer than maxRetryDelayMs (8 s): no retry, the error carries it.
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().error).toMatchObject({ code: 'http', status: 429, retryAfterMs: 60 * SECOND });

    await vi.advanceTimersByTimeAsync(SECOND);
    await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({ code: 'http', retryAfterMs: 60 * SECOND });
    expect(generator).toHaveBeenCalledTimes(3);

    lift();
    await vi.advanceTimersByTimeAsync(SECOND);
    await source.refresh();
    expect(generator).toHaveBeenCalledTimes(4);
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', error: null });
    unsubscribe();
  });

  // "the next refresh-ahead round and the fetch when the tab becomes visible ... all wait for it"
  it('makes no call of its own before the Retry-After has passed: not a round, not the tab shown again', async () => {
    const { generator, limit, lift } = rateLimitedGenerator(3 * MINUTE, 60);
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    limit();
    // The 60 s token is refreshed ahead at +30 s: that call meets the 429.
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(generator).toHaveBeenCalledTimes(2);
    const failedAt = Date.now();
    for (let i = 0; i < 10; i++) {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
      await vi.advanceTimersByTimeAsync(15 * SECOND);
    }
    expect(Date.now() - failedAt).toBeLessThan(3 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(2);
    lift();
    await vi.advanceTimersByTimeAsync(3 * MINUTE - (Date.now() - failedAt) + SECOND);
    expect(generator).toHaveBeenCalledTimes(3);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  // "refresh-ahead tries again in rounds that back off from `maxRetryDelayMs` (at least a second) to five minutes apart"
  it('keeps its rounds at most five minutes apart however long the service stays down, and has a token within five minutes of its return', async () => {
    const working = mintingGenerator(() => ({ ttl: 60 }));
    let down = false;
    const callTimes: number[] = [];
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      callTimes.push(Date.now());
      if (down) throw new CustomTokenError('http', 'token service unavailable', { status: 503 });
      return working(request, context);
    });
    const source = createCustomTokenSource(generator, { retries: 0 });
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    down = true;
    await vi.advanceTimersByTimeAsync(3 * 60 * MINUTE);
    const gaps = callTimes.slice(2).map((at, i) => at - callTimes[i + 1]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5 * MINUTE);
    // Backing off, rather than a fixed pace: the later rounds are minutes apart.
    expect(gaps.at(-1)).toBeGreaterThanOrEqual(2.5 * MINUTE);

    down = false;
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  // Status table: "`error`: the last fetch failed; `error` says why, `token` keeps the last valid one" — also once it expired.
  it('reads error, not expired, once the token kept after a failed refresh expires: the last failure comes first', async () => {
    const { generator, fail } = switchableGenerator(60, () => new CustomTokenError('http', 'signed out', { status: 401 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const { participantToken } = await source.fetch({ roomName: 'A' });
    fail();
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    const snapshot = source.getSnapshot();
    expect(snapshot).toMatchObject({ status: 'error', error: { code: 'http', status: 401 } });
    expect(snapshot.token?.participantToken).toBe(participantToken);
    expect(snapshot.expiresAt).toBeLessThan(Date.now());
    unsubscribe();
  });

  // Status: "Subscribers are notified the moment the token expires."
  it('tells its subscribers the moment the token in hand expires during a call, and fetches nothing', async () => {
    const generator = mintingGenerator(() => ({ ttl: 5 * 60 }));
    const source = createCustomTokenSource(generator);
    const expiredAt: number[] = [];
    const unsubscribe = source.subscribe(() => {
      if (source.getSnapshot().status === 'expired') expiredAt.push(Date.now());
    });
    await source.fetch({ roomName: 'A' });
    const letGo = source.holdConnected();
    const { expiresAt } = source.getSnapshot();

    await vi.advanceTimersByTimeAsync(10 * MINUTE);

    expect(expiredAt[0]).toBe(expiresAt);
    expect(generator).toHaveBeenCalledTimes(1);
    letGo();
    unsubscribe();
  });

  // "The default 60 s margin covers a generator that answers within the default 10 s `timeoutMs`, with room for a retry or two."
  it('with the defaults, keeps an unexpired token in hand throughout a refresh whose first two calls time out', async () => {
    const working = mintingGenerator(() => ({ ttl: 10 * 60 }));
    let slow = false;
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      // Hangs (ignoring its signal) on the first two calls of the refresh, answers in 9 s on the third.
      if (slow && generator.mock.calls.length <= 3) return new Promise(() => {});
      if (slow) await new Promise((resolve) => setTimeout(resolve, 9 * SECOND));
      return working(request, context);
    });
    const source = createCustomTokenSource(generator);
    const seen: { status: string; expiresAt: number | null; now: number }[] = [];
    const unsubscribe = source.subscribe(() => {
      const { status, expiresAt } = source.getSnapshot();
      seen.push({ status, expiresAt, now: Date.now() });
    });
    const first = source.fetch({ roomName: 'A' });
    await first;
    slow = true;
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(4);
    expect(seen.map(({ status }) => status)).not.toContain('expired');
    for (const { expiresAt, now } of seen) expect(expiresAt === null || expiresAt > now).toBe(true);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  // "When the signed-in user changes": "a new source, with a new default `scope` (each source gets its own,
  // `source-<tag>-1`, `source-<tag>-2`, …) and so an empty cache" — also in one app QueryClient.
  it('gives each source made without a scope one of its own: in one QueryClient, a new source finds none of the earlier one’s tokens', async () => {
    const queryClient = new QueryClient();
    const generator = mintingGenerator();
    const first = createCustomTokenSource(generator, { queryClient });
    const second = createCustomTokenSource(generator, { queryClient });
    const unsubscribe = [first.subscribe(() => {}), second.subscribe(() => {})];
    await first.fetch({ roomName: 'A' });
    await second.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
    const scopes = queryClient
      .getQueryCache()
      .findAll({ queryKey: ['livekit-custom-token'] })
      .map(({ queryKey }) => queryKey[1]);
    expect(scopes).toHaveLength(2);
    expect(new Set(scopes).size).toBe(2);
    for (const scope of scopes) expect(scope).toMatch(/^source-[a-z0-9]+-\d+$/);
    for (const leave of unsubscribe) leave();
    queryClient.clear();
  });

  // README, the options table: "`scope` | a unique id per source" — also beside a source of another copy of the
  // package (a micro-frontend with its own copy, say) in the app's one QueryClient, whose count starts at 1 too.
  it('gives a source made without a scope none of the tokens a source of another copy of the package fetched into the same QueryClient', async () => {
    // Two copies of the package, loaded as two bundles load theirs: each makes its first source.
    const loadCopy = async () => {
      vi.resetModules();
      return (await import('../../src/core/createCustomTokenSource')).createCustomTokenSource;
    };
    const [ourCopy, theirCopy] = [await loadCopy(), await loadCopy()];
    expect(theirCopy).not.toBe(ourCopy);
    const queryClient = new QueryClient();
    const ada = mintingGenerator(() => ({ identity: 'ada' }));
    const bob = mintingGenerator(() => ({ identity: 'bob' }));
    const ours = ourCopy(ada, { queryClient });
    const theirs = theirCopy(bob, { queryClient });
    const unsubscribe = [ours.subscribe(() => {}), theirs.subscribe(() => {})];

    await ours.fetch({ roomName: 'A' });
    const { participantToken } = await theirs.fetch({ roomName: 'A' });

    expect(bob).toHaveBeenCalledTimes(1);
    expect(decodeTokenPayload(participantToken).sub).toBe('bob');
    expect(ours.getSnapshot().identity).toBe('ada');
    for (const leave of unsubscribe) leave();
    queryClient.clear();
  });

  // CustomTokenSourceConfig.cacheSize: "Expired tokens of other options are dropped whatever the count when the
  // source moves to other options (and on `configure()`)."
  it('drops the expired tokens of other options on configure() too, keeping the current one', async () => {
    const queryClient = new QueryClient();
    const source = createCustomTokenSource(
      mintingGenerator((request) => ({ ttl: request.roomName === 'B' ? 10 * 60 : 20 })),
      { queryClient },
    );
    await source.fetch({ roomName: 'A' });
    await source.fetch({ roomName: 'B' });
    await vi.advanceTimersByTimeAsync(25 * SECOND);
    source.configure({ timeoutMs: 5 * SECOND });
    const kept = queryClient
      .getQueryCache()
      .findAll({ queryKey: ['livekit-custom-token'] })
      .map(({ queryKey }) => queryKey[2]);
    expect(kept).toEqual(['{"roomName":"B"}']);
  });

  // README, "What the source does with it", validation: "the room, identity and agent the request named (an empty
  // `roomName` or `participantIdentity` names none: a standard endpoint reads it as not set)".
  it('takes a token for any room and identity when the request names them as empty strings, and refuses one for another named identity', async () => {
    const generator = mintingGenerator(() => ({ room: 'room-7f3a', identity: 'user-42' }));
    const source = createCustomTokenSource(generator, { retries: 0 });
    await expect(source.fetch({ roomName: '', participantIdentity: '' })).resolves.toMatchObject({ participantToken: expect.any(String) });
    await expect(source.fetch({ roomName: '', participantIdentity: 'user-7' })).rejects.toMatchObject({ code: 'mismatch' });
  });

  // README, "Errors": "a message whose words from elsewhere (what a generator threw, an endpoint's answer) are on one
  // line, at most 300 characters, an HTML page by its title".
  it('shows a serverUrl that is a page (a sign-in page read as the URL) by its title, on one line', async () => {
    const page = `<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body>${'<p>Welcome back.</p>\n'.repeat(40)}</body></html>`;
    const participantToken = (await mintingGenerator()({ roomName: 'A' }, { signal: new AbortController().signal, attempt: 1 }))
      .participantToken;
    const source = createCustomTokenSource(async () => ({ serverUrl: page, participantToken }));
    await expect(source.fetch({ roomName: 'A' })).rejects.toMatchObject({
      code: 'invalid_response',
      message: '`serverUrl` "Sign in" is not a URL. Return the LiveKit server URL, e.g. "wss://my-app.livekit.cloud".',
    });
  });
});
