import { focusManager, onlineManager, QueryClient } from '@tanstack/query-core';
import fc from 'fast-check';
import { decodeTokenPayload } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError, isCustomTokenError } from '../../src/core/errors';
import type { TokenFetchOptions, TokenGenerator, TokenRequest, TokenResponse } from '../../src/core/types';
import { showTab, sleepFor } from '../helpers/tabLife';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

/**
 * A model-based audit of the token source: two sources of one scope (so one option set can be
 * fetched by both at once), driven by random commands — fetches (forced or not) of a few option
 * sets, refresh(), cancel(), subscribe and unsubscribe, connect and disconnect, the tab shown, the
 * network back, configure(), time — and a generator whose every call the run settles itself, in
 * any order: a real token for what it was asked, a retryable or fatal failure, malformed output, a
 * token for another room, or nothing until it is aborted (or times out). After every command the
 * promises of the token source's docs are checked against what the run saw.
 */

/**
 * 100 runs per `npm test` (a few seconds); ask for more while hunting: `MODEL_RUNS=2000 npx vitest run <this file>`.
 * Replays the runs of a seed CI printed: `MODEL_SEED=<seed> MODEL_RUNS=<its run count>`.
 */
const runs = propertyRuns('MODEL', 100);
const realSetImmediate = setImmediate;
const OPTIONS: TokenFetchOptions[] = [
  { roomName: 'A' },
  { roomName: 'B' },
  { roomName: 'A', participantIdentity: 'bob' },
  { roomName: 'A', agentName: 'agent-1' },
  { roomName: 'A', participantAttributes: { team: 'blue' } },
  // Not valid: refused before any call.
  { roomName: 42 as unknown as string },
];
const TTLS_S = [20, 120, 600];
const MAX_RETRIES = 2;

/** The option set a request (or fetch options) stands for: one per entry of OPTIONS. */
function keyOf(options: TokenFetchOptions | TokenRequest): string {
  return JSON.stringify([options.roomName, options.participantIdentity, options.agentName, options.participantAttributes?.team]);
}

type Outcome = 'ok' | 'retryable' | 'rateLimited' | 'fatal' | 'malformed' | 'otherRoom';

interface Call {
  key: string;
  request: TokenRequest;
  signal: AbortSignal;
  /** Settled by the run (answered), or ended by the source (aborted or timed out). */
  state: 'pending' | 'answered' | 'aborted';
  /** Whether the source saw a failure from it (a timeout counts). */
  failed?: boolean;
  resolve: (value: TokenResponse) => void;
  reject: (error: unknown) => void;
}

interface Minted {
  key: string;
  expiresAt: number;
  /** In the order minted. */
  serial: number;
}

class World {
  readonly client = new QueryClient();
  readonly sources: CustomTokenSource[];
  readonly unsubscribes: ((() => void) | undefined)[] = [undefined, undefined];
  /** What each source was told by `setConnected`, and the sessions holding it connected. */
  readonly saidConnected = [false, false];
  readonly holds: (() => void)[][] = [[], []];
  /** Until then, refresh-ahead may be late: the device slept, and the schedule notices within 30 s. */
  wakingUntil = 0;
  readonly current: (string | undefined)[] = [undefined, undefined];
  /** Before its first use, a source's snapshot shows its `initialToken`, whatever the scope holds by then. */
  readonly used = [false, false];
  readonly cacheSize = [8, 8];
  readonly calls: Call[] = [];
  readonly minted = new Map<string, Minted>();
  /** Per option set: the serial of the newest token the source took in. */
  readonly newest = new Map<string, number>();
  /** Per option set: whether its last call the source heard the end of failed. */
  readonly lastFailed = new Map<string, boolean>();
  /** How many fetches and refreshes of the app wait for each option set (their retries may run during a call). */
  readonly wanted = new Map<string, number>();
  readonly unforcedAnswers: { settled: boolean; label: string }[] = [];
  readonly violations: string[] = [];
  /**
   * The option sets whose newest token the cache dropped (its bound) before source 0 was first
   * used: its `initialToken`, planted then into a cache with nothing for them, may be handed out.
   */
  readonly seedMayReturn = new Set<string>();
  /** The serial of source 0's `initialToken`, when it has one. */
  seedSerial: number | undefined;
  /** Whether the command running is the app's own fetch or refresh (else: time, events, answers). */
  userStep = false;
  disposed = false;

