import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { API_SECRET, mintToken, SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * docs/token-source.md, "Tokens without `iat` or `nbf`": a backend that caches its tokens hands
 * back the very token in hand until it expires. Without an issue time each answer is measured on
 * this device's clock, with less left each time; refreshing ahead at half of that again asked
 * about seven times in the token's last minute. The same token back is kept until it expires.
 */
/** An HS256 JWT of `claims`, signed at once (WebCrypto's signing takes real time, which fake timers race past). */
function signWithoutIssueTime(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', API_SECRET).update(unsigned).digest('base64url')}`;
}

/** Runs of the property (25); raise them and pick the seed to explore: `SAME_TOKEN_PROPERTY_RUNS=250 SAME_TOKEN_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('SAME_TOKEN_PROPERTY', 25);

describe('a backend that hands back the same token, without iat or nbf', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-05T09:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  /**
   * A token endpoint that caches its tokens: it answers the one it minted last until that has
   * less than `remintBeforeMs` left on its clock (this device's), then mints one of `lifetimeMs`
   * (as LiveKit's Java/Kotlin SDK does: `exp`, no `iat` or `nbf`). Records when it was asked, and what it answered.
   */
  function cachingBackend(lifetimeMs: number, remintBeforeMs = 0) {
    const calls: { at: number; exp: number }[] = [];
    let cached: { exp: number; participantToken: string } | undefined;
    const generator = () => {
      const now = Date.now();
      if (!cached || now >= cached.exp - remintBeforeMs) {
        const exp = Math.ceil((now + lifetimeMs) / SECOND) * SECOND;
        cached = {
          exp,
          participantToken: signWithoutIssueTime({ sub: 'ada', video: { room: 'standup', roomJoin: true }, exp: exp / SECOND }),
        };
      }
      calls.push({ at: now, exp: cached.exp });
      return Promise.resolve({ serverUrl: SERVER_URL, participantToken: cached.participantToken });
    };
    return { generator, calls };
  }

  /** How many calls answered each token (by its `exp`), and how many of them fell in its last minute. */
  function callsPerToken(calls: { at: number; exp: number }[]) {
    const perToken = new Map<number, number>();
    for (const { exp } of calls) perToken.set(exp, (perToken.get(exp) ?? 0) + 1);
    const inLastMinute = [...perToken.keys()].map((exp) => calls.filter((call) => call.exp === exp && call.at >= exp - MINUTE).length);
    return { answers: [...perToken.values()], inLastMinute };
  }

  it('asks again at the refresh margin, then not before the token has expired on this clock: twice in its last minute', async () => {
    const { generator, calls } = cachingBackend(10 * MINUTE);
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'standup' });
    await vi.advanceTimersByTimeAsync(25 * MINUTE);
    unsubscribe();

    const { answers, inLastMinute } = callsPerToken(calls);
    expect(Math.max(...inLastMinute), `calls at ${calls.map(({ at, exp }) => (exp - at) / SECOND).join(', ')} s before exp`).toBe(1);
    expect(Math.max(...answers)).toBe(2);
    // Each token the backend minted was asked for at its margin and then once it had expired (a new one).
    expect(calls.filter(({ at, exp }) => at >= exp).length).toBe(0);
  });

  it('asks for each token at most twice, whatever the lifetime, the refresh margin and when the backend mints anew', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 30 * 60 }).map((seconds) => seconds * SECOND),
        fc.integer({ min: 0, max: 10 * MINUTE }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        async (lifetimeMs, refreshMarginMs, remintShare) => {
          vi.setSystemTime(new Date('2026-12-05T09:00:00Z'));
          const { generator, calls } = cachingBackend(lifetimeMs, Math.round(lifetimeMs * remintShare));
          const source = createCustomTokenSource(generator, { refreshMarginMs });
          const unsubscribe = source.subscribe(() => {});
          await source.fetch({ roomName: 'standup' });
          await vi.advanceTimersByTimeAsync(3 * lifetimeMs);
          unsubscribe();
          await vi.advanceTimersByTimeAsync(0);

          const { answers, inLastMinute } = callsPerToken(calls);
          expect(Math.max(...answers)).toBeLessThanOrEqual(2);
          expect(Math.max(...inLastMinute)).toBeLessThanOrEqual(2);
          // New tokens keep coming: the source did not stop asking.
          expect(answers.length).toBeGreaterThanOrEqual(3);
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  });
});

describe('a backend that hands back the same token with iat (livekit-server-sdk)', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-05T09:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  it('is refreshed as before: its lifetime counted from each arrival, a margin ahead of its end', async () => {
    const participantToken = await mintToken({ identity: 'ada', room: 'standup', ttl: '10m' });
    const calledAt: number[] = [];
    const start = Date.now();
    const source = createCustomTokenSource(async () => {
      calledAt.push((Date.now() - start) / MINUTE);
      return { serverUrl: SERVER_URL, participantToken };
    });
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'standup' });
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    unsubscribe();
    expect(calledAt).toEqual([0, 9, 18, 27]);
  });
});
