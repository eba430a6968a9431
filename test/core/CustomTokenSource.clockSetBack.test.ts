import { QueryClient } from '@tanstack/query-core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CLOCKS_AGREE_WITHIN_MS } from '../../src/core/tokenNow';
import type { TokenDetails, TokenGenerator, TokenSourceEvent } from '../../src/core/types';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * The wall clock set back by less than a token's age (by hand, a large NTP step). Vitest's fake
 * timers fake `performance.now()` too: `vi.setSystemTime` moves only the wall clock, the timers and
 * `performance.now()` keep the real timeline.
 */
/** Runs of the property (80); raise them and pick the seed to explore: `CLOCK_SET_BACK_PROPERTY_RUNS=800 CLOCK_SET_BACK_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('CLOCK_SET_BACK_PROPERTY', 80);

describe('CustomTokenSource when the clock is set back by less than the token’s age', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  it('does not hand out a 10-minute token past its real expiry after the clock was set back 3 minutes', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const first = await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    // Ten minutes after it arrived, by the timers: expired, although the clock says seven.
    const next = await source.fetch({ roomName: 'A' });
    expect(next.participantToken).not.toBe(first.participantToken);
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it("does not answer a failed forced fetch with another source's initial token that expired (on the timers) before that source was used", async () => {
    const queryClient = new QueryClient();
    const { generator, calls } = controlledGenerator();
    const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'A', ttl: 10 * 60 }) };
    const forcing = createCustomTokenSource(generator, { queryClient, scope: 'call', retries: 0 });
    const seeded = createCustomTokenSource(generator, {
      queryClient,
      scope: 'call',
      initialToken: { options: { roomName: 'A' }, response: initial },
    });
    // Eleven minutes on the timers (the token's ten are over), the wall clock set back by as much.
    await vi.advanceTimersByTimeAsync(11 * MINUTE);
    vi.setSystemTime(Date.now() - 11 * MINUTE);
    expect(seeded.getSnapshot().status).toBe('expired');
    let forced: unknown;
    forcing.fetch({ roomName: 'A' }, true).then(
      (response) => (forced = response),
      (error: unknown) => (forced = error),
    );
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.reject(Object.assign(new Error('signed out'), { status: 401 }));
    await vi.advanceTimersByTimeAsync(0);
    const unsubscribe = seeded.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    // Waiting for the next token of room A: not the expired initial one, nor any token in hand.
    expect(forced).toBeUndefined();
    expect(seeded.getSnapshot().token).toBeNull();
    unsubscribe();
  });

  it('reads expired at the real expiry, with expiresAt on the clock as it reads now', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const release = source.holdConnected(); // no refresh-ahead: the token in hand is the one shown
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    expect(source.getSnapshot().status).toBe('ready');
    expect(source.getSnapshot().expiresAt).toBe(Date.now() + 4 * MINUTE);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(source.getSnapshot().status).toBe('expired');
    expect(source.getSnapshot().expiresAt).toBeLessThanOrEqual(Date.now());
    release();
    unsubscribe();
  });

  it('refreshes ahead its margin before the real expiry, not when the clock catches up', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator, { refreshMarginMs: 45 * SECOND });
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    // Stale at 9:15 after it arrived, by the timers; the clock then says 6:15.
    await vi.advanceTimersByTimeAsync(3 * MINUTE + 15 * SECOND - 1);
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  it('a tab shown again after the real stale time fetches at once, whatever the clock says', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const release = source.holdConnected();
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    vi.setSystemTime(Date.now() - 3 * MINUTE);
    await vi.advanceTimersByTimeAsync(3 * MINUTE + 30 * SECOND);
    release(); // the call ends: the token in hand is stale by the timers, fresh by the clock
    await vi.advanceTimersByTimeAsync(0);
    expect(generator).toHaveBeenCalledTimes(2);
    unsubscribe();
  });
});

describe('CustomTokenSource, for any lifetime, margin, step back and time of the step', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  const scenario = fc.record({
    lifetimeS: fc.integer({ min: 10, max: 2 * 60 * 60 }),
    marginMs: fc.integer({ min: 0, max: 10 * MINUTE }),
    /** When the clock is set back, as a share of the lifetime. */
    stepAt: fc.double({ min: 0, max: 2, noNaN: true }),
    /** How far, as a share of the lifetime (more than a whole lifetime too). */
    stepBy: fc.double({ min: 0, max: 1.5, noNaN: true }),
    /** How often the app fetches or reads the status meanwhile, as a share of the lifetime. */
    lookEvery: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
    subscribed: fc.boolean(),
  });

  it('never hands out or shows ready a token past its real expiry, refreshes on the real timeline, and makes no storm', async () => {
    // A step back of up to a second is taken for the clocks' usual disagreement: the token reads that much younger.
    const jwts = new Map<number, string>();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ lifetimeS, marginMs, stepAt, stepBy, lookEvery, subscribed }) => {
        const lifetime = lifetimeS * SECOND;
        // Signed outside the fake timeline (signing is real async work); the source measures `exp - iat` from arrival.
        vi.useRealTimers();
        if (!jwts.has(lifetimeS)) jwts.set(lifetimeS, await mintToken({ room: 'A', ttl: lifetimeS }));
        vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') });
        const jwt = jwts.get(lifetimeS)!;
        const generator = vi.fn<TokenGenerator>(async () => ({ serverUrl: SERVER_URL, participantToken: jwt }));
        /** When each token arrived, on the real timeline. */
        const arrived = new Map<TokenDetails, number>();
        const handedOut: TokenDetails[] = [];
        const onEvent = (event: TokenSourceEvent) => {
          if (event.type === 'success') arrived.set(event.token, performance.now());
          if (event.type === 'cache-hit') handedOut.push(event.token);
        };
        const source = createCustomTokenSource(generator, { refreshMarginMs: marginMs, onEvent });
        const unsubscribe = subscribed ? source.subscribe(() => {}) : () => {};
        const start = performance.now();
        const stepMs = Math.round(stepBy * lifetime);
        const unseen = stepMs <= CLOCKS_AGREE_WITHIN_MS ? stepMs : 0;
        const age = (token: TokenDetails) => performance.now() - arrived.get(token)!;
        try {
          await source.fetch({ roomName: 'A' });
          const first = source.getSnapshot().token!;
          const staleAfter = lifetime - Math.min(marginMs, lifetime / 2);
          let stepped = false;
          const end = start + 3 * lifetime;
          while (performance.now() < end) {
            const until = Math.min(end, performance.now() + Math.max(1, Math.round(lookEvery * lifetime)));
            if (!stepped && start + stepAt * lifetime < until) {
              await vi.advanceTimersByTimeAsync(Math.max(0, Math.round(start + stepAt * lifetime - performance.now())));
              vi.setSystemTime(Date.now() - stepMs);
              stepped = true;
            }
            await vi.advanceTimersByTimeAsync(Math.max(0, until - performance.now()));
            const snapshot = source.getSnapshot();
            if (snapshot.status === 'ready') {
              expect(age(snapshot.token!)).toBeLessThan(lifetime + unseen);
              expect(snapshot.expiresAt).toBeGreaterThan(Date.now());
            }
            if (snapshot.token && snapshot.status !== 'fetching') {
              // The time left it shows is the real time left.
              const shown = snapshot.expiresAt! - Date.now();
              const left = lifetime - age(snapshot.token);
              expect(shown).toBeGreaterThanOrEqual(left);
              expect(shown).toBeLessThanOrEqual(left + unseen);
            }
            handedOut.length = 0;
            const response = await source.fetch({ roomName: 'A' });
            expect(response.participantToken).toBe(jwt);
            for (const token of handedOut) expect(age(token)).toBeLessThan(staleAfter + unseen);
          }
          if (subscribed) {
            // Refresh-ahead replaced the first token at its stale time on the real timeline.
            const second = [...arrived.entries()].find(([token]) => token !== first);
            expect(second?.[1]).toBeGreaterThanOrEqual(start + staleAfter);
            expect(second?.[1]).toBeLessThanOrEqual(start + staleAfter + unseen);
          }
          // No storm: one call per refresh period (at most one more per look, which may find it stale).
          const periods = Math.ceil((3 * lifetime) / staleAfter);
          expect(generator.mock.calls.length).toBeLessThanOrEqual(periods + 2);
        } finally {
          unsubscribe();
          await vi.advanceTimersByTimeAsync(0);
        }
      }),
      {
        numRuns: RUNS,
        ...seed,
        examples: [
          // A 10-minute token, a 1-minute margin, the clock set back 3 minutes after 6 (more than the margin, less than its age).
          [{ lifetimeS: 600, marginMs: MINUTE, stepAt: 0.6, stepBy: 0.3, lookEvery: 0.05, subscribed: false }],
          [{ lifetimeS: 600, marginMs: MINUTE, stepAt: 0.6, stepBy: 0.3, lookEvery: 0.05, subscribed: true }],
          // No margin, the clock set back a tenth of a second (unseen) as the token arrives: it is still fresh, not due at once.
          [{ lifetimeS: 10, marginMs: 0, stepAt: 0, stepBy: 0.01005, lookEvery: 0.01, subscribed: true }],
        ],
      },
    );
    // About a second alone; a shared machine under load can take several (the file shares its worker).
  }, 60_000);
});