  get connected(): boolean[] {
    return [0, 1].map((i) => this.saidConnected[i]! || this.holds[i]!.length > 0);
  }
  nextTokenId = 0;

  readonly generator: TokenGenerator = (request, { signal, attempt }) =>
    new Promise((resolve, reject) => {
      if (this.disposed) this.violations.push(`generator called after dispose for ${keyOf(request)}`);
      const key = keyOf(request);
      const call: Call = {
        key,
        request,
        signal,
        state: 'pending',
        resolve,
        reject,
      };
      const live = this.calls.filter((other) => other.key === key && other.state === 'pending' && !other.signal.aborted);
      if (live.length > 0) this.violations.push(`two generator calls in flight for ${key}`);
      if (!this.userStep && !this.wanted.get(key)) {
        // Unasked, a call is refresh-ahead: a new fetch for a disconnected subscriber's options, or a retry of one
        // (which may outlive the source's move to other options while another source holds them).
        const refreshing =
          attempt === 1
            ? [0, 1].some((i) => this.unsubscribes[i] && !this.connected[i] && this.current[i] === key)
            : this.connected.includes(false);
        if (!refreshing)
          this.violations.push(
            `generator called for ${key} (attempt ${attempt}) with no disconnected subscriber on it and no fetch waiting`,
          );
      }
      this.calls.push(call);
      signal.addEventListener('abort', () => {
        if (call.state !== 'pending') return;
        call.state = 'aborted';
        const timedOut = isCustomTokenError(signal.reason) && signal.reason.code === 'timeout';
        if (timedOut) this.heard(call, true);
        reject(signal.reason);
      });
    });

  /** Source 0 may start with a token in hand (`initialToken`, minted during server rendering) for the first option set. */
  constructor(initialToken?: string) {
    const make = (i: number) =>
      createCustomTokenSource(this.generator, {
        queryClient: this.client,
        scope: 'model',
        retryDelayMs: 500,
        initialToken:
          i === 0 && initialToken
            ? { options: OPTIONS[0], response: { serverUrl: SERVER_URL, participantToken: initialToken } }
            : undefined,
      });
    this.sources = [make(0), make(1)];
    if (!initialToken) return;
    const key = keyOf(OPTIONS[0]!);
    this.seedSerial = this.nextTokenId++;
    this.minted.set(decodeTokenPayload(initialToken).name!, { key, expiresAt: Date.now() + 600_000, serial: this.seedSerial });
    this.newest.set(key, this.seedSerial);
    this.current[0] = key;
    this.client.getQueryCache().subscribe((event) => {
      if (event.type === 'removed') this.dropped(event.query.state.data);
    });
  }

  /** A token the cache dropped: its option set's seed may return, if it was the newest and source 0 is not used yet. */
  dropped(data: unknown): void {
    if (this.seedSerial === undefined || this.used[0]) return;
    const dropped = (data as TokenResponse | undefined)?.participantToken;
    const token = dropped === undefined ? undefined : this.minted.get(decodeTokenPayload(dropped).name ?? '');
    if (token && this.newest.get(token.key) === token.serial) this.seedMayReturn.add(token.key);
  }

  /** Whether `serial`, older than the newest token for `key`, may still be handed out: the seed, once the newer ones were dropped. */
  mayHandOut(serial: number, key: string): boolean {
    return serial === this.seedSerial && this.seedMayReturn.has(key);
  }

  heard(call: Call, failed: boolean): void {
    call.failed = failed;
    this.lastFailed.set(call.key, failed);
  }

