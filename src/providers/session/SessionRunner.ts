import { isCustomTokenError, type CustomTokenError } from '../../core/errors.js';

/** What the runner is doing: nothing, connecting (`start()` in flight) or disconnecting. */
export type SessionPhase = 'idle' | 'starting' | 'ending';

/** The runner's observable state. Immutable; compare by reference. */
export interface SessionRunnerSnapshot {
  readonly phase: SessionPhase;
  readonly error: CustomTokenError | null;
}

/** How the runner reaches the live session; read at call time, so always the latest. */
export interface SessionRunnerHandlers {
  /**
   * Connects; rejects on failure. `signal` aborts a connect that is still waiting; `abandon` aborts
   * it too, as `end()` does, for a room left by other means (a `start()` after that is a new one).
   * Resolves `false` when the room holds a session already: nothing started, and its error stands.
   */
  start(signal: AbortSignal, abandon: () => void): Promise<boolean | void>;
  /** Disconnects. */
  end(): Promise<void>;
  /** `true` when there is nothing to disconnect. */
  isDisconnected(): boolean;
  /** Turns whatever `start` rejected with into the session's one error type. */
  toError(cause: unknown): CustomTokenError;
  onError?(error: CustomTokenError): void;
}

/** A queued `start()` (with the controller that abandons it) or `end()` (without). */
interface Operation {
  readonly promise: Promise<void>;
  readonly controller: AbortController | null;
}

/**
 * Serialises a session's connects and disconnects, outside React, so that the last call wins:
 * `start()` while starting returns the same promise, `end()` abandons any start in flight and
 * runs after it, a `start()` after an `end()` runs after that, and neither ever rejects — a
 * failure becomes the snapshot's `error` and `onError`, once per session.
 */
export class SessionRunner {
  readonly #handlers: () => SessionRunnerHandlers;
  readonly #listeners = new Set<() => void>();
  #snapshot: SessionRunnerSnapshot = { phase: 'idle', error: null };
  #tail: Promise<void> = Promise.resolve();
  /** The last operation asked for, until it settles: what a new call joins or queues behind. */
  #last: Operation | null = null;
  /** The newest start, until it settles: the only one that may still be live, since every `end()` aborts it. */
  #starting: AbortController | null = null;
  /** The last error `onError` heard of: one given back (a start that found the session live) is not heard of again. */
  #reported: CustomTokenError | null = null;
  /** `end()`s asked for and not finished: the session they leave fails no more (nor a start asked after them). */
  #leaving = 0;

  constructor(handlers: () => SessionRunnerHandlers) {
    this.#handlers = handlers;
  }

  /** Connects, once: a call while a start is pending (and not abandoned) returns its promise. Never rejects. */
  start = (): Promise<void> => {
    const last = this.#last;
    if (last?.controller && !last.controller.signal.aborted) return last.promise;
    const { error } = this.#snapshot;
    this.#update({ phase: 'starting', error: null });
    const controller = new AbortController();
    this.#starting = controller;
    return this.#enqueue(controller, () => this.#runStart(controller, error));
  };

