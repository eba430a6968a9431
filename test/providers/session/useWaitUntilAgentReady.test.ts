import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useWaitUntilAgentReady } from '../../../src/providers/session/useWaitUntilAgentReady';

type AgentShape = Parameters<typeof useWaitUntilAgentReady>[0];

const connecting: AgentShape = { state: 'connecting', attributes: {} };
const listening: AgentShape = { state: 'listening', attributes: {} };

/** What `promise` has done once the microtasks queued so far have run. */
async function outcomeSoFar(promise: Promise<void>): Promise<'resolved' | 'pending' | { rejected: unknown }> {
  let outcome: 'resolved' | 'pending' | { rejected: unknown } = 'pending';
  promise.then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = { rejected: error }),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return outcome;
}

describe('useWaitUntilAgentReady', () => {
  it('resolves at once when the agent is ready, and when it becomes ready', async () => {
    const { result, rerender } = renderHook((agent: AgentShape) => useWaitUntilAgentReady(agent), { initialProps: connecting });
    const waiting = result.current(new AbortController().signal);
    expect(await outcomeSoFar(waiting)).toBe('pending');
    rerender(listening);
    expect(await outcomeSoFar(waiting)).toBe('resolved');
    expect(await outcomeSoFar(result.current(new AbortController().signal))).toBe('resolved');
  });

  it('rejects with the reason when its signal aborts, before or while it waits — an abandoned start is not kept waiting', async () => {
    const { result, rerender } = renderHook((agent: AgentShape) => useWaitUntilAgentReady(agent), { initialProps: connecting });
    const abandoned = new AbortController();
    const waiting = result.current(abandoned.signal);
    const reason = new Error('start abandoned');
    abandoned.abort(reason);
    expect(await outcomeSoFar(waiting)).toEqual({ rejected: reason });
    expect(await outcomeSoFar(result.current(abandoned.signal))).toEqual({ rejected: reason });
    // The agent becoming ready later settles nothing twice, and a live wait still resolves.
    const live = result.current(new AbortController().signal);
    rerender(listening);
    expect(await outcomeSoFar(live)).toBe('resolved');
    expect(await outcomeSoFar(waiting)).toEqual({ rejected: reason });
  });
});

describe('useWaitUntilAgentReady, once woken', () => {
  it("leaves nothing on its signal: a start's signal outlives the wait, and must not keep it", async () => {
    // Node's reader of an EventTarget's listeners (typed on EventEmitter only in this @types/node).
    const { getEventListeners } = (await import('node:events')) as unknown as {
      getEventListeners(target: EventTarget, type: string): unknown[];
    };
    const { result, rerender } = renderHook((agent: AgentShape) => useWaitUntilAgentReady(agent), { initialProps: connecting });
    const signal = new AbortController().signal;
    const waiting = result.current(signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    rerender(listening);
    expect(await outcomeSoFar(waiting)).toBe('resolved');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