  /** The app waits on `promise` for `key` until it settles: the generator may be called for it meanwhile, during a call too. */
  want(key: string, promise: Promise<unknown>): void {
    this.wanted.set(key, (this.wanted.get(key) ?? 0) + 1);
    const done = () => void this.wanted.set(key, this.wanted.get(key)! - 1);
    promise.then(done, done);
  }

  async answer(call: Call, outcome: Outcome, ttl: number): Promise<void> {
    if (call.state === 'pending') call.state = 'answered';
    const late = call.signal.aborted;
    if (outcome === 'ok' || outcome === 'otherRoom') {
      const serial = this.nextTokenId++;
      const name = `t${serial}`;
      const participantToken = await mintToken({
        name,
        ttl,
        room: outcome === 'otherRoom' ? 'Z' : call.request.roomName,
        identity: call.request.participantIdentity ?? 'alice',
        agentName: call.request.agentName,
      });
      this.minted.set(name, { key: call.key, expiresAt: Date.now() + ttl * 1000, serial });
      if (!late) this.heard(call, outcome !== 'ok');
      if (!late && outcome === 'ok') this.newest.set(call.key, serial);
      call.resolve({ serverUrl: SERVER_URL, participantToken });
      return;
    }
    if (!late) this.heard(call, true);
    if (outcome === 'malformed') call.resolve({ serverUrl: SERVER_URL } as TokenResponse);
    else if (outcome === 'fatal') call.reject(Object.assign(new Error('signed out'), { status: 401 }));
    else if (outcome === 'retryable') call.reject(Object.assign(new Error('unavailable'), { status: 503 }));
    else call.reject(new CustomTokenError('http', 'slow down', { status: 429, retryAfterMs: 30_000 }));
  }

  /** Checks what a fetch of `key` answered, when it answers. */
  watch(promise: Promise<{ participantToken: string }>, key: string, force: boolean, label: string): void {
    const record = { settled: false, label };
    if (!force) this.unforcedAnswers.push(record);
    // A token replaced before the fetch was made is not handed out again.
    const newestThen = this.newest.get(key) ?? -1;
    promise.then(
      ({ participantToken }) => {
        record.settled = true;
        const name = decodeTokenPayload(participantToken).name ?? '';
        const token = this.minted.get(name);
        if (!token) this.violations.push(`${label} answered a token nobody minted`);
        else if (token.key !== key) this.violations.push(`${label} answered a token for ${token.key}`);
        else if (token.expiresAt <= Date.now())
          this.violations.push(`${label} answered a token expired ${Date.now() - token.expiresAt} ms ago`);
        else if (token.serial < newestThen && !this.mayHandOut(token.serial, key))
          this.violations.push(`${label} answered t${token.serial}, replaced by t${newestThen} before it asked`);
      },
      (error: unknown) => {
        record.settled = true;
        if (force) this.violations.push(`${label} rejected (forced fetches never reject)`);
        if (!(error instanceof CustomTokenError)) this.violations.push(`${label} rejected with ${String(error)}`);
      },
    );
  }

