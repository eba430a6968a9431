import { focusManager, onlineManager } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { mintingGenerator } from '../helpers/generators';
import { setBrowserOnline, setTabVisible, sleepFor } from '../helpers/tabLife';
import { SERVER_URL, mintToken } from '../helpers/tokens';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] as const;

describe('CustomTokenSource after a laptop sleep (the wall clock jumps, performance.now() and the timers do not)', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: [...FAKED], now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    Reflect.deleteProperty(document, 'visibilityState');
    focusManager.setFocused(undefined);
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  const wakeOrders: [string, (() => void)[]][] = [
    ['visible, then online', [() => setTabVisible(true), () => setBrowserOnline(true)]],
    ['online, then visible', [() => setBrowserOnline(true), () => setTabVisible(true)]],
    ['only visible', [() => setTabVisible(true)]],
    ['only online', [() => setBrowserOnline(true)]],
    ['neither (the tab stayed visible, the network up)', []],
  ];

  it.each(wakeOrders)('waking past expiry (%s): expired at once, then exactly one generator call', async (_, events) => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    expect(source.getSnapshot().status).toBe('ready');
    // The lid closes: hidden and offline, as a browser reports it, then hours pass.
    setTabVisible(false);
    setBrowserOnline(false);
    const before = performance.now();
    sleepFor(3 * HOUR);
    expect(performance.now()).toBe(before);
    // Woken, before any timer or event: the token is 3 h old.
    expect(source.getSnapshot().status).toBe('expired');
    expect(source.getSnapshot().expiresAt).toBeLessThan(Date.now());
    if (events.length === 0) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
      onlineManager.setOnline(true);
    }
    for (const event of events) event();
    // Every timer that was due during the sleep fires now, at once.
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('ready');
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('a clock set back right after waking (NTP, the user) does not make the token that expired during the sleep ready again', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const first = await source.fetch({ roomName: 'A' });
    sleepFor(15 * MINUTE);
    expect(source.getSnapshot().status).toBe('expired');
    vi.setSystemTime(Date.now() - 30 * MINUTE);
    // The token arrived 15 minutes ago, by the wall clock the sleep was counted on: 5 minutes past its lifetime.
    expect(source.getSnapshot().status).toBe('expired');
    const next = await source.fetch({ roomName: 'A' });
    expect(next.participantToken).not.toBe(first.participantToken);
    unsubscribe();
  });

  it('a refresh that failed in the hidden tab before the sleep (its retry paused until visible) resumes as the one call on waking', async () => {
    const jwt = await mintToken({ room: 'A', ttl: 10 * 60 });
    let down = false;
    const generator = vi.fn<TokenGenerator>(async () => {
      if (down) throw new TypeError('Failed to fetch');
      return { serverUrl: SERVER_URL, participantToken: jwt };
    });
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    setTabVisible(false);
    down = true;
    // The refresh ahead at 9 minutes fails; its retry waits for the tab to be visible.
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('fetching');
    setBrowserOnline(false);
    sleepFor(3 * HOUR);
    down = false;
    setBrowserOnline(true);
    setTabVisible(true);
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(generator).toHaveBeenCalledTimes(3);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  it('a fetch at wake (the user clicks start before any timer) gets a new token and makes one call, whatever events follow', async () => {
    const generator = mintingGenerator(() => ({ ttl: 10 * 60 }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    const first = await source.fetch({ roomName: 'A' });
    setTabVisible(false);
    sleepFor(2 * HOUR);
    setTabVisible(true);
    const next = source.fetch({ roomName: 'A' });
    setBrowserOnline(false);
    setBrowserOnline(true);
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect((await next).participantToken).not.toBe(first.participantToken);
    expect(generator).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('ten idle sources with different options: one call each per lifetime, and one each on waking, with a bounded number of timers', async () => {
    const generators = Array.from({ length: 10 }, (_, i) => mintingGenerator(() => ({ ttl: (10 + i) * 60 })));
    const sources = generators.map((generator, i) => createCustomTokenSource(generator, { refreshMarginMs: (30 + i) * SECOND }));
    const unsubscribes = sources.map((source) => source.subscribe(() => {}));
    await Promise.all(sources.map((source, i) => source.fetch({ roomName: `room-${i}`, participantIdentity: `user-${i}` })));
    await vi.advanceTimersByTimeAsync(HOUR);
    const perHour = generators.map((generator) => generator.mock.calls.length);
    // One per refresh period (lifetime minus margin), plus the first.
    perHour.forEach((calls, i) => expect(calls).toBeLessThanOrEqual(Math.ceil(HOUR / ((10 + i) * MINUTE - (30 + i) * SECOND)) + 1));
    // Per source, its schedule's timer and, while a fetch runs, its timeout.
    expect(vi.getTimerCount()).toBeLessThanOrEqual(2 * sources.length);
    setTabVisible(false);
    sleepFor(5 * HOUR);
    setTabVisible(true);
    setBrowserOnline(false);
    setBrowserOnline(true);
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(generators.map((generator) => generator.mock.calls.length)).toEqual(perHour.map((calls) => calls + 1));
    // Per source, its schedule's timer and, while a fetch runs, its timeout.
    expect(vi.getTimerCount()).toBeLessThanOrEqual(2 * sources.length);
    expect(sources.every((source) => source.getSnapshot().status === 'ready')).toBe(true);
    unsubscribes.forEach((unsubscribe) => unsubscribe());
  });
});

describe('CustomTokenSource idle and offline for longer than a token lives', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: [...FAKED], now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    Reflect.deleteProperty(document, 'visibilityState');
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  it('backs off while offline, then fetches once when the network comes back', async () => {
    const jwt = await mintToken({ room: 'A', ttl: 10 * 60 });
    let offline = false;
    const generator = vi.fn<TokenGenerator>(async () => {
      if (offline) throw new TypeError('Failed to fetch');
      return { serverUrl: SERVER_URL, participantToken: jwt };
    });
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    offline = true;
    setBrowserOnline(false);
    await vi.advanceTimersByTimeAsync(HOUR);
    const firstHour = generator.mock.calls.length - 1;
    await vi.advanceTimersByTimeAsync(HOUR);
    const secondHour = generator.mock.calls.length - 1 - firstHour;
    // Rounds of a call and two retries, backing off to 2.5–5 minutes apart (as documented): no more than 3 per 2.5 minutes.
    expect(secondHour).toBeLessThanOrEqual(3 * 24);
    expect(firstHour).toBeLessThanOrEqual(3 * (24 + 6));
    expect(source.getSnapshot().status).not.toBe('ready');
    offline = false;
    const beforeOnline = generator.mock.calls.length;
    setBrowserOnline(true);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(generator.mock.calls.length - beforeOnline).toBe(1);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  it('subscribed once the network was already gone (its offline event went unheard), fetches at once when the network comes back', async () => {
    const jwt = await mintToken({ room: 'A', ttl: 10 * 60 });
    let offline = true;
    const generator = vi.fn<TokenGenerator>(async () => {
      if (offline) throw new TypeError('Failed to fetch');
      return { serverUrl: SERVER_URL, participantToken: jwt };
    });
    // The network goes while nothing listens (the call screen not shown yet), then the source is subscribed.
    setBrowserOnline(false);
    // What a manager that heard nothing believes. Said here, not assumed: the unit suite shares one
    // onlineManager between test files, and one of them may have left it listening.
    onlineManager.setOnline(true);
    expect(onlineManager.isOnline()).toBe(true);
    const source = createCustomTokenSource(generator, { retries: 0 });
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' }).catch(() => {});
    expect(source.getSnapshot().status).toBe('error');
    // Before the first round of refresh-ahead (4–8 s after the failure).
    await vi.advanceTimersByTimeAsync(SECOND);
    offline = false;
    setBrowserOnline(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });
});

describe('CustomTokenSource in a hidden tab whose timers are throttled to once a minute (intensive throttling)', () => {
  let restore: () => void = () => {};
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED], now: new Date('2026-11-28T12:00:00Z') });
    // Chrome's intensive throttling: a hidden tab's timers run only on whole minutes.
    const fakeSetTimeout = globalThis.setTimeout;
    const throttled = (callback: () => void, ms = 0) => {
      const due = Date.now() + ms;
      return fakeSetTimeout(callback, Math.ceil(due / MINUTE) * MINUTE - Date.now());
    };
    globalThis.setTimeout = throttled as typeof setTimeout;
    restore = () => void (globalThis.setTimeout = fakeSetTimeout);
  });
  afterEach(async () => {
    restore();
    await vi.advanceTimersByTimeAsync(0);
    Reflect.deleteProperty(document, 'visibilityState');
    focusManager.setFocused(undefined);
    vi.useRealTimers();
  });

  it.each([
    ['10-minute tokens', 10 * 60, 9 * MINUTE],
    ['90-second tokens (refreshed every 45 s, more often than the timers run)', 90, MINUTE],
  ])('%s: one call per refresh period at most, and a fresh token when the user comes back and starts', async (_, ttl, period) => {
    const jwt = await mintToken({ room: 'A', ttl });
    const generator = vi.fn<TokenGenerator>(() => Promise.resolve({ serverUrl: SERVER_URL, participantToken: jwt }));
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    setTabVisible(false);
    for (let minute = 0; minute < 6 * 60; minute++) {
      await vi.advanceTimersByTimeAsync(MINUTE);
      const { status, expiresAt } = source.getSnapshot();
      if (status === 'ready') expect(expiresAt).toBeGreaterThan(Date.now());
    }
    expect(generator.mock.calls.length).toBeLessThanOrEqual(Math.ceil((6 * HOUR) / period) + 1);
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
    // Back at the tab, mid-minute: start() gets a token with time left.
    await vi.advanceTimersByTimeAsync(17 * SECOND);
    restore();
    setTabVisible(true);
    const fetched = await source.fetch({ roomName: 'A' });
    const { expiresAt, token } = source.getSnapshot();
    expect(token?.participantToken).toBe(fetched.participantToken);
    expect(expiresAt).toBeGreaterThan(Date.now());
    unsubscribe();
  });
});
