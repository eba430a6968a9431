import { isCustomTokenError, type CustomTokenError } from '../core/errors.js';

/** What the runner is doing: nothing, connecting (`start()` in flight) or disconnecting. */
export type SessionPhase = 'idle' | 'starting' | 'ending';

/** The runner's observable state. Immutable; compare by reference. */
export interface SessionRunnerSnapshot {
  readonly phase: SessionPhase;
  readonly error: CustomTokenError | null;
}

/** How the runner reaches the live session; read at call time, so always the latest. */
export interface SessionRunnerHandlers {
  /** Connects; rejects on failure. `signal` aborts a connect that is still waiting. */
  start(signal: AbortSignal): Promise<void>;
  /** Disconnects. */
  end(): Promise<void>;
  /** `true` when there is nothing to disconnect. */
  isDisconnected(): boolean;
  /** Turns whatever `start` rejected with into the session's one error type. */
  toError(cause: unknown): CustomTokenError;
  onError?(error: CustomTokenError): void;
}

interface PendingStart {
  readonly promise: Promise<void>;
  readonly controller: AbortController;
}

/**
 * Serialises a session's connects and disconnects, outside React: `start()` while starting
 * returns the same promise, `end()` aborts a start in flight and runs after it, and neither
 * ever rejects — a failure becomes the snapshot's `error` and `onError`.
 */
export class SessionRunner {
  readonly #handlers: () => SessionRunnerHandlers;
  readonly #listeners = new Set<() => void>();
  #snapshot: SessionRunnerSnapshot = { phase: 'idle', error: null };
  #tail: Promise<void> = Promise.resolve();
  #starting: PendingStart | null = null;
  #ending: Promise<void> | null = null;
  #attached = 0;

  constructor(handlers: () => SessionRunnerHandlers) {
    this.#handlers = handlers;
  }

  /** Connects, once: a call while connecting returns the pending promise. Never rejects. */
  start = (): Promise<void> => {
    if (this.#starting) return this.#starting.promise;
    this.#update({ phase: 'starting', error: null });
    const controller = new AbortController();
    const promise = this.#tail.then(() => this.#runStart(controller));
    this.#starting = { promise, controller };
    this.#tail = promise;
    return promise;
  };

  /** Disconnects after aborting any start in flight. Never rejects. */
  end = (): Promise<void> => {
    if (this.#ending) return this.#ending;
    this.#starting?.controller.abort();
    const promise = this.#tail.then(() => this.#runEnd());
    this.#ending = promise;
    this.#tail = promise;
    return promise;
  };

  /** Ends the session (if any) and starts a new one. Never rejects. */
  restart = (): Promise<void> => {
    void this.end();
    return this.start();
  };

  /** Records a failure found outside `start()`; a start in flight is aborted with it. */
  fail(error: CustomTokenError): void {
    if (this.#starting) this.#starting.controller.abort(error);
    else this.#update({ error });
  }

  /** Marks a mounted user; the last one leaving (and not back within a microtask) aborts a pending start. */
  attach(): () => void {
    this.#attached += 1;
    return () => {
      this.#attached -= 1;
      queueMicrotask(() => {
        if (this.#attached === 0) this.#starting?.controller.abort();
      });
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): SessionRunnerSnapshot => this.#snapshot;

  async #runStart(controller: AbortController): Promise<void> {
    const handlers = this.#handlers();
    this.#update({ phase: 'starting', error: null });
    try {
      await handlers.start(controller.signal);
      this.#finish(controller, null);
    } catch (cause) {
      const { aborted } = controller.signal;
      const reason: unknown = controller.signal.reason;
      if (aborted && !isCustomTokenError(reason)) this.#finish(controller, null);
      else this.#finish(controller, aborted ? (reason as CustomTokenError) : handlers.toError(cause));
    }
  }

  #finish(controller: AbortController, error: CustomTokenError | null): void {
    if (this.#starting?.controller === controller) this.#starting = null;
    this.#update({ phase: 'idle', error });
  }

  async #runEnd(): Promise<void> {
    const handlers = this.#handlers();
    try {
      if (!handlers.isDisconnected()) {
        this.#update({ phase: 'ending' });
        await handlers.end();
      }
    } catch (cause) {
      this.#update({ error: handlers.toError(cause) });
    } finally {
      this.#ending = null;
      this.#update({ phase: this.#starting ? 'starting' : 'idle' });
    }
  }

  #update(change: Partial<SessionRunnerSnapshot>): void {
    const next = { ...this.#snapshot, ...change };
    if (next.phase === this.#snapshot.phase && next.error === this.#snapshot.error) return;
    const isNewError = next.error !== null && next.error !== this.#snapshot.error;
    this.#snapshot = next;
    this.#listeners.forEach((listener) => listener());
    if (isNewError) this.#report(next.error as CustomTokenError);
  }

  #report(error: CustomTokenError): void {
    try {
      this.#handlers().onError?.(error);
    } catch (callbackError) {
      // The app's callback must not turn a recorded failure into a rejection.
      console.error('CustomTokenSessionProvider: onError threw', callbackError);
    }
  }
}