  check(label: string): void {
    const now = Date.now();
    this.sources.forEach((source, i) => {
      const snapshot = source.getSnapshot();
      const key = this.current[i];
      const name = snapshot.token ? (decodeTokenPayload(snapshot.token.participantToken).name ?? '') : undefined;
      const held = name === undefined ? undefined : this.minted.get(name);
      if (held && held.key !== key) this.violations.push(`source ${i}'s snapshot holds a token for other options`);
      if (
        held &&
        key !== undefined &&
        this.used[i] &&
        this.newest.has(key) &&
        held.serial !== this.newest.get(key) &&
        !this.mayHandOut(held.serial, key)
      ) {
        this.violations.push(`source ${i}'s snapshot holds t${held.serial}, not the newest for its options, t${this.newest.get(key)}`);
      }
      if (snapshot.status === 'ready' && snapshot.expiresAt !== null && snapshot.expiresAt <= now) {
        this.violations.push(`source ${i} reads ready with a token expired ${now - snapshot.expiresAt} ms ago`);
      }
      if (snapshot.status === 'error') {
        if (!(snapshot.error instanceof CustomTokenError)) this.violations.push(`source ${i} reads error without a CustomTokenError`);
        if (key !== undefined && this.lastFailed.get(key) === false) {
          this.violations.push(`source ${i} reads error (${snapshot.error?.code}) after its options' last call brought a token`);
        }
      }
      // Refresh-ahead: subscribed and disconnected, a token that may no longer be reused is being replaced.
      const idle = this.unsubscribes[i] && !this.connected[i] && now >= this.wakingUntil;
      if (
        idle &&
        snapshot.token?.staleAt != null &&
        snapshot.token.staleAt <= now &&
        (snapshot.status === 'ready' || snapshot.status === 'expired')
      ) {
        this.violations.push(`source ${i} is subscribed and disconnected, its token ${snapshot.status} and stale, and nothing is fetching`);
      }
    });
    const queries = this.client.getQueryCache().getAll();
    const bound = Math.max(...this.cacheSize) + queries.filter((query) => query.state.fetchStatus !== 'idle').length + 1;
    if (queries.length > bound) this.violations.push(`${queries.length} tokens cached (bound ${bound})`);
    if (this.violations.length > 0) throw new Error(`after ${label}: ${this.violations.join('; ')}`);
  }
}

type Step = (world: World) => Promise<unknown> | void;

function setVisible(visible: boolean): void {
  const value = visible ? 'visible' : 'hidden';
  // Only a change is told: a source another test file left subscribed wakes on every event, and keeps refreshing on this clock.
  if (document.visibilityState === value) return;
  Object.defineProperty(document, 'visibilityState', { configurable: true, value });
  window.dispatchEvent(new Event('visibilitychange'));
}
const flush = () => vi.advanceTimersByTimeAsync(0);

const sourceIndex = fc.constantFrom(0, 1);
const fetchStep = fc.record({ i: sourceIndex, option: fc.nat(OPTIONS.length - 1), force: fc.boolean() }).map(({ i, option, force }) => ({
  label: `fetch(${i}, ${keyOf(OPTIONS[option]!)}${force ? ', force' : ''})`,
  run: async (world: World) => {
    const options = OPTIONS[option]!;
    const key = keyOf(options);
    world.userStep = true;
    world.current[i] = key;
    world.used[i] = true;
    const fetched = world.sources[i]!.fetch(options, force);
    world.want(key, fetched);
    world.watch(fetched, key, force, `fetch(${i}, ${key})`);
    world.userStep = false;
    await flush();
  },
}));
const answerStep = fc
  .record({
    pick: fc.nat(20),
    late: fc.boolean(),
    outcome: fc.constantFrom<Outcome>('ok', 'ok', 'ok', 'retryable', 'rateLimited', 'fatal', 'malformed', 'otherRoom'),
    ttl: fc.constantFrom(...TTLS_S),
  })
  .map(({ pick, late, outcome, ttl }) => ({
    label: `answer ${late ? 'a late call' : 'a call'} #${pick}: ${outcome}${outcome === 'ok' ? ` (${ttl} s)` : ''}`,
    run: async (world: World) => {
      const open = world.calls.filter((call) => call.state === 'pending' || (late && call.state === 'aborted'));
      const call = open[pick % Math.max(open.length, 1)];
      if (!call) return;
      await world.answer(call, outcome, ttl);
      await flush();
    },
  }));
