import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../../src/core/errors';
import { SessionRunner } from '../../../src/providers/session/SessionRunner';
import { propertyRuns } from '../../helpers/propertyRuns';

type Outcome = { readonly kind: 'connects' | 'fails' | 'hangs'; readonly afterMs: number };

const ALREADY_CONNECTED: Outcome = { kind: 'connects', afterMs: 0 };

/**
 * A session behind the runner, on fake timers: each start ends as its `outcomes` say (in turn,
 * the last one repeating), an abandoned start takes `unwindMs` to disconnect (as `startSession`
 * does), a start on a connected session connects at once, and a disconnect takes `endMs`.
 */
function fakeSession({
  outcomes = [{ kind: 'connects', afterMs: 5 }],
  unwindMs = 3,
  endMs = 10,
}: {
  outcomes?: readonly Outcome[];
  unwindMs?: number;
  endMs?: number;
} = {}) {
  const state = { connected: false, startsInFlight: 0, startCalls: 0, callsMade: 0, lastStartRanAfterCall: -1, lastOutcome: outcomes[0] };
  const runner = new SessionRunner(() => ({
    start: async (signal) => {
      // As `startSession`: an abandoned start does nothing, and a room already connected is left as it is.
      signal.throwIfAborted();
      const outcome = state.connected ? ALREADY_CONNECTED : (outcomes[Math.min(state.startCalls, outcomes.length - 1)] as Outcome);
      state.startCalls += 1;
      state.startsInFlight += 1;
      state.lastStartRanAfterCall = state.callsMade;
      state.lastOutcome = outcome;
      return new Promise<void>((resolve, reject) => {
        const settle = (connected: boolean, settleWith: () => void) => {
          signal.removeEventListener('abort', abandon);
          state.connected = connected;
          settleWith();
        };
        // Once it settled, the start is no longer listening: the `end()` behind it disconnects.
        const abandon = () => {
          clearTimeout(timer);
          setTimeout(() => settle(false, () => reject(signal.reason as Error)), unwindMs);
        };
        signal.addEventListener('abort', abandon, { once: true });
        const timer =
          outcome.kind === 'hangs'
            ? undefined
            : setTimeout(
                () => (outcome.kind === 'connects' ? settle(true, resolve) : settle(false, () => reject(new Error('refused')))),
                outcome.afterMs,
              );
      }).finally(() => {
        state.startsInFlight -= 1;
      });
    },
    end: () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          state.connected = false;
          resolve();
        }, endMs),
      ),
    isDisconnected: () => !state.connected,
    toError: (cause) => new CustomTokenError('connection_failed', String(cause)),
  }));
  /** Calls an action as a user would: not awaited, and it must never reject. */
  const call = (action: 'start' | 'end') => {
    state.callsMade += 1;
    void runner[action]().catch((error: unknown) => expect.fail(`${action}() rejected: ${String(error)}`));
  };
  return { runner, state, call };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs of the property (300); raise them and pick the seed to explore: `SESSION_RUNNER_PROPERTY_RUNS=3000 SESSION_RUNNER_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('SESSION_RUNNER_PROPERTY', 300);

describe('SessionRunner, the last call wins', () => {
  it('ends the session when end() comes while the previous end() is still disconnecting, after a start()', async () => {
    const { runner, state, call } = fakeSession();
    call('start');
    await vi.advanceTimersByTimeAsync(100);
    expect(state.connected).toBe(true);

    call('end');
    await vi.advanceTimersByTimeAsync(2);
    call('start');
    await vi.advanceTimersByTimeAsync(2);
    call('end');
    await vi.advanceTimersByTimeAsync(100);

    expect(state).toMatchObject({ connected: false, startsInFlight: 0 });
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
  });

  it('lets a failure heard after end() was asked fail neither the session it leaves nor the start asked after it', async () => {
    const { runner, state, call } = fakeSession({
      outcomes: [
        { kind: 'connects', afterMs: 5 },
        { kind: 'hangs', afterMs: 0 },
      ],
    });
    call('start');
    await vi.advanceTimersByTimeAsync(100);
    expect(state.connected).toBe(true);
    // restart() in the task the agent leaves: React renders the departure, and the provider reports it, after the calls.
    call('end');
    call('start');
    runner.fail(new CustomTokenError('agent_failed', 'The agent left the call'));
    await vi.advanceTimersByTimeAsync(100);
    expect(state.startCalls, 'the start asked after end() runs').toBe(2);
    expect(runner.getSnapshot()).toEqual({ phase: 'starting', error: null });
    // A failure heard once that start runs is its own.
    runner.fail(new CustomTokenError('agent_failed', 'The agent did not become ready'));
    await vi.advanceTimersByTimeAsync(100);
    expect(runner.getSnapshot()).toMatchObject({
      phase: 'idle',
      error: { code: 'agent_failed', message: 'The agent did not become ready' },
    });
  });

  it('connects when start() comes in the same task as the end() that abandoned the previous start', async () => {
    const { runner, state, call } = fakeSession();
    call('start');
    call('end');
    call('start');
    await vi.advanceTimersByTimeAsync(100);

    expect(state).toMatchObject({ connected: true, lastStartRanAfterCall: 3 });
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
  });

  it('connects when start() comes right after an end() that abandons a start still waiting', async () => {
    const { runner, state, call } = fakeSession({
      outcomes: [
        { kind: 'hangs', afterMs: 0 },
        { kind: 'connects', afterMs: 5 },
      ],
    });
    call('start');
    await vi.advanceTimersByTimeAsync(300);
    call('end');
    call('start');
    await vi.advanceTimersByTimeAsync(100);

    expect(state.connected).toBe(true);
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
  });

  it('follows the last call in every order of start() and end(), whatever the starts do', async () => {
    const outcome = fc.record({
      kind: fc.constantFrom('connects' as const, 'fails' as const, 'hangs' as const),
      afterMs: fc.integer({ min: 0, max: 20 }),
    });
    const call = fc.record({ action: fc.constantFrom('start' as const, 'end' as const), thenWaitMs: fc.integer({ min: 0, max: 25 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(call, { minLength: 1, maxLength: 8 }),
        fc.array(outcome, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 10 }),
        async (calls, outcomes, unwindMs) => {
          vi.clearAllTimers();
          const session = fakeSession({ outcomes, unwindMs });
          for (const { action, thenWaitMs } of calls) {
            session.call(action);
            // The state says what was asked for last, at once: never still "starting" after an end().
            if (action === 'start') expect(session.runner.getSnapshot().phase).toBe('starting');
            else expect(session.runner.getSnapshot().phase).not.toBe('starting');
            await vi.advanceTimersByTimeAsync(thenWaitMs);
          }
          await vi.advanceTimersByTimeAsync(1_000);

          const { state, runner } = session;
          const lastEnd = calls.map(({ action }) => action).lastIndexOf('end') + 1;
          if (calls.at(-1)?.action === 'end') {
            expect(state).toMatchObject({ connected: false, startsInFlight: 0 });
            expect(runner.getSnapshot().phase).toBe('idle');
            return;
          }
          expect(state.lastStartRanAfterCall, 'a start ran after the last end()').toBeGreaterThanOrEqual(lastEnd);
          const expected = {
            connects: { connected: true, phase: 'idle', error: null },
            fails: { connected: false, phase: 'idle', error: expect.objectContaining({ code: 'connection_failed' }) },
            hangs: { connected: false, phase: 'starting', error: null },
          }[state.lastOutcome?.kind ?? 'connects'];
          expect({ connected: state.connected, ...runner.getSnapshot() }).toEqual(expected);
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  });
});

describe('SessionRunner.abandonStart (an effect cleanup: the room is being left already)', () => {
  it('says a start was asked for while one runs, and while restart() has one queued behind its end()', async () => {
    const running = fakeSession({ outcomes: [{ kind: 'hangs', afterMs: 0 }] });
    running.call('start');
    await vi.advanceTimersByTimeAsync(10);
    expect(running.runner.abandonStart()).toBe(true);

    const restarting = fakeSession();
    restarting.call('start');
    await vi.advanceTimersByTimeAsync(100);
    void restarting.runner.restart();
    await vi.advanceTimersByTimeAsync(2); // the end() still disconnecting, the start behind it
    expect(restarting.runner.getSnapshot().phase).toBe('ending');
    expect(restarting.runner.abandonStart()).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(restarting.state).toMatchObject({ connected: false, startsInFlight: 0 });
    expect(restarting.runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
  });

  it('says none was asked for when the last call was end(), or nothing is under way', async () => {
    const { runner, call } = fakeSession();
    expect(runner.abandonStart()).toBe(false);
    call('start');
    call('end');
    expect(runner.abandonStart()).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    call('start');
    await vi.advanceTimersByTimeAsync(100);
    expect(runner.abandonStart()).toBe(false); // connected: the start finished
  });
});

describe('SessionRunner, one error per failure', () => {
  /** A session whose starts end as `starts` says, in turn, and whose end() waits for `endDone`. */
  function session(starts: Array<'fails' | 'live' | 'abandons'>) {
    const onError = vi.fn<(error: CustomTokenError) => void>();
    let endDone = () => {};
    let connected = false;
    const runner = new SessionRunner(() => ({
      start: async (_signal, abandon) => {
        const outcome = starts.shift();
        if (outcome === 'live') return false;
        if (outcome === 'abandons') abandon();
        throw new Error('could not connect');
      },
      end: () =>
        new Promise<void>((resolve) => {
          endDone = () => {
            connected = false;
            resolve();
          };
        }),
      isDisconnected: () => !connected,
      toError: (cause) => new CustomTokenError('connection_failed', String(cause)),
      onError,
    }));
    return { runner, onError, connect: () => (connected = true), endDone: () => endDone() };
  }

  it('reports a failed start once, and gives it back without reporting it again when the next start finds the session live', async () => {
    const { runner, onError } = session(['fails', 'live']);
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
    const heard = vi.fn();
    const unsubscribe = runner.subscribe(heard);
    await runner.start();
    const { error } = runner.getSnapshot();
    expect(error).toMatchObject({ code: 'connection_failed', message: 'Error: could not connect' });
    expect(onError.mock.calls).toEqual([[error]]);
    expect(heard).toHaveBeenCalled();

    unsubscribe();
    heard.mockClear();
    await runner.start();
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(heard, 'an unsubscribed listener hears nothing').not.toHaveBeenCalled();
  });

  it('records no failure for a start its session abandoned (a leave by other means)', async () => {
    const { runner, onError } = session(['abandons']);
    await runner.start();
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
    expect(onError).not.toHaveBeenCalled();
  });

  it("keeps a session's first failure, says a failure heard while it is left is not its own, and reports each once", async () => {
    const { runner, onError, connect, endDone } = session([]);
    connect();
    const first = new CustomTokenError('disconnected', 'the room was deleted', { reason: 'ROOM_DELETED' });
    expect(runner.fail(first)).toBe(true);
    expect(runner.fail(new CustomTokenError('agent_failed', 'the agent left', { failureReasons: [] }))).toBe(true);
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: first });

    const ending = runner.end();
    expect(runner.end(), 'an end() asked while one is the last call is that one').toBe(ending);
    await vi.waitFor(() => expect(runner.getSnapshot().phase).toBe('ending'));
    expect(
      runner.fail(new CustomTokenError('agent_failed', 'the agent left as we left', { failureReasons: [] })),
      'not the session being left',
    ).toBe(false);
    endDone();
    await ending;
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: first });
    expect(onError.mock.calls).toEqual([[first]]);
  });

  it('says "ending" at once when end() abandons a start in flight', async () => {
    let connect = () => {};
    const runner = new SessionRunner(() => ({
      start: (signal) =>
        new Promise<void>((resolve, reject) => {
          connect = resolve;
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
      end: async () => {},
      isDisconnected: () => true,
      toError: (cause) => new CustomTokenError('connection_failed', String(cause)),
    }));
    const starting = runner.start();
    await vi.waitFor(() => expect(runner.getSnapshot().phase).toBe('starting'));
    const ending = runner.end();
    expect(runner.getSnapshot().phase).toBe('ending');
    connect();
    await Promise.all([starting, ending]);
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: null });
  });

  it('records a disconnect that failed as the error, and says nothing (not even "ending") when there is nothing to end', async () => {
    const logged = vi.spyOn(console, 'error');
    const runner = new SessionRunner(() => ({
      start: async () => {},
      end: async () => {
        throw new Error('could not leave');
      },
      isDisconnected: () => connected === false,
      toError: (cause) => new CustomTokenError('connection_failed', String(cause)),
    }));
    let connected = false;
    const phases: string[] = [];
    runner.subscribe(() => phases.push(runner.getSnapshot().phase));
    await runner.end();
    expect(phases, 'nothing to end: no change, nobody told').toEqual([]);

    connected = true;
    await runner.end();
    expect(runner.getSnapshot()).toEqual({ phase: 'idle', error: expect.objectContaining({ message: 'Error: could not leave' }) });
    phases.length = 0;
    expect(runner.fail(new CustomTokenError('disconnected', 'later', { reason: 'ROOM_DELETED' }))).toBe(true);
    expect(phases, "a second failure changes nothing: the session's first one stands").toEqual([]);
    expect(logged, 'no onError given: nothing to call, nothing logged').not.toHaveBeenCalled();
  });

  it('logs an onError that throws, and neither start() nor the recorded error suffers', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const thrown = new Error('app callback broke');
    const runner = new SessionRunner(() => ({
      start: async () => {
        throw new Error('could not connect');
      },
      end: async () => {},
      isDisconnected: () => true,
      toError: (cause) => new CustomTokenError('connection_failed', String(cause)),
      onError: () => {
        throw thrown;
      },
    }));
    await expect(runner.start()).resolves.toBeUndefined();
    expect(runner.getSnapshot().error).toMatchObject({ code: 'connection_failed' });
    expect(logged).toHaveBeenCalledWith('CustomTokenSessionProvider: onError threw', thrown);
  });
});
