import { afterEach, describe, expect, it, vi } from 'vitest';
import { advance } from '../helpers/fakeTime';
import { leaveRemote } from '../helpers/room';
import { clickStart, renderAgentCall } from './render';

afterEach(() => {
  vi.useRealTimers();
});

describe('start() on a live call', () => {
  it('keeps the error of the live call whose agent left: it starts nothing, and the agent is still gone', async () => {
    const { room, connect, session, agent, reported, agentStates } = await renderAgentCall();
    leaveRemote(room, agent);
    await advance(10);
    expect(session().error?.code).toBe('agent_failed');

    const settled = clickStart(session);
    await advance(10);

    expect(settled()).toBe(true);
    expect(connect).toHaveBeenCalledOnce();
    expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: { code: 'agent_failed' } });
    expect(agentStates.at(-1)).toBe('failed');
    expect(reported.map((error) => error.code)).toEqual(['agent_failed']);
  });
});
