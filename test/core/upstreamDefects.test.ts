/**
 * DESIGN §3 facts 1–3, run on LiveKit's own `TokenSource.custom` (each test pins the upstream
 * defect, so it fails the day upstream fixes it) and on ours (each test fails on the upstream
 * behaviour). Fact 4 (a new source per render) is in test/hooks/useCustomTokenSource.test.tsx.
 */
import { decodeTokenPayload, TokenSource, type TokenSourceConfigurable, type TokenSourceFetchOptions } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { mintToken, SERVER_URL } from '../helpers/tokens';

type Mint = (options: TokenSourceFetchOptions) => Promise<{ serverUrl: string; participantToken: string }>;

const implementations: [string, (mint: Mint) => TokenSourceConfigurable][] = [
  ['LiveKit TokenSource.custom', (mint) => TokenSource.custom(mint)],
  ['createCustomTokenSource', (mint) => createCustomTokenSource((request) => mint(request))],
];

const roomOf = (token: string) => decodeTokenPayload(token).video?.room;

describe('fact 1: a failed fetch poisons the cache', () => {
  async function roomAnsweredForB(create: (mint: Mint) => TokenSourceConfigurable) {
    let failing = false;
    const source = create(async (options) => {
      if (failing) throw new Error('token service down');
      return { serverUrl: SERVER_URL, participantToken: await mintToken({ room: options.roomName }) };
    });
    await source.fetch({ roomName: 'A' });
    failing = true;
    await source.fetch({ roomName: 'B' }).catch(() => undefined);
    failing = false;
    return roomOf((await source.fetch({ roomName: 'B' })).participantToken);
  }

  it("LiveKit's source answers room B with room A's token after B failed once", async () => {
    expect(await roomAnsweredForB(implementations[0]![1])).toBe('A');
  });

  it('ours answers room B with a token for room B after B failed once', async () => {
    expect(await roomAnsweredForB(implementations[1]![1])).toBe('B');
  });
});

describe('fact 2: clock skew defeats the cache', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  /** Mints as a server whose clock is `skewMs` ahead of this client's. */
  const mintWithServerSkew =
    (skewMs: number): Mint =>
    async (options) => {
      const clientNow = Date.now();
      vi.setSystemTime(clientNow + skewMs);
      try {
        return { serverUrl: SERVER_URL, participantToken: await mintToken({ room: options.roomName }) };
      } finally {
        vi.setSystemTime(clientNow);
      }
    };

  async function generatorCallsForTwoFetches(create: (mint: Mint) => TokenSourceConfigurable, skewMs: number) {
    const mint = vi.fn(mintWithServerSkew(skewMs));
    const source = create(mint);
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(200);
    await source.fetch({ roomName: 'A' });
    return mint.mock.calls.length;
  }

  for (const [label, skewMs] of [
    ['one second behind the server', 1_000],
    ['three hours ahead of the server', -3 * 3600_000],
  ] as const) {
    it(`LiveKit's source never reuses a token when the client clock is ${label}`, async () => {
      expect(await generatorCallsForTwoFetches(implementations[0]![1], skewMs)).toBe(2);
    });

    it(`ours reuses the token when the client clock is ${label}`, async () => {
      expect(await generatorCallsForTwoFetches(implementations[1]![1], skewMs)).toBe(1);
    });
  }
});

describe('fact 3: options are compared by reference', () => {
  async function generatorCallsForEqualAttributeObjects(create: (mint: Mint) => TokenSourceConfigurable) {
    const mint = vi.fn<Mint>(async (options) => ({ serverUrl: SERVER_URL, participantToken: await mintToken({ room: options.roomName }) }));
    const source = create(mint);
    await source.fetch({ roomName: 'A', participantAttributes: { team: 'blue', seat: '4' } });
    await source.fetch({ roomName: 'A', participantAttributes: { seat: '4', team: 'blue' } });
    return mint.mock.calls.length;
  }

  it("LiveKit's source mints again for an equal attributes object", async () => {
    expect(await generatorCallsForEqualAttributeObjects(implementations[0]![1])).toBe(2);
  });

  it('ours reuses the token for an equal attributes object', async () => {
    expect(await generatorCallsForEqualAttributeObjects(implementations[1]![1])).toBe(1);
  });

  const withUnknownKey = { roomName: 'A', pageTheme: 'dark' } as TokenSourceFetchOptions;

  it("LiveKit's source throws on an unknown option key", async () => {
    const source = implementations[0]![1](async (options) => ({
      serverUrl: SERVER_URL,
      participantToken: await mintToken({ room: options.roomName }),
    }));
    await source.fetch(withUnknownKey);
    await expect(source.fetch(withUnknownKey)).rejects.toThrow('Options key pageTheme not being checked for equality!');
  });

  it('ours ignores an unknown option key and keeps caching', async () => {
    const mint = vi.fn<Mint>(async (options) => ({ serverUrl: SERVER_URL, participantToken: await mintToken({ room: options.roomName }) }));
    const source = implementations[1]![1](mint);
    await source.fetch(withUnknownKey);
    await expect(source.fetch(withUnknownKey)).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(mint).toHaveBeenCalledTimes(1);
    expect(mint.mock.calls[0]![0]).not.toHaveProperty('pageTheme');
  });
});