const advanceStep = fc.constantFrom(100, 1_000, 5_000, 15_000, 60_000, 5 * 60_000).map((ms) => ({
  label: `advance ${ms} ms`,
  ms,
  run: (world: World) => vi.advanceTimersByTimeAsync(ms).then(() => world.check(`advance ${ms} ms (mid-way)`)),
}));
const steps: fc.Arbitrary<{ label: string; run: Step; ms?: number }>[] = [
  fetchStep,
  fetchStep,
  fetchStep,
  answerStep,
  answerStep,
  answerStep,
  advanceStep,
  advanceStep,
  sourceIndex.map((i) => ({
    label: `refresh(${i})`,
    run: async (world) => {
      const key = world.current[i];
      world.userStep = true;
      world.used[i] = true;
      const refreshed = world.sources[i]!.refresh();
      if (key !== undefined) world.want(key, refreshed);
      world.userStep = false;
      let settled = false;
      void refreshed.then(() => (settled = true));
      world.unforcedAnswers.push({
        get settled() {
          return settled;
        },
        label: `refresh(${i})`,
      });
      await flush();
    },
  })),
  sourceIndex.map((i) => ({ label: `cancel(${i})`, run: (world) => ((world.used[i] = true), world.sources[i]!.cancel(), flush()) })),
  sourceIndex.map((i) => ({
    label: `toggle subscriber(${i})`,
    run: async (world) => {
      const unsubscribe = world.unsubscribes[i];
      world.used[i] = true;
      world.unsubscribes[i] = unsubscribe ? undefined : world.sources[i]!.subscribe(() => {});
      unsubscribe?.();
      await flush();
    },
  })),
  fc.record({ i: sourceIndex, connected: fc.boolean() }).map(({ i, connected }) => ({
    label: `setConnected(${i}, ${connected})`,
    run: async (world) => {
      world.saidConnected[i] = connected;
      world.sources[i]!.setConnected(connected);
      await flush();
    },
  })),
  fc.record({ i: sourceIndex, hold: fc.boolean() }).map(({ i, hold }) => ({
    label: hold ? `holdConnected(${i})` : `release a hold of ${i}`,
    run: async (world) => {
      if (hold) world.holds[i]!.push(world.sources[i]!.holdConnected());
      else world.holds[i]!.shift()?.();
      await flush();
    },
  })),
  fc.constant({ label: 'tab shown', run: () => (showTab(), flush()) }),
  fc.constantFrom('clear', 'resetQueries', 'removeQueries', 'invalidateQueries', 'cancelQueries').map((call) => ({
    label: `queryClient.${call}()`,
    run: (world) => {
      // The tokens it drops are no longer the newest: an initial token not yet planted may be handed out again.
      if (call === 'clear' || call === 'resetQueries' || call === 'removeQueries') {
        // A reset drops the tokens as a removal does, without the 'removed' events the model hears them by.
        if (call === 'resetQueries')
          world.client
            .getQueryCache()
            .getAll()
            .forEach((query) => world.dropped(query.state.data));
        void world.client[call]();
        world.newest.clear();
      } else void world.client[call]().catch(() => {});
      return flush();
    },
  })),
  fc.boolean().map((visible) => ({ label: visible ? 'tab visible' : 'tab hidden', run: () => (setVisible(visible), flush()) })),
  fc.constantFrom(10_000, 90_000, 30 * 60_000).map((ms) => ({
    label: `sleep ${ms} ms`,
    run: (world) => {
      sleepFor(ms);
      world.wakingUntil = Date.now() + 30_000;
      return flush();
    },
  })),
  fc.constant({
    label: 'network back',
    run: () => {
      window.dispatchEvent(new Event('offline'));
      window.dispatchEvent(new Event('online'));
      return flush();
    },
  }),
  fc
    .record({
      i: sourceIndex,
      cacheSize: fc.constantFrom(1, 2, 8),
      refreshMarginMs: fc.constantFrom(5_000, 60_000),
      retries: fc.constantFrom(0, MAX_RETRIES),
      timeoutMs: fc.constantFrom(3_000, 10_000),
    })
    .map(({ i, ...config }) => ({
      label: `configure(${i}, ${JSON.stringify(config)})`,
      run: async (world) => {
        world.cacheSize[i] = config.cacheSize;
        world.sources[i]!.configure(config);
        await flush();
      },
    })),
];