  /** Disconnects after aborting any start in flight; a call while an end is the last one asked for returns its promise. Never rejects. */
  end = (): Promise<void> => {
    // The start it abandons unwinds before the end runs: the state says "ending" from now on.
    if (this.#starting) this.#update({ phase: 'ending' });
    this.#starting?.abort();
    if (this.#last && !this.#last.controller) return this.#last.promise;
    this.#leaving++;
    return this.#enqueue(null, () => this.#runEnd());
  };

  /** Ends the session (if any) and starts a new one. Never rejects. */
  restart = (): Promise<void> => {
    void this.end();
    return this.start();
  };

  /**
   * Records a failure found outside `start()`; a start in flight is aborted with it. The first
   * failure of a session is its error: one failure is often announced more than once (the agent
   * leaves as its room is deleted), and a later word of it is no new error. (Only a `start()`
   * begins a session, and it clears the error — one that finds the session live begins none, and
   * gives it back; an aborted start keeps its first reason.) Once an `end()` is asked for, the
   * session it leaves fails no more: a failure heard of after it (an agent that left in the same
   * task as a `restart()`, which React renders later) is that session's, not the next one's.
   * Returns whether the failure is the current session's (`false` while leaving).
   */
  fail(error: CustomTokenError): boolean {
    if (this.#leaving) return false;
    if (this.#starting) this.#starting.abort(error);
    else if (!this.#snapshot.error) this.#update({ error });
    return true;
  }

  /**
   * The session is over on the other side — its room ends for everyone, or its agent hung up:
   * records `error` (if any) as {@link SessionRunner.fail} does, and leaves the room, as `end()`
   * does. Unless an `end()` is asked for already: the app is leaving that session, and a start
   * asked after it is the next one's.
   */
  close(error: CustomTokenError | null): void {
    if (this.#leaving) return;
    if (error) this.fail(error);
    void this.end();
  }

  /**
   * Takes `error` back while it is still the session's: what it said is over (an agent that left
   * the call is back in it). A later failure is then the session's error again, and heard of.
   * Once an `end()` is asked for, the session it leaves is over as it was, as for {@link SessionRunner.fail}:
   * an agent joining the room while it is being left is not back in a call.
   */
  withdraw(error: CustomTokenError): void {
    if (!this.#leaving && this.#snapshot.error === error) this.#update({ error: null });
  }

  /**
   * Abandons a start in flight, as `end()` does, without disconnecting: its room is being
   * disconnected already (an effect cleanup: unmount included). Returns whether a start was the
   * last call asked for — running, or queued behind an `end()` (`restart()` while leaving).
   */
  abandonStart(): boolean {
    const asked = this.#starting !== null && !this.#starting.signal.aborted;
    this.#starting?.abort();
    return asked;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): SessionRunnerSnapshot => this.#snapshot;

  /** Runs `run` after everything asked for before; the phase goes back to idle once nothing is asked for after it. */
  #enqueue(controller: AbortController | null, run: () => Promise<Partial<SessionRunnerSnapshot>>): Promise<void> {
    const operation: Operation = {
      controller,
      promise: this.#tail.then(async () => {
        const change = await run();
        // An end() done (its run never rejects).
        if (!controller) this.#leaving--;
        if (this.#starting === controller) this.#starting = null;
        const isLast = this.#last === operation;
        if (isLast) this.#last = null;
        this.#update(isLast ? { ...change, phase: 'idle' } : change);
      }),
    };
    this.#last = operation;
    this.#tail = operation.promise;
    return operation.promise;
  }

  async #runStart(controller: AbortController, before: CustomTokenError | null): Promise<Partial<SessionRunnerSnapshot>> {
    const handlers = this.#handlers();
    this.#update({ phase: 'starting', error: null });
    let error: CustomTokenError | null = null;
    try {
      const started = await handlers.start(controller.signal, () => controller.abort());
      // The session already in the room goes on, and so does what happened to it (its agent left, say).
      if (started === false) error = before;
    } catch (cause) {
      if (!controller.signal.aborted) return { error: handlers.toError(cause) };
      // Abandoned: not a failure, unless `fail()` gave the reason.
    }
    // `fail()` gave one also when it came once the start was done, before this ran: the session's failure.
    const reason: unknown = controller.signal.reason;
    return { error: isCustomTokenError(reason) ? reason : error };
  }

  async #runEnd(): Promise<Partial<SessionRunnerSnapshot>> {
    const handlers = this.#handlers();
    if (handlers.isDisconnected()) return {};
    this.#update({ phase: 'ending' });
    try {
      await handlers.end();
      return {};
    } catch (cause) {
      return { error: handlers.toError(cause) };
    }
  }

  #update(change: Partial<SessionRunnerSnapshot>): void {
    const next = { ...this.#snapshot, ...change };
    if (next.phase === this.#snapshot.phase && next.error === this.#snapshot.error) return;
    // A snapshot's error, when not null, is always the one last reported (each update makes it so).
    const isNewError = next.error !== null && next.error !== this.#reported;
    this.#snapshot = next;
    this.#listeners.forEach((listener) => listener());
    if (isNewError) this.#report(next.error as CustomTokenError);
  }

  #report(error: CustomTokenError): void {
    this.#reported = error;
    try {
      this.#handlers().onError?.(error);
    } catch (callbackError) {
      // The app's callback must not turn a recorded failure into a rejection.
      console.error('CustomTokenSessionProvider: onError threw', callbackError);
    }
  }
}
