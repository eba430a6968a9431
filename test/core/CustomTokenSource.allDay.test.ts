import { focusManager, onlineManager } from '@tanstack/query-core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import type { TokenGenerator } from '../../src/core/types';
import { mintingGenerator, switchableGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { showTab, sleepFor } from '../helpers/tabLife';
import { propertyRuns } from '../helpers/propertyRuns';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** Runs of the property (60); raise them and pick the seed to explore: `ALL_DAY_PROPERTY_RUNS=600 ALL_DAY_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('ALL_DAY_PROPERTY', 60);

describe('CustomTokenSource in a tab open all day', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    // Back to jsdom's own `visibilityState` (the document is shared by the test files of a worker).
    Reflect.deleteProperty(document, 'visibilityState');
    focusManager.setFocused(undefined);
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  it('a fetch right after waking past expiry gets a new token, not the expired one', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const first = await source.fetch({ roomName: 'A' });
    sleepFor(2 * 60 * MINUTE);
    const next = await source.fetch({ roomName: 'A' });
    expect(next.participantToken).not.toBe(first.participantToken);
    expect(generator).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('waking past expiry, then the tab shown and the network back, makes one generator call', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    sleepFor(2 * 60 * MINUTE);
    showTab();
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  it('a clock stepped back a little, often (timers firing early on its reading), neither storms nor stops refreshing', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    const started = Date.now();
    for (let i = 0; i < 360; i++) {
      await vi.advanceTimersByTimeAsync(10 * SECOND);
      vi.setSystemTime(Date.now() - 100);
      expect(source.getSnapshot().expiresAt).toBeGreaterThan(Date.now());
    }
    // An hour of 10-minute tokens refreshed 60 s early: one call per 9 minutes, and the first.
    const minutes = (Date.now() - started) / MINUTE;
    expect(generator.mock.calls.length).toBeGreaterThanOrEqual(Math.floor(minutes / 9));
    expect(generator.mock.calls.length).toBeLessThanOrEqual(Math.ceil(minutes / 9) + 1);
    unsubscribe();
  });

  it('twenty sources asleep past expiry each fetch once on waking', async () => {
    const generators = Array.from({ length: 20 }, () => mintingGenerator(() => ({ ttl: 10 * 60 })));
    const sources = generators.map((generator) => createCustomTokenSource(generator));
    const unsubscribes = sources.map((source) => source.subscribe(() => {}));
    await Promise.all(sources.map((source, i) => source.fetch({ roomName: `room-${i}` })));
    sleepFor(3 * 60 * MINUTE);
    showTab();
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(generators.map((generator) => generator.mock.calls.length)).toEqual(generators.map(() => 2));
    expect(sources.every((source) => source.getSnapshot().status === 'ready')).toBe(true);
    unsubscribes.forEach((unsubscribe) => unsubscribe());
  });

  it('a 30-day token (its expiry far beyond the 2^31-1 ms a timer holds) is refreshed neither at once nor late', async () => {
    const generator = mintingGenerator(() => ({ ttl: 30 * 24 * 60 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(29 * DAY);
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(DAY);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  describe('when the clock is set back (NTP, the user)', () => {
    it('after a 401, showing the tab fetches again, also after the clock was set back a little', async () => {
      const { generator, fail, recover } = switchableGenerator(10 * 60, () => new CustomTokenError('http', 'signed out', { status: 401 }));
      fail();
      const source = createCustomTokenSource(generator);
      const unsubscribe = source.subscribe(() => {});
      await source.fetch({ roomName: 'A' }).catch(() => {});
      expect(source.getSnapshot().status).toBe('error');
      recover();
      vi.setSystemTime(Date.now() - 5 * SECOND); // NTP sets the clock back 5 s
      showTab();
      await vi.advanceTimersByTimeAsync(0);
      expect(generator).toHaveBeenCalledTimes(2);
      expect(source.getSnapshot().status).toBe('ready');
      unsubscribe();
    });

    it('after a failure whose retries ran out, a clock set back an hour does not stop the rounds for an hour', async () => {
      const { generator, fail, recover } = switchableGenerator(10 * 60, () => new CustomTokenError('http', 'unavailable', { status: 503 }));
      fail();
      const source = createCustomTokenSource(generator, { retries: 0 });
      const unsubscribe = source.subscribe(() => {});
      await source.fetch({ roomName: 'A' }).catch(() => {});
      recover();
      vi.setSystemTime(Date.now() - 60 * MINUTE);
      await vi.advanceTimersByTimeAsync(5 * MINUTE);
      expect(source.getSnapshot().status).toBe('ready');
      unsubscribe();
    });

    it('a clock set back an hour does not hand out a token past its real lifetime', async () => {
      const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
      const source = createCustomTokenSource(generator);
      const unsubscribe = source.subscribe(() => {});
      const first = await source.fetch({ roomName: 'A' });
      await vi.advanceTimersByTimeAsync(MINUTE);
      vi.setSystemTime(Date.now() - 60 * MINUTE);
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      // The token in hand arrived 11 minutes ago, by the timers: past its 10-minute lifetime.
      const next = await source.fetch({ roomName: 'A' });
      expect(next.participantToken).not.toBe(first.participantToken);
      unsubscribe();
    });
  });
});

/** What happens to a tab over a day, in any order. */
const dayEvent = fc.oneof(
  fc.record({ type: fc.constant('sleep' as const), ms: fc.integer({ min: 1, max: 3 * 60 * MINUTE }) }),
  fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 20 * MINUTE }) }),
  // The clock set back (NTP, the user): the timers do not move.
  fc.record({ type: fc.constant('setBack' as const), ms: fc.integer({ min: 1, max: 2 * 60 * MINUTE }) }),
  fc.constantFrom(
    { type: 'hide' as const },
    { type: 'show' as const },
    { type: 'offline' as const },
    { type: 'online' as const },
    { type: 'connect' as const },
    { type: 'disconnect' as const },
  ),
  fc.record({ type: fc.constant('service' as const), mode: fc.constantFrom('ok', 'down', 'refusing', 'network') }),
);
type DayEvent = typeof dayEvent extends fc.Arbitrary<infer T> ? T : never;

describe('CustomTokenSource in a tab open all day, for any order of sleeps, tabs, networks and sessions', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    Reflect.deleteProperty(document, 'visibilityState');
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  function setVisible(visible: boolean) {
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: visible ? 'visible' : 'hidden' });
    window.dispatchEvent(new Event('visibilitychange'));
  }

  it('never calls the generator while connected, makes no storm, and has a fresh token soon after the tab is back, whatever the clock did', async () => {
    // Signed before the clock runs (signing is real async work); the source measures `exp - iat` from arrival.
    const jwt = await mintToken({ room: 'A', ttl: 10 * 60 });
    await fc.assert(
      fc.asyncProperty(fc.array(dayEvent, { maxLength: 25 }), async (events: DayEvent[]) => {
        let mode: 'ok' | 'down' | 'refusing' | 'network' = 'ok';
        let connected = false;
        let callsWhileConnected = 0;
        const generator = vi.fn<TokenGenerator>(async () => {
          if (connected) callsWhileConnected += 1;
          if (mode === 'down') throw new CustomTokenError('http', 'unavailable', { status: 503 });
          if (mode === 'refusing') throw new CustomTokenError('http', 'signed out', { status: 401 });
          if (mode === 'network') throw new TypeError('Failed to fetch');
          return { serverUrl: SERVER_URL, participantToken: jwt };
        });
        const source = createCustomTokenSource(generator);
        const unsubscribe = source.subscribe(() => {});
        let release: (() => void) | undefined;
        let elapsed = 0;
        // What may start a fetch at once: the tab shown, the network back, the clock set back, the service changing.
        let nudges = 0;
        try {
          await source.fetch({ roomName: 'A' });
          for (const event of events) {
            switch (event.type) {
              case 'sleep':
                elapsed += event.ms;
                sleepFor(event.ms);
                break;
              case 'setBack':
                nudges += 1;
                vi.setSystemTime(Date.now() - event.ms);
                break;
              case 'wait':
                elapsed += event.ms;
                await vi.advanceTimersByTimeAsync(event.ms);
                break;
              case 'hide':
                setVisible(false);
                break;
              case 'show':
                nudges += 1;
                setVisible(true);
                break;
              case 'offline':
                window.dispatchEvent(new Event('offline'));
                break;
              case 'online':
                nudges += 1;
                window.dispatchEvent(new Event('online'));
                break;
              case 'connect':
                // A session connects only once the fetch it started with is done (the generator is not called meanwhile).
                await vi.advanceTimersByTimeAsync(0);
                if (source.getSnapshot().status === 'fetching') break;
                release ??= source.holdConnected();
                connected = true;
                break;
              case 'disconnect':
                release?.();
                release = undefined;
                connected = false;
                break;
              case 'service':
                nudges += 1;
                mode = event.mode;
                break;
            }
            await vi.advanceTimersByTimeAsync(0);
          }
          expect(callsWhileConnected).toBe(0);
          // No storm: each fetch is one call and two retries; failed rounds back off from 4–8 s to five
          // minutes apart (about four in their first minute), and a nudge may start one at once.
          const minutes = elapsed / MINUTE;
          expect(generator.mock.calls.length).toBeLessThanOrEqual(1 + 3 * (4 * (1 + nudges) + Math.ceil(minutes)));
          // Back at the desk: the call ends, the service works, the network is up, the tab is shown.
          release?.();
          release = undefined;
          connected = false;
          mode = 'ok';
          window.dispatchEvent(new Event('online'));
          setVisible(false);
          setVisible(true);
          await vi.advanceTimersByTimeAsync(5 * SECOND);
          expect(source.getSnapshot().status).toBe('ready');
          expect(source.getSnapshot().expiresAt).toBeGreaterThan(Date.now());
        } finally {
          release?.();
          unsubscribe();
          await vi.advanceTimersByTimeAsync(0);
          window.dispatchEvent(new Event('online'));
          setVisible(true);
        }
      }),
      {
        numRuns: RUNS,
        ...seed,
        // Found by this property: a failed refresh, then the clock set back past the failure.
        examples: [
          [
            [
              { type: 'wait', ms: 49_633 },
              { type: 'service', mode: 'down' },
              { type: 'wait', ms: 491_312 },
              { type: 'setBack', ms: 101_782 },
            ],
          ],
        ],
      },
    );
    // About a second alone; a shared machine under load can take several (the file shares its worker).
  }, 60_000);
});