class Command implements fc.AsyncCommand<object, World> {
  constructor(
    readonly label: string,
    readonly step: Step,
    /** How long the command lets the clock run. */
    readonly ms: number,
  ) {}
  check = () => true;
  async run(_model: object, world: World): Promise<void> {
    const before = world.calls.length;
    await this.step(world);
    // No storm: per source, a fetch and its retries, then failed rounds backing off from 4–8 s (about four in their first minute).
    const calls = world.calls.length - before;
    const bound = 2 * (MAX_RETRIES + 1) * (1 + 4 + Math.ceil(this.ms / 60_000));
    if (calls > bound) world.violations.push(`${calls} generator calls in one command (bound ${bound})`);
    world.check(this.label);
  }
  toString = () => this.label;
}

const commands = fc.commands(
  steps.map((step) => step.map(({ label, run, ms = 0 }) => new Command(label, run, ms))),
  { maxCommands: 50, size: '+1' },
);

describe('CustomTokenSource against a model, for any order of fetches, answers, sessions, events and time', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    await vi.advanceTimersByTimeAsync(0);
    Reflect.deleteProperty(document, 'visibilityState');
    vi.useRealTimers();
  });

  it('answers only unexpired tokens for the options asked, keeps its status honest, one call per key, no storm, and stops when disposed', async () => {
    const othersListen = focusManager.hasListeners() || onlineManager.hasListeners();
    await fc.assert(
      fc.asyncProperty(commands, fc.nat(), fc.boolean(), async (cmds, jitterSeed, seeded) => {
        // Retry jitter from the run's seed, so that a counterexample replays.
        let jitter = jitterSeed;
        vi.spyOn(Math, 'random').mockImplementation(() => (jitter = (jitter * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        const world = new World(seeded ? await mintToken({ room: 'A', name: 't0', ttl: 600 }) : undefined);
        setVisible(true);
        try {
          await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
          // Every fetch the app awaits ends, once the generator answers and the tab is visible: answer everything, give retries time.
          setVisible(true);
          for (let round = 0; round < 6; round++) {
            for (const call of world.calls.filter((open) => open.state === 'pending')) await world.answer(call, 'ok', 600);
            await vi.advanceTimersByTimeAsync(60_000);
          }
          world.check('answering everything');
          const unsettled = world.unforcedAnswers.filter((answer) => !answer.settled).map((answer) => answer.label);
          expect(unsettled, 'fetches that never settled').toEqual([]);
          // Unmount: the sessions end, and each source's last subscriber leaves (a source fetched from holds its
          // options until then); nothing is called or scheduled after.
          world.holds.forEach((holds) => holds.splice(0).forEach((release) => release()));
          world.sources.forEach((source, i) => (world.unsubscribes[i] ??= source.subscribe(() => {})));
          world.used.fill(true);
          await flush();
          world.unsubscribes.forEach((unsubscribe, i) => {
            unsubscribe?.();
            world.unsubscribes[i] = undefined;
          });
          await flush();
          world.disposed = true;
          // Longer than any timeout, retry or round (five minutes apart at most).
          await vi.advanceTimersByTimeAsync(10 * 60_000);
          world.check('dispose');
          // A source another test file left subscribed reacts to the tab and the network too: count only when there is none.
          if (!othersListen) {
            expect(focusManager.hasListeners() || onlineManager.hasListeners(), 'listeners left after dispose').toBe(false);
            expect(vi.getTimerCount(), 'timers left after dispose').toBe(0);
          }
          await new Promise((resolve) => realSetImmediate(resolve));
          expect(unhandled, 'unhandled rejections').toEqual([]);
        } finally {
          // A failed run lets go too, so the runs that shrink it start clean.
          world.holds.forEach((holds) => holds.splice(0).forEach((release) => release()));
          world.unsubscribes.forEach((unsubscribe) => unsubscribe?.());
          await flush();
          process.off('unhandledRejection', onUnhandled);
          world.client.clear();
        }
      }),
      runs,
    );
  }, 120_000);
});
