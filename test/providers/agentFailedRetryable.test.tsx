import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canRetry } from '../../src/components/canRetry';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { renderSession } from './render';

/*
 * `retryable`: "Whether retrying the same request may succeed". For the session's own failures,
 * retrying is starting again — ErrorNotice's "Try again" — and an agent that never came, or left,
 * is what starting again is for (docs/session-lifecycle.md: "start it again for a new agent").
 */

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

afterEach(() => {
  vi.useRealTimers();
});

async function agentSession() {
  vi.useFakeTimers();
  const w = scriptedWorld();
  const view = renderSession({
    generator: w.generator,
    room: w.room,
    roomName: 'support',
    agentName: 'helper',
    agentConnectTimeoutMs: 5_000,
    microphone: false,
  });
  w.cooperate();
  act(() => void view.session().start());
  await advance(50);
  return { w, ...view };
}

describe('CustomTokenSessionProvider: an agent failure is one that starting again can help', () => {
  it('says an agent that never became ready is retryable, as Try again offers', async () => {
    const { session, unmount } = await agentSession();
    await advance(5_100);
    const { error } = session();
    expect(error?.code).toBe('agent_failed');
    expect(error?.retryable).toBe(true);
    expect(canRetry(error!)).toBe(true);
    unmount();
  });

  it('says an agent that left the call is retryable, as Try again offers', async () => {
    const { w, session, unmount } = await agentSession();
    w.agentEvent('joins ready');
    await advance(50);
    w.agentEvent('leaves');
    await advance(50);
    const { error } = session();
    expect(error?.code).toBe('agent_failed');
    expect(error?.retryable).toBe(true);
    expect(canRetry(error!)).toBe(true);
    unmount();
  });
});
